"""The report's sections, in page order: each module has ``render(data) -> str``.

To add a section: read its figures in ``observability.report.data`` (a new ``ReportData``
field with a default), write ``sections/<name>.py`` with ``render``, and list it here.
"""

from __future__ import annotations

from collections.abc import Callable

from observability.report.data import ReportData
from observability.report.sections import (
    checks,
    deliveries,
    history,
    latest,
    metrics,
    models,
    reasons,
    streaming,
)

SECTIONS: tuple[Callable[[ReportData], str], ...] = (
    latest.render,
    history.render,
    reasons.render,
    checks.render,
    deliveries.render,
    metrics.render,
    streaming.render,
    models.render,
)
