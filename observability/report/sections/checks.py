"""Section: the latest dbt invocation's checks score, its failing checks with samples of
their stored failing rows, and the recent invocations."""

from __future__ import annotations

from typing import Any

from observability.report.data import SAMPLE_ROWS, ReportData
from observability.report.markup import cells, esc, num, num_cells, table


def _sample_table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    body = [f"<tr>{cells(*row)}</tr>" for row in rows]
    return f'<div class="sample">{table(columns, body)}</div>'


def render(data: ReportData) -> str:
    parts = ["<h2>Checks</h2>"]
    if data.checks_invocation is None:
        parts.append("<p>No recorded dbt test results yet.</p>")
        return "".join(parts)
    run = data.checks_invocation
    parts.append(
        f'<p id="checks-score">Latest invocation <code>{esc(run["invocation_id"])}</code> '
        f"({esc(run['command'])}, started {esc(run['run_started_at'])}): "
        f'<span class="checks-passed-pct">{num(run["checks_passed_pct"])}</span>% of checks '
        f"passed ({num(run['checks_passed'])} of {num(run['checks_run'])}).</p>"
    )
    if not data.problem_checks:
        parts.append('<p class="ok">Every check passed.</p>')
    for check in data.problem_checks:
        css = "warn" if check["status"] == "warn" else "bad"
        parts.append(
            f'<div class="check" data-test="{esc(check["node_name"])}">'
            f'<h3><span class="{css}">{esc(check["status"])}</span> '
            f"{esc(check['node_name'])}</h3>"
            f"<p>test <code>{esc(check['test_name'])}</code> on "
            f"<code>{esc(check['tested_model'])}</code>, severity {esc(check['severity'])},"
            f' failing rows: <span class="failures">{num(check["failures"])}</span></p>'
        )
        if check["message"]:
            parts.append(f"<pre>{esc(check['message'])}</pre>")
        sample = data.samples.get(check["unique_id"])
        if sample:
            parts.append(f"<p>Sample of the failing rows (up to {SAMPLE_ROWS}):</p>")
            parts.append(_sample_table(*sample))
        parts.append("</div>")
    rows = [
        f"<tr>{cells(run['run_started_at'], run['command'], run['invocation_id'])}"
        f"{num_cells(run['checks_passed'], run['checks_run'], run['checks_passed_pct'])}</tr>"
        for run in data.check_runs
    ]
    parts.append("<h3>Recent invocations</h3>")
    parts.append(table(["started", "command", "invocation", "passed", "run", "passed %"], rows))
    return "".join(parts)
