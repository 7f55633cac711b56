"""The ingest package's exceptions: one base class, subclasses that carry what went wrong.

The CLI turns every ``IngestError`` into a one-line message (what and where) and an exit
code; nothing here is meant to reach the user as a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path


class IngestError(Exception):
    """Base class of every error the ingest package raises on purpose."""

    exit_code = 1


class UsageError(IngestError):
    """The command line names something that cannot be loaded (exit code 2)."""

    exit_code = 2


class SettingsError(UsageError):
    """An environment variable of ``ingest.settings`` holds a value that cannot work."""

    def __init__(self, variable: str, value: str, expected: str) -> None:
        super().__init__(f"environment variable {variable}={value!r}: {expected}")
        self.variable = variable
        self.value = value


class GenerateError(UsageError, ValueError):
    """The synthetic data generator got arguments it cannot use, or cannot write its output."""


class PathNotFoundError(UsageError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: no such file or directory")
        self.path = path


class UnknownSourceError(UsageError):
    """A folder or file that no contract claims."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path


class WarehouseError(IngestError):
    """The DuckDB warehouse file cannot be opened."""


class DiskFullError(WarehouseError):
    """The disk filled up while writing the warehouse (the load stops; see load.load_paths)."""


class WarehouseLockedError(WarehouseError):
    def __init__(self, database: Path, pid: int | None) -> None:
        who = f"another process (pid {pid})" if pid is not None else "another process"
        super().__init__(
            f"warehouse {database} is locked by {who}; wait for it to finish or stop it"
        )
        self.database = database
        self.pid = pid


class FileLoadError(IngestError):
    """One file cannot be loaded; the file is rejected whole and the others still load."""

    def __init__(self, source_file: str, reason: str) -> None:
        super().__init__(f"{source_file}: {reason}")
        self.source_file = source_file
        self.reason = reason


class MissingColumnError(FileLoadError):
    def __init__(self, source_file: str, column: str, *, kind: str = "column") -> None:
        super().__init__(source_file, f"missing required {kind} {column!r}")
        self.column = column


class PrivacyError(IngestError):
    """An erasure, access or retention request cannot be carried out."""


class MissingSaltError(PrivacyError, UsageError):
    """The erasure registry needs its salt (an environment variable) and it is not set."""

    def __init__(self, variable: str, action: str) -> None:
        super().__init__(
            f"{action} needs the erasure salt: set the environment variable {variable}"
            " (a long random secret; the same value for every run)"
        )
        self.variable = variable


def first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def duckdb_reason(error: BaseException) -> str:
    """One line from a DuckDB error: its first line, without the error-class prefix."""
    line = first_line(str(error))
    return re.sub(r"^[A-Za-z ]+Error: ", "", line)
