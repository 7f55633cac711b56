"""Reusable, vectorised ML helpers for the dbt Python models (importable and testable by pytest).

- `pipeline_ml.recommend`: item-item collaborative filtering on sparse matrices and its
  offline evaluation (hit rate at k against a most-popular baseline).
- `pipeline_ml.propensity`: the purchase-propensity model trained on the point-in-time
  training set, its time-based hold-out evaluation and per-user predictions.
- `pipeline_ml.settings`: parsing of the dbt vars the Python models receive as config.
"""

from pipeline_ml.errors import InputError, PipelineMLError

__all__ = ["InputError", "PipelineMLError"]
