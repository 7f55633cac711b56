"""Section: the DQS of every source over its load batches (line chart and table)."""

from __future__ import annotations

from typing import Any

from observability.charts import Point, line_chart
from observability.report.data import ReportData
from observability.report.markup import esc, num, table


def _batch_label(row: dict[str, Any]) -> str:
    loaded = row["batch_loaded_at"]
    return loaded.strftime("%Y-%m-%d %H:%M:%S") if loaded else str(row["batch_id"])


def render(data: ReportData) -> str:
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
        f'<tr data-source="{esc(row["source_name"])}" data-batch="{esc(row["batch_id"])}">'
        f"<td>{esc(_batch_label(row))}</td><td>{esc(row['batch_id'])}</td>"
        f"<td>{esc(row['source_name'])}</td>"
        f'<td class="num dqs">{num(row["dqs"])}</td>'
        f'<td class="num">{num(row["total_rows"])}</td>'
        f'<td class="num">{num(row["valid_rows"])}</td>'
        f'<td class="num">{num(row["staging_rejected_rows"])}</td>'
        f'<td class="num">{num(row["quarantined_rows"])}</td></tr>'
        for row in data.batches
    ]
    return (
        "<h2>DQS over time (per load batch)</h2>"
        f'<figure id="dqs-chart">{chart}</figure>'
        + table(
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
