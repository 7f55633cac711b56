"""Section: the pipeline metrics (throughput, latency, DQS, cost) of the recent runs."""

from __future__ import annotations

from decimal import Decimal

from observability.report.data import ReportData
from observability.report.markup import esc, num, table

COLUMNS = [
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


def render(data: ReportData) -> str:
    if not data.metrics:
        return ""
    rows = []
    for metric in data.metrics:
        cells = []
        for key, _ in COLUMNS:
            value = metric.get(key)
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                cells.append(f'<td class="num">{num(value)}</td>')
            else:
                cells.append(f"<td>{esc(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        "<h2>Pipeline metrics (recent runs)</h2>"
        '<p class="meta">T = rows / second (load: latest batch; build: every raw row), '
        "L = load start to build end, DQS = valid / total x 100, CE = rows per hour / "
        "cost_per_hour.</p>" + table([label for _, label in COLUMNS], rows, table_id="metrics")
    )
