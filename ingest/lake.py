"""The `export-lake` command: the raw schema as Parquet files in a partitioned lake layout.

Another engine (Spark: the `spark` target of profiles.yml) reads the raw data from open files
rather than from the DuckDB file. Each raw table (every source of the contracts plus the load
ledger, the quarantine and the streamer's batch log, lineage columns included) becomes one
folder, partitioned by its load batch in the Hive layout any engine reads::

    <out>/sales/_batch_id=20261201T024439Z-e41b3103/data_0.parquet
    <out>/_load_ledger/batch_id=.../data_0.parquet

As in any Hive layout the partition column lives in the folder names only (Spark refuses to
keep a valid schema for columns both in the files and in the folder names). A table without
rows gets one empty file (`empty.parquet`, partition column included) that still carries its
schema. Each table is written to a fresh folder beside the old one and swapped in by two
renames, so a failed export leaves the previous copy of that table whole. Re-running the
export after a new load rewrites every table (one folder per batch, old batches unchanged).
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.contracts import CONTRACTS, LEDGER_TABLE, QUARANTINE_TABLE, RAW_SCHEMA
from ingest.errors import UsageError, WarehouseError
from ingest.sql import qualified, quote_ident
from ingest.stream.tables import BATCHES_TABLE

# The partition column of each raw table: the batch that wrote the row.
LEDGER_PARTITION = "batch_id"
BATCH_PARTITION = "_batch_id"
EMPTY_FILE = "empty.parquet"


@dataclass(frozen=True)
class ExportedTable:
    table: str
    rows: int
    partitions: int
    path: Path


def quote_literal(text: str) -> str:
    """`text` as a DuckDB string literal (COPY's target cannot be a parameter)."""
    if "\x00" in text:
        raise ValueError(f"literal contains a NUL byte: {text!r}")
    return "'" + text.replace("'", "''") + "'"


def lake_tables() -> list[tuple[str, str]]:
    """(raw table, partition column) of every table the lake holds, in a fixed order."""
    tables = [(name, BATCH_PARTITION) for name in sorted(CONTRACTS)]
    return [
        *tables,
        (LEDGER_TABLE, LEDGER_PARTITION),
        (QUARANTINE_TABLE, BATCH_PARTITION),
        # the source of stg_stream_batches (empty unless `ingest stream` ran)
        (BATCHES_TABLE, LEDGER_PARTITION),
    ]


def export_lake(database: Path, out: Path) -> list[ExportedTable]:
    """Write every raw table of `database` under `out` (see the module docstring)."""
    if not database.is_file():
        raise UsageError(f"warehouse {database} does not exist; run `ingest load` first")
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        message = str(error).strip().splitlines()[0]
        raise WarehouseError(f"warehouse {database}: {message}") from None
    out.mkdir(parents=True, exist_ok=True)
    exported = []
    with con:
        con.execute("set TimeZone = 'UTC'")
        present = {
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where schema_name = ?", [RAW_SCHEMA]
            ).fetchall()
        }
        for table, partition in lake_tables():
            if table not in present:
                raise UsageError(
                    f"warehouse {database} has no table {RAW_SCHEMA}.{table}; "
                    "run `ingest load` first"
                )
            exported.append(_export_table(con, table, partition, out))
    return exported


def _export_table(
    con: duckdb.DuckDBPyConnection, table: str, partition: str, out: Path
) -> ExportedTable:
    final = out / table
    staging = out / f".{table}.{uuid.uuid4().hex}.tmp"
    source = qualified(RAW_SCHEMA, table)
    try:
        (rows,) = con.execute(f"select count(*) from {source}").fetchone()
        if rows:
            con.execute(
                f"copy (select * from {source}) to {quote_literal(str(staging))} "
                f"(format parquet, partition_by ({quote_ident(partition)}))"
            )
        else:
            staging.mkdir()
            con.execute(
                f"copy (select * from {source}) to "
                f"{quote_literal(str(staging / EMPTY_FILE))} (format parquet)"
            )
        partitions = sum(1 for child in staging.iterdir() if child.is_dir())
        _swap(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ExportedTable(table=table, rows=rows, partitions=partitions, path=final)


def _swap(staging: Path, final: Path) -> None:
    """Put `staging` in the place of `final`; the old folder is removed only afterwards."""
    retired = final.with_name(f".{final.name}.{uuid.uuid4().hex}.old")
    if final.exists():
        final.rename(retired)
    staging.rename(final)
    shutil.rmtree(retired, ignore_errors=True)
