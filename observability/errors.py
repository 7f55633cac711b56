"""The observability package's exceptions: one base class, subclasses that say what failed.

The CLI turns every ``ObservabilityError`` into a one-line message (``error: ...``) and the
exit code of the class; nothing here is meant to reach the user as a traceback.
"""

from __future__ import annotations

from pathlib import Path


class ObservabilityError(Exception):
    """Base class of every error the observability package raises on purpose."""

    exit_code = 1


class WarehouseError(ObservabilityError):
    """The warehouse file is missing or cannot be opened (e.g. another process writes it)."""

    def __init__(self, database: Path, detail: str) -> None:
        super().__init__(f"{database}: {detail}")
        self.database = database
        self.detail = detail


class ReportDataError(ObservabilityError):
    """The warehouse lacks the quality marts the report reads (run `dbt build` first)."""


class AlertDeliveryError(ObservabilityError):
    """A webhook could not be reached or answered with an error status."""

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(f"alert webhook {url}: {detail}")
        self.url = url
        self.detail = detail
