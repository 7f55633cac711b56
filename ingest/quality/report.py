"""The data quality report: one self-contained HTML page built from the quality marts.

`python -m ingest report [--database FILE] [--out reports/quality.html]` (or
`python -m ingest.quality.report`) reads a built warehouse and writes a page that works
offline: inline CSS and SVG charts, no script, no font or image fetched (a
Content-Security-Policy forbids it). It shows, per source, the DQS of the latest batch
against min_dqs and over every load batch, the rejected-row reasons with their counts, the
failing checks of the latest dbt invocation with samples of their stored failing rows, and
the pipeline metrics of the recent runs, and the models section (ingest.quality.models_section:
recommenders vs baselines, realised propensity performance, drift). Every value from the
warehouse is HTML-escaped.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.quality.charts import Point, bar_chart, line_chart
from ingest.quality.errors import ReportDataError
from ingest.quality.models_section import ModelsData, read_models_data, render_models_section

if TYPE_CHECKING:
    import duckdb

DEFAULT_OUT = Path("reports/quality.html")
DEFAULT_DATABASE = Path("warehouse/warehouse.duckdb")
SAMPLE_ROWS = 5
RECENT_RUNS = 10
_RELATION = re.compile(r'^(?:"((?:[^"]|"")*)"\.)?"((?:[^"]|"")*)"\."((?:[^"]|"")*)"$')

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
.meta { color: #666; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left;
         vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #006b3c; font-weight: 600; } .bad { color: #b00020; font-weight: 600; }
.warn { color: #a05a00; font-weight: 600; }
.sample { font-size: 0.8rem; } .chart { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; font-size: 0.8rem; background: #f8f8f8; padding: 0.4rem; }
"""


@dataclass
class ReportData:
    """What the page shows, read from the warehouse."""

    generated_at: datetime
    database: str
    latest: list[dict[str, Any]]
    batches: list[dict[str, Any]]
    reasons: list[dict[str, Any]]
    checks_invocation: dict[str, Any] | None
    problem_checks: list[dict[str, Any]]
    check_runs: list[dict[str, Any]]
    metrics: list[dict[str, Any]]
    samples: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = field(default_factory=dict)
    models: ModelsData | None = None


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _num(value: object, digits: int = 2) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value) if not isinstance(value, Decimal) else value:,.{digits}f}"


def _records(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def failing_rows_sample(
    con: duckdb.DuckDBPyConnection, relation_name: str | None, limit: int = SAMPLE_ROWS
) -> tuple[list[str], list[tuple[Any, ...]]] | None:
    """Up to `limit` rows of a store_failures table named by dbt ('"db"."audit"."t"').

    The name is parsed and checked against information_schema before it is quoted into
    the query, so a stored name can never change the statement.
    """
    match = _RELATION.match(relation_name or "")
    if not match:
        return None
    schema, table = (part.replace('""', '"') for part in match.group(2, 3))
    if not _exists(con, schema, table):
        return None
    cursor = con.execute(
        f"select * from {_quote(schema)}.{_quote(table)} limit ?",  # noqa: S608
        [limit],
    )
    return [column[0] for column in cursor.description], cursor.fetchall()


def read_report_data(con: duckdb.DuckDBPyConnection, database: str) -> ReportData:
    """Read every figure of the report; the quality marts must have been built."""
    for table in ("data_quality_scores", "data_quality_rejections"):
        if not _exists(con, "marts", table):
            raise ReportDataError(
                f"{database}: marts.{table} not found: build the warehouse first (dbt build)"
            )
    batches = _records(
        con,
        "select source_name, batch_id, batch_loaded_at, total_rows, valid_rows, "
        "rejected_rows, staging_rejected_rows, quarantined_rows, dqs, is_latest_batch "
        "from marts.data_quality_scores order by batch_loaded_at, batch_id, source_name",
    )
    if _exists(con, "marts", "data_quality_alerts"):
        latest = _records(
            con,
            "select source_name, batch_id, batch_loaded_at, total_rows, valid_rows, "
            "rejected_rows, dqs, min_dqs, is_below_min_dqs, top_rejection_reasons "
            "from marts.data_quality_alerts order by source_name",
        )
    else:
        latest = [
            {**row, "min_dqs": None, "is_below_min_dqs": None, "top_rejection_reasons": ""}
            for row in batches
            if row["is_latest_batch"]
        ]
    reasons = _records(
        con,
        "select source_name, rejected_by, rejection_reason, rejection_detail, "
        "cast(sum(rejected_rows) as bigint) as rejected_rows "
        "from marts.data_quality_rejections "
        "group by source_name, rejected_by, rejection_reason, rejection_detail "
        "order by source_name, rejected_rows desc, rejection_reason, rejection_detail",
    )
    checks_invocation = None
    problem_checks: list[dict[str, Any]] = []
    check_runs: list[dict[str, Any]] = []
    samples: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    if _exists(con, "marts", "data_quality_checks"):
        check_runs = _records(
            con,
            "select invocation_id, min(run_started_at) as run_started_at, "
            "min(command) as command, min(checks_passed) as checks_passed, "
            "min(checks_run) as checks_run, min(checks_passed_pct) as checks_passed_pct "
            "from marts.data_quality_checks group by invocation_id "
            "order by run_started_at desc limit ?",
            [RECENT_RUNS],
        )
        if check_runs:
            checks_invocation = check_runs[0]
            problem_checks = _records(
                con,
                "select unique_id, test_name, node_name, tested_model, severity, status, "
                "failures, message, failures_relation from marts.data_quality_checks "
                "where invocation_id = ? and status not in ('pass', 'skipped') "
                "order by case status when 'error' then 0 when 'fail' then 1 else 2 end, "
                "node_name",
                [checks_invocation["invocation_id"]],
            )
            for check in problem_checks:
                sample = failing_rows_sample(con, check["failures_relation"])
                if sample is not None:
                    samples[check["unique_id"]] = sample
    metrics: list[dict[str, Any]] = []
    if _exists(con, "marts", "pipeline_metrics"):
        metrics = _records(
            con,
            "select * from marts.pipeline_metrics order by run_started_at desc limit ?",
            [RECENT_RUNS],
        )
    return ReportData(
        generated_at=datetime.now(UTC).replace(microsecond=0),
        database=database,
        latest=latest,
        batches=batches,
        reasons=reasons,
        checks_invocation=checks_invocation,
        problem_checks=problem_checks,
        check_runs=check_runs,
        metrics=metrics,
        samples=samples,
        models=read_models_data(con),
    )


def _table(headers: Sequence[str], rows: Sequence[str], *, table_id: str = "") -> str:
    head = "".join(f"<th>{_esc(header)}</th>" for header in headers)
    ident = f' id="{_esc(table_id)}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _latest_section(data: ReportData) -> str:
    rows = []
    for row in data.latest:
        below = row["is_below_min_dqs"]
        status = (
            '<span class="bad">below min_dqs</span>'
            if below
            else ('<span class="ok">ok</span>' if below is not None else "")
        )
        rows.append(
            f'<tr data-source="{_esc(row["source_name"])}">'
            f"<td>{_esc(row['source_name'])}</td>"
            f'<td class="num dqs">{_num(row["dqs"])}</td>'
            f'<td class="num">{_num(row["min_dqs"])}</td><td>{status}</td>'
            f'<td class="num total">{_num(row["total_rows"])}</td>'
            f'<td class="num valid">{_num(row["valid_rows"])}</td>'
            f'<td class="num rejected">{_num(row["rejected_rows"])}</td>'
            f"<td>{_esc(row['top_rejection_reasons'])}</td>"
            f"<td>{_esc(row['batch_id'])}</td></tr>"
        )
    return "<h2>Data quality score by source (latest batch)</h2>" + _table(
        [
            "source",
            "DQS",
            "min_dqs",
            "status",
            "total rows",
            "valid rows",
            "rejected rows",
            "top rejection reasons",
            "batch",
        ],
        rows,
        table_id="latest-dqs",
    )


def _batch_label(row: dict[str, Any]) -> str:
    loaded = row["batch_loaded_at"]
    return loaded.strftime("%Y-%m-%d %H:%M:%S") if loaded else str(row["batch_id"])


def _history_section(data: ReportData) -> str:
    series: dict[str, list[Point]] = {}
    for row in data.batches:
        if row["dqs"] is not None:
            series.setdefault(row["source_name"], []).append(
                Point(_batch_label(row), float(row["dqs"]))
            )
    thresholds = [row["min_dqs"] for row in data.latest if row.get("min_dqs") is not None]
    chart = line_chart(
        series,
        title="DQS per source and load batch",
        y_label="DQS (%)",
        threshold=float(thresholds[0]) if thresholds else None,
    )
    rows = [
        f'<tr data-source="{_esc(row["source_name"])}" data-batch="{_esc(row["batch_id"])}">'
        f"<td>{_esc(_batch_label(row))}</td><td>{_esc(row['batch_id'])}</td>"
        f"<td>{_esc(row['source_name'])}</td>"
        f'<td class="num dqs">{_num(row["dqs"])}</td>'
        f'<td class="num">{_num(row["total_rows"])}</td>'
        f'<td class="num">{_num(row["valid_rows"])}</td>'
        f'<td class="num">{_num(row["staging_rejected_rows"])}</td>'
        f'<td class="num">{_num(row["quarantined_rows"])}</td></tr>'
        for row in data.batches
    ]
    return (
        "<h2>DQS over time (per load batch)</h2>"
        f'<figure id="dqs-chart">{chart}</figure>'
        + _table(
            [
                "batch loaded at",
                "batch",
                "source",
                "DQS",
                "total rows",
                "valid rows",
                "rejected by staging",
                "quarantined",
            ],
            rows,
            table_id="dqs-history",
        )
    )


def _reasons_section(data: ReportData) -> str:
    parts = ["<h2>Rejected rows by reason</h2>"]
    parts.append(
        '<p class="meta">All batches. A row rejected for several reasons counts once under '
        "each; <code>quarantine</code> = lines the loader could not parse.</p>"
    )
    totals: dict[tuple[str, str], int] = {}
    for row in data.reasons:
        key = (row["source_name"], row["rejection_reason"])
        totals[key] = totals.get(key, 0) + int(row["rejected_rows"])
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    parts.append(
        '<figure id="reasons-chart">'
        + bar_chart(
            [
                Point(f"{source}: {reason}", float(rows), group=source)
                for (source, reason), rows in ranked
            ],
            title="Rejected rows by source and reason",
            groups=list(dict.fromkeys(row["source_name"] for row in data.batches)),
        )
        + "</figure>"
    )
    rows = [
        f'<tr data-source="{_esc(row["source_name"])}" '
        f'data-reason="{_esc(row["rejection_reason"])}">'
        f"<td>{_esc(row['source_name'])}</td><td>{_esc(row['rejected_by'])}</td>"
        f"<td>{_esc(row['rejection_reason'])}</td><td>{_esc(row['rejection_detail'])}</td>"
        f'<td class="num rows">{_num(row["rejected_rows"])}</td></tr>'
        for row in data.reasons
    ]
    parts.append(
        _table(["source", "rejected by", "reason", "detail", "rows"], rows, table_id="reasons")
    )
    return "".join(parts)


def _sample_table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    body = ["<tr>" + "".join(f"<td>{_esc(value)}</td>" for value in row) + "</tr>" for row in rows]
    return f'<div class="sample">{_table(columns, body)}</div>'


def _checks_section(data: ReportData) -> str:
    parts = ["<h2>Checks</h2>"]
    if data.checks_invocation is None:
        parts.append("<p>No recorded dbt test results yet.</p>")
        return "".join(parts)
    run = data.checks_invocation
    parts.append(
        f'<p id="checks-score">Latest invocation <code>{_esc(run["invocation_id"])}</code> '
        f"({_esc(run['command'])}, started {_esc(run['run_started_at'])}): "
        f'<span class="checks-passed-pct">{_num(run["checks_passed_pct"])}</span>% of checks '
        f"passed ({_num(run['checks_passed'])} of {_num(run['checks_run'])}).</p>"
    )
    if not data.problem_checks:
        parts.append('<p class="ok">Every check passed.</p>')
    for check in data.problem_checks:
        css = "warn" if check["status"] == "warn" else "bad"
        parts.append(
            f'<div class="check" data-test="{_esc(check["node_name"])}">'
            f'<h3><span class="{css}">{_esc(check["status"])}</span> '
            f"{_esc(check['node_name'])}</h3>"
            f"<p>test <code>{_esc(check['test_name'])}</code> on "
            f"<code>{_esc(check['tested_model'])}</code>, severity {_esc(check['severity'])},"
            f' failing rows: <span class="failures">{_num(check["failures"])}</span></p>'
        )
        if check["message"]:
            parts.append(f"<pre>{_esc(check['message'])}</pre>")
        sample = data.samples.get(check["unique_id"])
        if sample:
            parts.append(f"<p>Sample of the failing rows (up to {SAMPLE_ROWS}):</p>")
            parts.append(_sample_table(*sample))
        parts.append("</div>")
    rows = [
        f"<tr><td>{_esc(run['run_started_at'])}</td><td>{_esc(run['command'])}</td>"
        f"<td>{_esc(run['invocation_id'])}</td>"
        f'<td class="num">{_num(run["checks_passed"])}</td>'
        f'<td class="num">{_num(run["checks_run"])}</td>'
        f'<td class="num">{_num(run["checks_passed_pct"])}</td></tr>'
        for run in data.check_runs
    ]
    parts.append("<h3>Recent invocations</h3>")
    parts.append(_table(["started", "command", "invocation", "passed", "run", "passed %"], rows))
    return "".join(parts)


def _metrics_section(data: ReportData) -> str:
    if not data.metrics:
        return ""
    columns = [
        ("run_started_at", "started"),
        ("command", "command"),
        ("batch_rows", "batch rows"),
        ("load_seconds", "load s"),
        ("build_seconds", "build s"),
        ("end_to_end_latency_seconds", "latency s"),
        ("load_throughput_rows_per_second", "load rows/s"),
        ("build_throughput_rows_per_second", "build rows/s"),
        ("dqs", "DQS"),
        ("checks_passed_pct", "checks %"),
        ("cost_efficiency_rows_per_hour_per_dollar", "rows/h/$"),
    ]
    rows = []
    for metric in data.metrics:
        cells = []
        for key, _ in columns:
            value = metric.get(key)
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                cells.append(f'<td class="num">{_num(value)}</td>')
            else:
                cells.append(f"<td>{_esc(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        "<h2>Pipeline metrics (recent runs)</h2>"
        '<p class="meta">T = rows / second (load: latest batch; build: every raw row), '
        "L = load start to build end, DQS = valid / total x 100, CE = rows per hour / "
        "cost_per_hour.</p>" + _table([label for _, label in columns], rows, table_id="metrics")
    )


def render_report(data: ReportData) -> str:
    """The page as one HTML string."""
    below = [row["source_name"] for row in data.latest if row.get("is_below_min_dqs")]
    banner = (
        f'<p class="bad" id="alert">Sources below min_dqs: {_esc(", ".join(below))}</p>'
        if below
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Data quality report</title><style>{CSS}</style></head><body>"
        "<h1>Data quality report</h1>"
        f'<p class="meta">Warehouse {_esc(data.database)}; generated '
        f"{_esc(data.generated_at.isoformat())}. DQS = valid rows / total rows x 100.</p>"
        + banner
        + _latest_section(data)
        + _history_section(data)
        + _reasons_section(data)
        + _checks_section(data)
        + _metrics_section(data)
        + render_models_section(data.models)
        + "</body></html>\n"
    )


def write_report(database: Path, out: Path = DEFAULT_OUT) -> Path:
    """Read `database` and write the report to `out` (parent folders created)."""
    import duckdb

    if not database.exists():
        raise ReportDataError(f"{database}: no such warehouse file")
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        # A process that already opened the file read-write (e.g. dbt run in-process) cannot
        # open it again read-only; it can share its read-write instance.
        try:
            con = duckdb.connect(str(database))
        except duckdb.Error as error:
            raise ReportDataError(f"{database}: cannot open: {error}") from None
    try:
        data = read_report_data(con, str(database))
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(data), encoding="utf-8")
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `report` subcommand's options (shared with `python -m ingest report`)."""
    parser.add_argument(
        "--database",
        type=Path,
        default=None,
        help=f"DuckDB file (default: $DUCKDB_PATH or {DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"HTML file to write ({DEFAULT_OUT})"
    )


def run(args: argparse.Namespace) -> int:
    """Write the report for parsed arguments; print where it went."""
    database = args.database or Path(os.environ.get("DUCKDB_PATH") or DEFAULT_DATABASE)
    path = write_report(database, args.out)
    print(f"wrote {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    from ingest.errors import IngestError

    parser = argparse.ArgumentParser(
        prog="ingest report", description="Write the HTML data quality report."
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except IngestError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
