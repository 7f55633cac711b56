"""Publishing staged files: their raw rows, quarantined lines and ledger rows move from the
temporary stages to the warehouse in one transaction per group of files (or, when the group
fails, one per file), with the supersede rule and the erasure suppression applied inside it.

Used by ``ingest.load`` (which stages the files) and the folder mode of ``ingest.stream``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import duckdb

from ingest.contracts import CONTRACTS, RAW_SCHEMA
from ingest.errors import DiskFullError, WarehouseError, duckdb_reason
from ingest.ledger import (
    LEDGER,
    QUARANTINE,
    STATUS_FAILED,
    STATUS_LOADED,
    STATUS_SUPERSEDED,
    LedgerEntry,
    utc_now,
    write_entries,
)
from ingest.lines import QUARANTINE_STAGE
from ingest.privacy.suppression import Suppression, adjusted, suppress
from ingest.readers import stage_table
from ingest.sql import qualified


@dataclass
class Pending:
    """Files staged since the last publish."""

    entries: list[LedgerEntry] = field(default_factory=list)
    rows: int = 0
    hashes: set[tuple[str, str]] = field(default_factory=set)
    # Per source: (path, select, parameters) of raw rows to run at publish time (see
    # StagedFile.deferred).
    deferred: dict[str, list[tuple[str, str, list[object]]]] = field(default_factory=dict)
    lines_tables: list[str] = field(default_factory=list)
    # Set when the warehouse has erased people (ingest.privacy.suppression).
    suppression: Suppression | None = None
    # (source, path) of pending files that are a new version of a file loaded before: their
    # publish replaces the old version's rows (see supersede).
    supersedes: set[tuple[str, str]] = field(default_factory=set)
    # When the oldest pending file was staged (time.monotonic), None when nothing is pending.
    since: float | None = None
    # Messages about published files (kept across publishes, for the load report).
    notes: list[str] = field(default_factory=list)

    @property
    def deferred_files(self) -> int:
        return sum(len(selects) for selects in self.deferred.values())


def prepare_stages(con: duckdb.DuckDBPyConnection) -> None:
    for contract in CONTRACTS.values():
        con.execute(
            f"create or replace temp table {stage_table(contract)} as"
            f" select * from {qualified(RAW_SCHEMA, contract.table)} limit 0"
        )
    con.execute(
        f"create or replace temp table {QUARANTINE_STAGE} as select * from {QUARANTINE} limit 0"
    )


def clear_stages(con: duckdb.DuckDBPyConnection) -> None:
    for contract in CONTRACTS.values():
        con.execute(f"delete from {stage_table(contract)}")
    con.execute(f"delete from {QUARANTINE_STAGE}")


def write(con: duckdb.DuckDBPyConnection, pending: Pending, entries: list[LedgerEntry]) -> None:
    """Publish ``entries`` (all pending ones, or one) in one transaction; raise duckdb.Error."""
    loaded = [entry for entry in entries if entry.status == STATUS_LOADED]
    everything = len(entries) == len(pending.entries)
    paths = [entry.path for entry in loaded]
    # The stage holds only pending rows: filter by file only when publishing some of them.
    where, where_params = (
        ("", []) if everything else (" where list_contains(?, _source_file)", [paths])
    )
    con.execute("begin transaction")
    notes = [
        supersede(con, entry)
        for entry in loaded
        if (entry.source, entry.path) in pending.supersedes
    ]
    for source in sorted({entry.source for entry in loaded}):
        contract = CONTRACTS[source]
        # One insert per source: one insert per file costs far more on an on-disk table.
        selects = [f"select * from {stage_table(contract)}{where}"]
        params: list[object] = list(where_params)
        for path, sql, sql_params in pending.deferred.get(source, []):
            if everything or path in paths:
                selects.append(f"({sql})")
                params.extend(sql_params)
        rows = " union all ".join(selects)
        if len(selects) > 1:
            # One pipeline into the raw table: each branch of a union would append its own
            # partial row groups (per file and thread), which the checkpoint then rewrites
            # (about 15% of the load's CPU at scale 100; benchmarks/NOTES.md).
            rows = f"with publish_rows as materialized ({rows}) select * from publish_rows"
        con.execute(f"insert into {qualified(RAW_SCHEMA, contract.table)} {rows}", params)
    quarantine_where = "" if everything else " where list_contains(?, source_file)"
    con.execute(
        f"insert into {QUARANTINE} select * from {QUARANTINE_STAGE}{quarantine_where}",
        where_params,
    )
    suppressed = suppress(con, pending.suppression, entries) if pending.suppression else {}
    finished = utc_now()
    for entry in loaded:
        entry.finished_at = finished
    write_entries(con, [adjusted(entry, suppressed) for entry in entries])
    con.execute("commit")
    for entry in entries:  # the report shows what was committed
        after = adjusted(entry, suppressed)
        entry.rows_loaded, entry.rows_quarantined = after.rows_loaded, after.rows_quarantined
        entry.rows_suppressed = after.rows_suppressed
    pending.notes.extend(notes)


def supersede(con: duckdb.DuckDBPyConnection, entry: LedgerEntry) -> str:
    """Replace the earlier version of ``entry``'s file (same source, same path) inside the
    publishing transaction: delete its raw rows and quarantined lines, mark its ledger rows
    ``superseded`` (they stay, as the record of what was loaded). Return the summary line."""
    table = qualified(RAW_SCHEMA, CONTRACTS[entry.source].table)
    deleted = con.execute(f"delete from {table} where _source_file = ?", [entry.path]).fetchone()
    con.execute(
        f"delete from {QUARANTINE} where source = ? and source_file = ?",
        [entry.source, entry.path],
    )
    batches = con.execute(
        f"update {LEDGER} set status = ? where source = ? and path = ? and status = ?"
        " returning batch_id",
        [STATUS_SUPERSEDED, entry.source, entry.path, STATUS_LOADED],
    ).fetchall()
    replaced = int(deleted[0]) if deleted else 0
    old = ", ".join(sorted({str(row[0]) for row in batches})) or "an earlier batch"
    return (
        f"{entry.path}: new version supersedes the one loaded in batch {old}"
        f" ({replaced} raw rows replaced)"
    )


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is open; a failed commit has already ended it."""
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")


def is_disk_full(error: BaseException) -> bool:
    return "no space left on device" in str(error).lower()


def cleanup(con: duckdb.DuckDBPyConnection, pending: Pending) -> None:
    con.execute("set preserve_insertion_order = true")
    clear_stages(con)
    for table in pending.lines_tables:
        con.execute(f"drop table if exists {table}")


def publish(con: duckdb.DuckDBPyConnection, pending: Pending) -> None:
    """Move staged rows to raw with their ledger rows: the group in one transaction, or, if
    that fails, file by file, so that one file's failure does not stop the others."""
    con.execute("set preserve_insertion_order = false")
    try:
        try:
            write(con, pending, pending.entries)
        except duckdb.Error as group_error:
            rollback(con)
            if is_disk_full(group_error):
                raise DiskFullError(duckdb_reason(group_error)) from None
            for entry in pending.entries:
                try:
                    write(con, pending, [entry])
                except duckdb.Error as error:
                    rollback(con)
                    if is_disk_full(error):
                        raise DiskFullError(duckdb_reason(error)) from None
                    reason = f"could not write to the warehouse: {duckdb_reason(error)}"
                    entry.status = STATUS_FAILED
                    entry.error = f"{entry.path}: {reason}"
                    entry.rows_loaded = entry.rows_quarantined = entry.rows_read = 0
                    try:
                        write_entries(con, [entry])
                    except duckdb.Error as ledger_error:
                        raise WarehouseError(
                            f"cannot write the load ledger: {duckdb_reason(ledger_error)}"
                        ) from None
    except BaseException:
        # Already failing: a cleanup error (a dead connection after a disk-full commit)
        # must not hide the first one.
        with contextlib.suppress(duckdb.Error):
            cleanup(con, pending)
        raise
    cleanup(con, pending)
    pending.entries.clear()
    pending.hashes.clear()
    pending.deferred.clear()
    pending.lines_tables.clear()
    pending.supersedes.clear()
    pending.since = None
    pending.rows = 0
