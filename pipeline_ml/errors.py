"""The package's one exception hierarchy: every error raised on purpose derives from it."""

from __future__ import annotations


class PipelineMLError(Exception):
    """Base class of every error pipeline_ml raises on purpose."""


class InputError(PipelineMLError):
    """An input table lacks what a function needs (a column, rows, a valid setting)."""

    def __init__(self, message: str, *, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column
