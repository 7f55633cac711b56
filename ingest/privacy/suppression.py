"""Load-time suppression: a reloaded file never brings an erased person back.

The loader (ingest.load) publishes a group of files in one transaction; inside it, after the
rows are inserted and before the ledger rows are written, ``suppress`` deletes the rows just
inserted whose subject column (the contract's ``subject_column``) hashes to an erased person,
and the quarantined lines of those files that mention one (any integer token of the line).
The ledger counts them as ``rows_suppressed``, so rows_read = rows_loaded + rows_quarantined +
rows_suppressed still holds. Every path that lands rows through the loader (``ingest load``,
replays, the stream) is covered. Without erasures nothing runs and no salt is needed.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

import duckdb

from ingest.contracts import CONTRACTS, RAW_SCHEMA
from ingest.ledger import QUARANTINE, STATUS_LOADED, LedgerEntry
from ingest.privacy import registry
from ingest.sql import qualified, quote_ident


@dataclass(frozen=True)
class Suppression:
    """The salt of this warehouse's registry (present only when someone was erased)."""

    salt: str


def for_load(con: duckdb.DuckDBPyConnection) -> Suppression | None:
    """None when nobody was erased; else the suppression, or MissingSaltError without the
    salt (loading then would bring erased people back)."""
    if registry.erased_count(con) == 0:
        return None
    return Suppression(salt=registry.salt("loading into a warehouse with erased people"))


def suppress(
    con: duckdb.DuckDBPyConnection, suppression: Suppression, entries: list[LedgerEntry]
) -> dict[str, tuple[int, int]]:
    """Delete erased people's rows of the ``loaded`` entries (inside the caller's
    transaction). Returns per path (raw rows deleted, quarantined lines deleted)."""
    loaded = [entry for entry in entries if entry.status == STATUS_LOADED]
    if not loaded:
        return {}
    hashes = f"(select subject_hash from {registry.REGISTRY})"
    raw_counts: Counter[str] = Counter()
    for source in sorted({entry.source for entry in loaded}):
        column = CONTRACTS[source].subject_column
        if column is None:
            continue
        batch_ids = sorted({entry.batch_id for entry in loaded if entry.source == source})
        paths = [entry.path for entry in loaded if entry.source == source]
        deleted = con.execute(
            f"delete from {qualified(RAW_SCHEMA, CONTRACTS[source].table)}"
            " where list_contains(?, _batch_id) and list_contains(?, _source_file)"
            f" and sha256(? || trim({quote_ident(column)})) in {hashes}"
            " returning _source_file",
            [batch_ids, paths, suppression.salt],
        ).fetchall()
        raw_counts.update(str(row[0]) for row in deleted)
    batch_ids = sorted({entry.batch_id for entry in loaded})
    paths = [entry.path for entry in loaded]
    lines = con.execute(
        "select distinct source_file, line_number from ("
        "  select source_file, line_number,"
        "   unnest(regexp_extract_all(raw_line, '[0-9]+')) as token"
        f"  from {QUARANTINE}"
        "  where list_contains(?, _batch_id) and list_contains(?, source_file)"
        f") where sha256(? || token) in {hashes}",
        [batch_ids, paths, suppression.salt],
    ).fetchall()
    if lines:
        con.execute(
            f"delete from {QUARANTINE} where list_contains(?, _batch_id)"
            " and list_contains(?, source_file || ':' || line_number)",
            [batch_ids, [f"{source_file}:{line_number}" for source_file, line_number in lines]],
        )
    quarantine_counts = Counter(str(source_file) for source_file, _ in lines)
    return {
        path: (raw_counts[path], quarantine_counts[path])
        for path in set(raw_counts) | set(quarantine_counts)
    }


def adjusted(entry: LedgerEntry, counts: dict[str, tuple[int, int]]) -> LedgerEntry:
    """``entry`` with its suppressed rows moved out of rows_loaded / rows_quarantined."""
    raw, quarantined = counts.get(entry.path, (0, 0)) if entry.status == STATUS_LOADED else (0, 0)
    if not raw and not quarantined:
        return entry
    return dataclasses.replace(
        entry,
        rows_loaded=entry.rows_loaded - raw,
        rows_quarantined=entry.rows_quarantined - quarantined,
        rows_suppressed=raw + quarantined,
    )
