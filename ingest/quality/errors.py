"""Errors of the quality outputs; part of the ingest package's IngestError family."""

from __future__ import annotations

from ingest.errors import IngestError


class QualityError(IngestError):
    """Base class of the errors the quality report and alerts raise on purpose."""


class AlertDeliveryError(QualityError):
    """A webhook could not be reached or answered with an error status."""

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(f"alert webhook {url}: {detail}")
        self.url = url
        self.detail = detail


class ReportDataError(QualityError):
    """The warehouse lacks the quality marts the report reads (run `dbt build` first)."""
