"""dbt-side reliability (issue 14): plausible dates, vars checked up front, atomic history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _project_copy import copy_project
from conftest import (
    PARSE_STATE,
    SUITE_DATABASE,
    SUITE_DBT_VARS,
    Warehouse,
    run_dbt,
    seed_parse_state,
)
from ingest_fixtures import SALES_HEADER, write
from test_quality_history import QUALITY_NODES, invocations

from ingest.load import load_paths

pytestmark = pytest.mark.slow

STAGING_NODES = [
    "--select",
    "accepted_event_types",
    "stg_sales__validated",
    "stg_events__validated",
    "--resource-type",
    "seed",
    "--resource-type",
    "model",
]


def event(timestamp: str) -> str:
    return '{"user_id":1,"event_type":"click","timestamp":"' + timestamp + '","data":{"page":"x"}}'


@pytest.fixture(scope="module")
def tiny(built_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """A warehouse with sales and events whose dates are at and beyond the plausible range.

    Starts from the suite build's parse state (same project, same vars, and the same file
    name, hence the same profile: see run_dbt): a fresh target folder would make dbt parse the
    whole project again (~18 s).
    """
    root = tmp_path_factory.mktemp("dates")
    landing = root / "landing"
    dates = ["0000-01-01", "1969-12-31", "1970-01-01", "2026-10-01", "2100-12-31", "2101-01-01"]
    rows = [f"{day},1,1,1.00,{number}" for number, day in enumerate(dates, start=1)]
    write(landing / "sales" / "sales_2026-10-01.csv", "\n".join([SALES_HEADER, *rows]) + "\n")
    stamps = [f"{day}T12:00:00Z" for day in dates]
    write(landing / "events" / "events_2026-10-01.jsonl", "\n".join(map(event, stamps)) + "\n")
    database = root / built_warehouse.database.name
    assert load_paths([landing], database).exit_code == 0
    target_path = seed_parse_state(root / "target", built_warehouse.target_path / PARSE_STATE)
    return Warehouse(landing, database, target_path)


def test_implausible_dates_and_timestamps_are_rejected(tiny: Warehouse) -> None:
    result = run_dbt(
        ["build", *STAGING_NODES, "--vars", SUITE_DBT_VARS],
        database=tiny.database,
        target_path=tiny.target_path,
    )
    assert result.success
    sales = tiny.query(
        "select raw_date, rejection_reasons from staging.stg_sales__validated order by 1"
    )
    assert sales == [
        ("0000-01-01", "invalid_date"),
        ("1969-12-31", "invalid_date"),
        ("1970-01-01", None),
        ("2026-10-01", None),
        ("2100-12-31", None),
        ("2101-01-01", "invalid_date"),
    ]
    events = tiny.query(
        "select left(raw_timestamp, 10), rejection_reasons"
        " from staging.stg_events__validated order by 1"
    )
    assert events == [
        ("0000-01-01", "invalid_timestamp"),
        ("1969-12-31", "invalid_timestamp"),
        ("1970-01-01", None),
        ("2026-10-01", None),
        ("2100-12-31", None),
        ("2101-01-01", "invalid_timestamp"),
    ]


BAD_VARS = (
    "{as_of: not-a-date, min_dqs: high, propensity_threshold: 2, recommendation_top_k: 0,"
    " value_score_weights: {event_count: lots}, engagement_rules: {total_events: {above: 10}},"
    " min_valid_year: 2200}"
)
EXPECTED_PROBLEMS = [
    "invalid var as_of: expected null or an ISO date or timestamp such as 2026-10-15"
    " or '2026-10-15 12:00:00', got not-a-date",
    "invalid var min_dqs: expected a number from 0 to 100, got high",
    "invalid var propensity_threshold: expected a number from 0 to 1, got 2",
    "invalid var recommendation_top_k: expected a whole number >= 1, got 0",
    "invalid var value_score_weights: expected a mapping of names to numbers",
    "invalid var engagement_rules: expected a mapping of column names to"
    " {above: number, weight: number}",
]


def test_bad_vars_fail_before_anything_runs(tiny: Warehouse) -> None:
    """One invocation (a change of --vars makes dbt parse the project again): every bad var
    is named with the expected form, and no node runs."""
    views_before = tiny.query("select count(*) from duckdb_views() where not internal")
    result = run_dbt(
        ["run", "--select", "stg_sales__validated", "--vars", BAD_VARS],
        database=tiny.database,
        target_path=tiny.target_path,
    )
    assert not result.success
    text = str(result.exception) + " ".join(str(r.message) for r in (result.result or []))
    for problem in EXPECTED_PROBLEMS:
        assert problem in text
    executed = [
        r.node.unique_id
        for r in (result.result or [])
        if r.node is not None and r.node.resource_type != "operation"
    ]
    assert executed == []
    assert tiny.query("select count(*) from duckdb_views() where not internal") == views_before


def test_history_of_a_run_is_written_whole_or_not_at_all(
    built_warehouse: Warehouse, tmp_path: Path
) -> None:
    """The run's last history insert fails: none of its rows may stay behind."""
    copy = built_warehouse.copy_to(tmp_path / "copy")
    with copy.connect() as con:
        columns = con.execute(
            "select column_name, data_type from duckdb_columns()"
            " where schema_name = 'audit' and table_name = 'dqs_history'"
        ).fetchall()
        con.execute("drop table audit.dqs_history")
        ddl = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
        # Refuses every row: the scores insert, which comes after the results, fails.
        con.execute(f"create table audit.dqs_history ({ddl}, check (dqs < 0))")
    results_before = invocations(copy, "run_results_history")

    failed = run_dbt(
        ["build", *QUALITY_NODES, "--vars", "{min_dqs: 50}"],
        database=copy.database,
        target_path=copy.target_path,
    )

    assert not failed.success
    assert invocations(copy, "run_results_history") == results_before


SNAPSHOT = "snapshot.ml_data_pipeline.products_snapshot"


def snapshot_and_its_tests(nodes: dict) -> set[str]:
    """The snapshot's id and its tests' ids among a manifest's `nodes` (JSON or objects)."""

    def parents(node) -> list[str]:
        if isinstance(node, dict):
            return node["depends_on"]["nodes"]
        return node.depends_on.nodes

    return {SNAPSHOT} & set(nodes) | {
        unique_id
        for unique_id, node in nodes.items()
        if unique_id.startswith("test.") and SNAPSHOT in parents(node)
    }


def test_snapshot_survives_a_partial_parse_after_a_macro_of_its_tests_changes(
    suite_parse_state: Path, tmp_path: Path
) -> None:
    """dbt-core 1.11 dropped a YAML-only snapshot, and its tests, from a partially parsed
    manifest once a macro its tests call had changed: `dbt build` then skipped it without a
    word. The snapshot is defined in SQL for that reason (snapshots/products_snapshot.sql)."""
    full = json.loads((suite_parse_state.parent / "manifest.json").read_text())["nodes"]
    expected = snapshot_and_its_tests(full)
    assert SNAPSHOT in expected and len(expected) > 5
    project = copy_project(tmp_path / "project")
    macro = project / "macros" / "quality" / "mostly_failing_rows.sql"
    text = macro.read_text()
    assert "The common end of the" in text
    macro.write_text(text.replace("The common end of the", "The shared end of the", 1))
    target = seed_parse_state(tmp_path / "target", suite_parse_state)

    result = run_dbt(
        ["parse", "--vars", SUITE_DBT_VARS],
        database=tmp_path / SUITE_DATABASE,
        target_path=target,
        project_dir=project,
    )

    assert result.success, result.exception
    perf = json.loads((target / "perf_info.json").read_text())
    assert perf["parsed_path_count"] < perf["path_count"], "dbt parsed the whole project again"
    assert snapshot_and_its_tests(result.result.nodes) == expected
