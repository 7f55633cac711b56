"""The quality history (audit.run_results_history, audit.dqs_history) is append-only.

A second build and a `dbt run --full-refresh` on a copy of the suite warehouse keep every
earlier invocation's rows and add their own.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import Warehouse, run_dbt

pytestmark = pytest.mark.slow

QUALITY_NODES = ["--select", "data_quality_scores", "data_quality_checks", "pipeline_metrics"]


def warehouse_with(database: Path, *statements: str) -> Path:
    """A small DuckDB file holding what ``statements`` create (stand-ins for built marts)."""
    with duckdb.connect(str(database)) as con:
        for statement in statements:
            con.execute(statement)
    return database


def invocations(warehouse: Warehouse, table: str) -> dict[str, int]:
    return dict(warehouse.query(f"select invocation_id, count(*) from audit.{table} group by all"))


def test_history_survives_a_second_build_and_a_full_refresh(
    built_warehouse: Warehouse, tmp_path: Path
) -> None:
    copy = built_warehouse.copy_to(tmp_path / "copy")
    results_before = invocations(copy, "run_results_history")
    dqs_before = invocations(copy, "dqs_history")
    checks_before = copy.query("select count(*) from marts.data_quality_checks")[0][0]
    # The suite build (and any other test's run on the shared warehouse) recorded history.
    assert results_before and dqs_before

    second = run_dbt(
        ["build", *QUALITY_NODES, "--vars", "{min_dqs: 50}"],
        database=copy.database,
        target_path=copy.target_path,
    )
    assert second.success
    refreshed = run_dbt(
        ["run", "--full-refresh", *QUALITY_NODES, "--vars", "{min_dqs: 50}"],
        database=copy.database,
        target_path=copy.target_path,
    )
    assert refreshed.success

    results_after = invocations(copy, "run_results_history")
    dqs_after = invocations(copy, "dqs_history")
    # Earlier invocations untouched, two new ones added.
    assert {key: results_after[key] for key in results_before} == results_before
    assert {key: dqs_after[key] for key in dqs_before} == dqs_before
    assert len(results_after) == len(results_before) + 2
    assert len(dqs_after) == len(dqs_before) + 2
    new_ids = set(results_after) - set(results_before)
    # Each new invocation recorded its own node results (the 3 models).
    for invocation_id in new_ids:
        models = copy.query(
            "select node_name from audit.run_results_history "
            "where invocation_id = ? and resource_type = 'model' order by node_name",
            [invocation_id],
        )
        assert [name for (name,) in models] == sorted(QUALITY_NODES[1:])
    # The views over the history show every invocation.
    checked = {row[0] for row in copy.query("select invocation_id from marts.data_quality_checks")}
    # The second build ran tests; the full-refresh run (no tests) has no checks.
    assert set(results_before) & checked and len(new_ids & checked) == 1
    assert copy.query("select count(*) from marts.data_quality_checks")[0][0] > checks_before
    measured = [row[0] for row in copy.query("select invocation_id from marts.pipeline_metrics")]
    assert sorted(measured) == sorted(results_after)
    # The same scores were recorded by every invocation (no new data in between).
    per_invocation = copy.query(
        "select invocation_id, list(dqs order by source_name, batch_id) "
        "from audit.dqs_history group by invocation_id"
    )
    assert len({tuple(scores) for _, scores in per_invocation}) == 1


def test_messages_with_quotes_are_stored_verbatim(tmp_path: Path) -> None:
    """An error message holding quotes (and a would-be statement) is stored as text: the
    hook escapes every literal instead of pasting it into its insert."""
    import duckdb
    from _project_copy import copy_project, dbt

    project = copy_project(tmp_path / "project")
    probe = "no'such\"); drop table audit.run_results_history; --"
    (project / "models" / "quote_probe.sql").write_text(
        "select * from " + '"' + probe.replace('"', '""') + '"\n', encoding="utf-8"
    )
    database = tmp_path / "probe.duckdb"
    completed = dbt(project, "run", "--select", "quote_probe", database=database)
    assert completed.returncode == 1, completed.stdout[-2000:]
    with duckdb.connect(str(database)) as con:
        rows = con.execute(
            "select status, message from audit.run_results_history where node_name = ?",
            ["quote_probe"],
        ).fetchall()
    assert len(rows) == 1
    status, message = rows[0]
    assert status == "error"
    assert probe in message
