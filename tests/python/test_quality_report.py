"""The HTML quality report: figures from the warehouse, self-contained, escaped."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, Warehouse
from test_quality_history import warehouse_with

from observability.charts import Point, bar_chart, line_chart
from observability.errors import ReportDataError, WarehouseError
from observability.report import ReportData, render_report, write_report


@pytest.fixture(scope="module")
def report_html(built_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = write_report(built_warehouse.database, tmp_path_factory.mktemp("report") / "q.html")
    return out.read_text(encoding="utf-8")


def row_cells(page: str, table_id: str) -> list[tuple[dict[str, str], list[str]]]:
    """(data-* attributes, cell texts) of the rows of the table with id `table_id`."""
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.S)
    assert table, table_id
    rows = []
    for attrs, body in re.findall(r"<tr([^>]*)>(.*?)</tr>", table.group(1), re.S):
        data = {key: unescape(value) for key, value in re.findall(r'data-(\w+)="([^"]*)"', attrs)}
        cells = [
            unescape(re.sub(r"<[^>]+>", "", cell))
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        ]
        if cells:
            rows.append((data, cells))
    return rows


def test_report_shows_each_source_dqs_as_in_the_warehouse(
    report_html: str, built_warehouse: Warehouse
) -> None:
    expected = {
        source: (f"{dqs:.2f}", f"{total:,}")
        for source, dqs, total in built_warehouse.query(
            "select source_name, dqs, total_rows from marts.data_quality_scores "
            "where is_latest_batch"
        )
    }
    shown = {
        data["source"]: (cells[1], cells[4]) for data, cells in row_cells(report_html, "latest-dqs")
    }
    assert shown == expected


def test_report_lists_every_rejection_reason_with_its_count(
    report_html: str, built_warehouse: Warehouse
) -> None:
    expected = sorted(
        (source, reason, f"{int(rows):,}")
        for source, reason, rows in built_warehouse.query(
            "select source_name, coalesce(rejection_detail, rejection_reason), "
            "sum(rejected_rows) from marts.data_quality_rejections group by all"
        )
    )
    shown = sorted(
        (data["source"], cells[3] or cells[2], cells[4])
        for data, cells in row_cells(report_html, "reasons")
    )
    assert shown == expected


def test_report_has_charts_and_the_checks_score(
    report_html: str, built_warehouse: Warehouse
) -> None:
    assert report_html.count("<svg") >= 2
    assert 'id="dqs-chart"' in report_html and 'id="reasons-chart"' in report_html
    pct = built_warehouse.query(
        "select checks_passed_pct from marts.data_quality_checks "
        "order by run_started_at desc limit 1"
    )[0][0]
    assert f'<span class="checks-passed-pct">{pct:.2f}</span>' in report_html


def test_report_is_self_contained(report_html: str) -> None:
    assert "<script" not in report_html.lower()
    assert "<link" not in report_html.lower()
    assert not re.search(r'(?:src|href)\s*=\s*"(?:https?:)?//', report_html)
    assert "url(" not in report_html
    assert "default-src 'none'" in report_html  # the browser refuses any fetch


def test_failing_checks_show_samples_of_their_failing_rows(tmp_path: Path) -> None:
    database = warehouse_with(
        tmp_path / "tiny.duckdb",
        "create schema marts; create schema audit",
        "create table marts.data_quality_scores as select 'sales' as source_name, "
        "'b1' as batch_id, timestamp '2026-10-01 00:00:00' as batch_loaded_at, "
        "10 as total_rows, 8 as valid_rows, 2 as rejected_rows, "
        "2 as staging_rejected_rows, 0 as quarantined_rows, 80.00::decimal(5,2) as dqs, "
        "true as is_latest_batch",
        "create table marts.data_quality_rejections as select 'sales' as source_name, "
        "'b1' as batch_id, 'staging' as rejected_by, 'invalid_date' as rejection_reason, "
        "null::varchar as rejection_detail, 2 as rejected_rows",
        'create table audit."not_null_x" as '
        "select '<b>row one</b>' as sale_id union all select 'row two'",
        "create table marts.data_quality_checks as select 'inv' as invocation_id, "
        "timestamp '2026-10-01 01:00:00' as run_started_at, 'build' as command, "
        "'test.p.not_null_x' as unique_id, 'not_null_x' as node_name, "
        "'not_null' as test_name, 'stg_sales' as tested_model, 'error' as severity, "
        "'fail' as status, 2 as failures, 'Got 2 results' as message, "
        '\'"tiny"."audit"."not_null_x"\' as failures_relation, 0 as checks_passed, '
        "1 as checks_run, 0.00::decimal(5,2) as checks_passed_pct",
    )
    out = write_report(database, tmp_path / "out" / "q.html")
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # as readable as any new file
    page = out.read_text(encoding="utf-8")
    assert 'data-test="not_null_x"' in page
    assert "&lt;b&gt;row one&lt;/b&gt;" in page and "row two" in page
    assert "<b>row one</b>" not in page
    assert "80.00" in page


def test_every_warehouse_text_is_escaped() -> None:
    evil = '<script>alert("x")</script>'
    # The columns the latest-batch and the per-batch rows share.
    batch = {
        "source_name": evil,
        "batch_id": evil,
        "batch_loaded_at": None,
        "total_rows": 1,
        "valid_rows": 1,
        "rejected_rows": 0,
        "dqs": 100,
    }
    data = ReportData(
        generated_at=datetime(2026, 10, 1, tzinfo=UTC),
        database=evil,
        latest=[{**batch, "min_dqs": 95, "is_below_min_dqs": False, "top_rejection_reasons": evil}],
        batches=[
            {**batch, "staging_rejected_rows": 0, "quarantined_rows": 0, "is_latest_batch": True}
        ],
        reasons=[
            {
                "source_name": evil,
                "rejected_by": evil,
                "rejection_reason": evil,
                "rejection_detail": evil,
                "rejected_rows": 3,
            }
        ],
        checks_invocation=None,
        problem_checks=[],
        check_runs=[],
        metrics=[],
        deliveries=[
            {
                "attempted_at": evil,
                "source_name": evil,
                "batch_id": evil,
                "delivery_status": "failed",
                "http_status": None,
                "delivery_error": evil,
            }
        ],
    )
    page = render_report(data)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert 'id="alert-deliveries"' in page  # the deliveries section is there, escaped


def test_charts_escape_labels_and_handle_no_data() -> None:
    svg = line_chart(
        {"a<b": [Point("x&y", 90.0), Point("z", 99.5)]}, title="t<", y_label="y", threshold=95.0
    )
    assert "a&lt;b" in svg and "x&amp;y" in svg and "min 95.00" in svg
    assert svg.count("<circle") == 2 and "<polyline" in svg
    assert "No data" in line_chart({}, title="t", y_label="y")
    bars = bar_chart([Point("sales: <x>", 12), Point("b", 3)], title="r")
    assert "sales: &lt;x&gt;" in bars and bars.count("<rect") == 2
    assert "No rejected rows" in bar_chart([], title="r")


def test_report_command_writes_the_page(built_warehouse: Warehouse, tmp_path: Path) -> None:
    # A copy: this process may still hold the suite warehouse open (dbt-duckdb keeps the
    # in-process build's instance), and DuckDB lets no other process open it meanwhile.
    copy = built_warehouse.copy_to(tmp_path / "copy")
    out = tmp_path / "reports" / "quality.html"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "observability",
            "report",
            "--database",
            str(copy.database),
            "--out",
            str(out),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert out.is_file() and "Data quality report" in out.read_text(encoding="utf-8")


def test_report_on_an_unbuilt_warehouse_says_so(tmp_path: Path) -> None:
    import duckdb

    database = tmp_path / "empty.duckdb"
    duckdb.connect(str(database)).close()
    with pytest.raises(ReportDataError, match="data_quality_scores not found"):
        write_report(database, tmp_path / "q.html")


def run_observability(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "observability", *args],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_report_command_on_a_missing_warehouse_is_one_line_and_writes_nothing(
    tmp_path: Path,
) -> None:
    out = tmp_path / "q.html"
    completed = run_observability(
        "report", "--database", str(tmp_path / "missing.duckdb"), "--out", str(out)
    )
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'missing.duckdb'}: no such warehouse file"
    ]
    assert not out.exists() and list(tmp_path.iterdir()) == []
    with pytest.raises(WarehouseError, match="no such warehouse file"):
        write_report(tmp_path / "missing.duckdb", out)


def test_a_failed_report_leaves_the_previous_page_in_place(tmp_path: Path) -> None:
    import duckdb

    database = tmp_path / "empty.duckdb"
    duckdb.connect(str(database)).close()
    out = tmp_path / "reports" / "quality.html"
    out.parent.mkdir()
    out.write_text("previous page", encoding="utf-8")
    completed = run_observability("report", "--database", str(database), "--out", str(out))
    assert completed.returncode == 1
    assert "marts.data_quality_scores not found" in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "previous page"
    assert [path.name for path in out.parent.iterdir()] == ["quality.html"]


def test_report_command_reads_the_warehouse_from_the_settings(tmp_path: Path) -> None:
    """No --database: DUCKDB_PATH (resolved by ingest.settings) names the warehouse."""
    completed = run_observability(
        "report", "--out", str(tmp_path / "q.html"), DUCKDB_PATH=str(tmp_path / "env.duckdb")
    )
    assert completed.returncode == 1
    assert f"error: {tmp_path / 'env.duckdb'}: no such warehouse file" in completed.stderr
    bad = run_observability("report", "--out", str(tmp_path / "q.html"), DBT_THREADS="many")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "error: environment variable DBT_THREADS='many': expected a whole number >= 1"
    )


def test_report_counts_every_injected_fault_class(
    report_html: str, built_warehouse: Warehouse
) -> None:
    injected: dict[tuple[str, str], int] = {}
    with (built_warehouse.landing / "_faults.csv").open(newline="", encoding="utf-8") as file:
        for fault in csv.DictReader(file):
            if fault["expected_reason"]:
                key = (fault["source"], fault["expected_reason"])
                injected[key] = injected.get(key, 0) + 1
    shown: dict[tuple[str, str], int] = {}
    for data, cells in row_cells(report_html, "reasons"):
        key = (data["source"], data["reason"])
        shown[key] = shown.get(key, 0) + int(cells[4].replace(",", ""))
    assert shown == injected
