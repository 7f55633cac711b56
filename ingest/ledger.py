"""The raw schema's bookkeeping tables: the load ledger and the quarantine.

``raw._load_ledger`` has one row per file per load attempt (status loaded, skipped_duplicate,
failed, or superseded once a newer version of the same path replaced it); ``raw._quarantine``
one row per physical line that could not be parsed at all. Both are created here, with the
raw tables.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from ingest.contracts import (
    CONTRACTS,
    EXTRA_COLUMN,
    LEDGER_TABLE,
    QUARANTINE_TABLE,
    RAW_SCHEMA,
    SourceContract,
)
from ingest.errors import UsageError
from ingest.sql import qualified, quote_ident
from ingest.stream.tables import create_stream_tables


def utc_now() -> datetime:
    """The current UTC time as a naive timestamp (the raw schema's convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_batch_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}"


LEDGER = qualified(RAW_SCHEMA, LEDGER_TABLE)
QUARANTINE = qualified(RAW_SCHEMA, QUARANTINE_TABLE)

LEDGER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("batch_id", "varchar"),
    ("source", "varchar"),
    ("path", "varchar"),
    ("size_bytes", "bigint"),
    ("sha256", "varchar"),
    ("rows_read", "bigint"),
    ("rows_loaded", "bigint"),
    ("rows_quarantined", "bigint"),
    ("status", "varchar"),
    ("error", "varchar"),
    ("started_at", "timestamp"),
    ("finished_at", "timestamp"),
    # Added with erasure and retention (ingest.privacy): ensure_tables adds them to older
    # warehouses.
    ("rows_suppressed", "bigint default 0"),
    ("rows_removed", "bigint default 0"),
)
QUARANTINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_batch_id", "varchar"),
    ("source", "varchar"),
    ("source_file", "varchar"),
    ("line_number", "bigint"),
    ("raw_line", "varchar"),
    ("reason", "varchar"),
    ("quarantined_at", "timestamp"),
    # The line's exact bytes (without its line ending), base64: raw_line is text, and shows
    # bytes that are not UTF-8 as ?.
    ("raw_line_base64", "varchar"),
)
LINEAGE_DDL: tuple[tuple[str, str], ...] = (
    ("_batch_id", "varchar"),
    ("_source_file", "varchar"),
    ("_row_number", "bigint"),
    ("_loaded_at", "timestamp"),
)

STATUS_LOADED = "loaded"
STATUS_SKIPPED = "skipped_duplicate"
STATUS_FAILED = "failed"
STATUS_PURGED = "purged"
# A loaded file replaced by a newer version of the same path (its raw rows were deleted in the
# transaction that loaded the new version).
STATUS_SUPERSEDED = "superseded"


def _columns_ddl(columns: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{quote_ident(name)} {sql_type}" for name, sql_type in columns)


def raw_table_columns(contract: SourceContract) -> tuple[tuple[str, str], ...]:
    """The raw table of ``contract``: its columns as text, ``_extra`` JSON, then lineage."""
    return (
        *((name, "varchar") for name in contract.column_names),
        (EXTRA_COLUMN, "json"),
        *LINEAGE_DDL,
    )


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, one table per contract, the ledger and the quarantine."""
    con.execute(f"create schema if not exists {quote_ident(RAW_SCHEMA)}")
    con.execute(f"create table if not exists {LEDGER} ({_columns_ddl(LEDGER_COLUMNS)})")
    for name, sql_type in LEDGER_COLUMNS[-2:]:
        con.execute(f"alter table {LEDGER} add column if not exists {quote_ident(name)} {sql_type}")
    con.execute(f"create table if not exists {QUARANTINE} ({_columns_ddl(QUARANTINE_COLUMNS)})")
    # Warehouses created before a column was added to the quarantine get it (null there).
    for name, sql_type in QUARANTINE_COLUMNS:
        con.execute(
            f"alter table {QUARANTINE} add column if not exists {quote_ident(name)} {sql_type}"
        )
    for contract in CONTRACTS.values():
        table = qualified(RAW_SCHEMA, contract.table)
        columns = _columns_ddl(raw_table_columns(contract))
        con.execute(f"create table if not exists {table} ({columns})")
    # The streamer's offsets and batch metrics (empty until `ingest stream` runs).
    create_stream_tables(con)


@dataclass
class LedgerEntry:
    """One row of ``raw._load_ledger``."""

    batch_id: str
    source: str
    path: str
    status: str
    started_at: datetime
    finished_at: datetime
    # An entry starts as a file of unknown size that nothing was read from.
    size_bytes: int | None = None
    sha256: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    error: str | None = None
    # Rows of erased people read but not written (ingest.privacy.suppression).
    rows_suppressed: int = 0
    # Raw rows deleted by a retention run (status purged).
    rows_removed: int = 0

    def as_row(self) -> list[object]:
        return [
            self.batch_id,
            self.source,
            self.path,
            self.size_bytes,
            self.sha256,
            self.rows_read,
            self.rows_loaded,
            self.rows_quarantined,
            self.status,
            self.error,
            self.started_at,
            self.finished_at,
            self.rows_suppressed,
            self.rows_removed,
        ]


def write_entries(con: duckdb.DuckDBPyConnection, entries: list[LedgerEntry]) -> None:
    if not entries:
        return
    placeholders = ", ".join("?" for _ in LEDGER_COLUMNS)
    con.executemany(f"insert into {LEDGER} values ({placeholders})", [e.as_row() for e in entries])


def loaded_hashes(con: duckdb.DuckDBPyConnection, sources: list[str]) -> dict[tuple[str, str], str]:
    """(source, sha256) of every file already loaded for ``sources``, with its first path."""
    rows = con.execute(
        f"select source, sha256, arg_min(path, started_at) from {LEDGER}"
        " where list_contains(?, source) and status = ? group by all",
        [sources, STATUS_LOADED],
    ).fetchall()
    return {(str(source), str(sha)): str(path) for source, sha, path in rows}


def loaded_paths(con: duckdb.DuckDBPyConnection, sources: list[str]) -> set[tuple[str, str]]:
    """(source, path) of every file whose current version is loaded, for ``sources``."""
    rows = con.execute(
        f"select distinct source, path from {LEDGER} where list_contains(?, source) and status = ?",
        [sources, STATUS_LOADED],
    ).fetchall()
    return {(str(source), str(path)) for source, path in rows}


def require_tables(con: duckdb.DuckDBPyConnection, database: object) -> None:
    """Raise a UsageError when the ledger and quarantine are missing (nothing loaded yet);
    the read-only commands cannot create them."""
    found = con.execute(
        "select count(*) from duckdb_tables()"
        " where schema_name = ? and list_contains(?, table_name)",
        [RAW_SCHEMA, [LEDGER_TABLE, QUARANTINE_TABLE]],
    ).fetchone()
    if not found or found[0] < 2:
        raise UsageError(f"warehouse {database} has no load ledger yet; run `ingest load` first")


# What `ingest ledger` and `ingest quarantine` list: the table, its columns, the order.
LISTINGS: dict[str, tuple[str, str, str]] = {
    "ledger": (
        LEDGER,
        "batch_id, source, path, status, rows_read, rows_loaded, rows_quarantined,"
        " rows_suppressed, rows_removed, size_bytes, started_at, error",
        "started_at desc, path",
    ),
    "quarantine": (
        QUARANTINE,
        "source, source_file, line_number, reason, raw_line, _batch_id",
        "quarantined_at desc, source_file, line_number",
    ),
}


def read_listing(
    con: duckdb.DuckDBPyConnection,
    listing: str,
    *,
    source: str | None = None,
    limit: int | None = None,
) -> tuple[list[str], list[tuple[object, ...]]]:
    """The rows of one of LISTINGS (of one source, or all), newest first: ledger rows, or
    quarantined lines (newest load first, then by file and line)."""
    table, columns, order = LISTINGS[listing]
    result = con.execute(
        f"select {columns} from {table} where (? is null or source = ?) order by {order} limit ?",
        [source, source, limit if limit is not None else 2**62],
    )
    return [column[0] for column in result.description], result.fetchall()
