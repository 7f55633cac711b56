"""Retention: raw rows older than their source's retention are deleted, and the ledger says so.

Each contract may set ``retention_days`` (default None: keep everything); the environment
variable ``INGEST_RETENTION_DAYS_<SOURCE>`` (e.g. ``INGEST_RETENTION_DAYS_EVENTS=90``)
overrides it (``none`` keeps everything). ``purge_expired`` deletes, per source, the raw rows
whose ``time_column`` falls on a day before ``today - days`` and writes one ledger row per
source with status ``purged``, the cut-off in ``path`` and the count in ``rows_removed``, in
the same transaction. Rows whose time does not parse are kept (staging rejects them anyway).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from ingest.contracts import CONTRACTS, RAW_SCHEMA, SourceContract
from ingest.errors import UsageError
from ingest.ledger import (
    STATUS_PURGED,
    LedgerEntry,
    ensure_tables,
    new_batch_id,
    utc_now,
    write_entries,
)
from ingest.sql import qualified, quote_ident

VARIABLE_PREFIX = "INGEST_RETENTION_DAYS_"


@dataclass
class Purged:
    source: str
    days: int
    cutoff: date
    rows: int


def retention_days(contract: SourceContract) -> int | None:
    """The source's retention in days, from the environment or the contract."""
    variable = VARIABLE_PREFIX + contract.name.upper()
    text = os.environ.get(variable)
    if text is None or text.strip() == "":
        return contract.retention_days
    if text.strip().lower() == "none":
        return None
    try:
        days = int(text)
    except ValueError:
        raise UsageError(f"{variable} must be a number of days or 'none', got {text!r}") from None
    if days < 1:
        raise UsageError(f"{variable} must be at least 1 day, got {days}")
    return days


def purge_expired(con: duckdb.DuckDBPyConnection, *, today: date | None = None) -> list[Purged]:
    """Delete expired raw rows of every source with a retention; one transaction."""
    ensure_tables(con)
    today = today or utc_now().date()
    plans = [
        (contract, days)
        for contract in CONTRACTS.values()
        if (days := retention_days(contract)) is not None and contract.time_column
    ]
    purged: list[Purged] = []
    started = utc_now()
    batch_id = new_batch_id(started)
    con.execute("begin transaction")
    try:
        entries = []
        for contract, days in plans:
            cutoff = today - timedelta(days=days)
            column = quote_ident(str(contract.time_column))
            row = con.execute(
                f"delete from {qualified(RAW_SCHEMA, contract.table)}"
                f" where try_cast(left(trim({column}), 10) as date) < ?",
                [cutoff],
            ).fetchone()
            count = int(row[0]) if row else 0
            purged.append(Purged(contract.name, days, cutoff, count))
            entries.append(
                LedgerEntry(
                    batch_id=batch_id,
                    source=contract.name,
                    path=f"retention: {contract.time_column} before {cutoff} ({days} days)",
                    status=STATUS_PURGED,
                    started_at=started,
                    finished_at=utc_now(),
                    rows_removed=count,
                )
            )
        write_entries(con, entries)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return purged
