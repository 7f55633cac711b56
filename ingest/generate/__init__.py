"""Deterministic synthetic e-commerce landing data for the five raw sources.

``generate(out, scale=..., seed=..., days=..., start_date=..., fault_rate=...)`` writes
``out/<source>/<files>``, ``out/_manifest.json`` and ``out/_faults.csv``; see
``python -m ingest generate --help``.
"""

from ingest.generate.config import GENERATOR_VERSION, GenerateError
from ingest.generate.core import GenerateResult, generate

__all__ = ["GENERATOR_VERSION", "GenerateError", "GenerateResult", "generate"]
