"""The incremental rules tables (stg_sales__validated, stg_events__validated on DuckDB).

On a small generated warehouse: a build after a purge and a new load parses only the new
batch; rows purged from raw by `ingest purge-expired` leave the table; the result equals a
full rebuild of the same raw data (scripts/compare_warehouses.py). Erasure is covered by
test_privacy's erase test: its build after `ingest erase` is incremental, and
`erase --verify` then finds nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import (
    SUITE_DATABASE,
    SUITE_DBT_VARS,
    Warehouse,
    dbt_location_args,
    generate,
    run_ingest,
    seed_parse_state,
)
from ingest_fixtures import SALES_HEADER, write
from test_compare_warehouses import compare_warehouses

pytestmark = pytest.mark.slow

RULES_TABLES = {"sales": "stg_sales__validated", "events": "stg_events__validated"}
NEW_DAY = "2026-10-20"


@pytest.fixture
def warehouse(tmp_path: Path, suite_parse_state: Path) -> Warehouse:
    """A small generated warehouse with the two rules tables built (their own build: a
    dbt process, so that nothing in this process holds the file afterwards). Named and run
    like the suite warehouse, its dbt runs start from the suite's parse state (see run_dbt)."""
    landing = generate(tmp_path / "generated", scale=0.02, days=14, fault_rate=0.0)
    database = tmp_path / SUITE_DATABASE
    run_ingest("load", str(landing), "--database", str(database))
    built = Warehouse(landing, database, seed_parse_state(tmp_path / "target", suite_parse_state))
    _build_rules(built, "accepted_event_types")
    return built


def _build_rules(warehouse: Warehouse, *extra: str) -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--select",
            *RULES_TABLES.values(),
            *extra,
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
            "--vars",
            SUITE_DBT_VARS,
            *dbt_location_args(warehouse.target_path),
        ],
        cwd=warehouse.database.parent,
        env={**os.environ, "DUCKDB_PATH": warehouse.database.name},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def _rows_without_raw_row(con: duckdb.DuckDBPyConnection, source: str) -> int:
    return con.execute(
        f"select count(*) from staging.{RULES_TABLES[source]} as kept"  # noqa: S608 (constants)
        f" anti join raw.{source} as landed"
        " using (_batch_id, _source_file, _row_number)"
    ).fetchone()[0]


def test_new_batch_and_purge_reach_the_rules_tables_as_a_full_rebuild_would(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with warehouse.connect() as con:
        old_events = con.execute(
            "select count(*) from staging.stg_events__validated where event_date < ?",
            ["2026-10-08"],
        ).fetchone()[0]
        (sales_before,) = con.execute(
            "select count(*) from staging.stg_sales__validated"
        ).fetchone()
    assert old_events > 0

    # Retention removes old raw events; a new load brings a new batch of each source.
    monkeypatch.setenv("INGEST_RETENTION_DAYS_EVENTS", "7")
    run_ingest("purge-expired", "--today", "2026-10-15", "--database", str(warehouse.database))
    landing = tmp_path / "landing"
    sales = [f"{NEW_DAY},1,2,3.50,{customer}" for customer in (1, 2, 3)] + [f"{NEW_DAY},x,1,1,1"]
    write(landing / "sales" / f"sales_{NEW_DAY}.csv", "\n".join([SALES_HEADER, *sales]) + "\n")
    event = '{"user_id":1,"event_type":"click","timestamp":"' + NEW_DAY + 'T12:00:00Z","data":{}}'
    write(landing / "events" / f"events_{NEW_DAY}.jsonl", event + "\n")
    run_ingest("load", str(landing), "--database", str(warehouse.database))

    _build_rules(warehouse)
    compiled = warehouse.target_path / "compiled" / "ml_data_pipeline" / "models" / "staging"
    for source, model in RULES_TABLES.items():  # the incremental path ran, not a rebuild
        sql = (compiled / source / f"{model}.sql").read_text()
        assert "_batch_id not in" in sql, sql[:2000]
    with warehouse.connect() as con:
        for source in RULES_TABLES:
            assert _rows_without_raw_row(con, source) == 0, source
        left_old, events, raw_events, new_sales, sales_after = con.execute(
            "select"
            " (select count(*) from staging.stg_events__validated where event_date < ?),"
            " (select count(*) from staging.stg_events__validated),"
            " (select count(*) from raw.events),"
            " (select count(*) from staging.stg_sales__validated where sale_date = ?),"
            " (select count(*) from staging.stg_sales__validated)",
            ["2026-10-08", NEW_DAY],
        ).fetchone()
    # Purged by the raw text's date; a few kept rows are before the cut-off only in UTC.
    assert left_old < old_events / 10
    assert events == raw_events  # one rules row per raw row, the new event included
    assert new_sales == 4 and sales_after == sales_before + 4

    # The same raw data built from scratch gives the same rows.
    incremental = tmp_path / "incremental.duckdb"
    shutil.copy2(warehouse.database, incremental)
    _build_rules(warehouse, "--full-refresh")
    results = compare_warehouses.compare(
        incremental, warehouse.database, ["staging"], only_common=True
    )
    compared = {result.a_name: result for result in results}
    for model in RULES_TABLES.values():
        assert compared[f"staging.{model}"].identical, compared[f"staging.{model}"].line()
