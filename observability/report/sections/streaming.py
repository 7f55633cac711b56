"""Section: streaming latency over time (marts.stream_metrics, one point per batch)."""

from __future__ import annotations

import html
from typing import Any

from observability.charts import Point, line_chart
from observability.report.data import ReportData


def render(data: ReportData) -> str:
    """A latency chart (p50, p95, max per batch) and the last batches; '' if never streamed."""
    rows = data.stream
    if not rows:
        return ""

    def label(row: dict[str, Any]) -> str:
        return f"{row['landed_at']:%m-%d %H:%M:%S}"

    series = {
        name: [Point(label(row), float(row[column] or 0.0)) for row in rows]
        for name, column in (
            ("p50", "latency_p50_seconds"),
            ("p95", "latency_p95_seconds"),
            ("max", "latency_max_seconds"),
        )
    }
    chart = line_chart(
        series,
        title="Sent to features built, per stream batch",
        y_label="latency (s)",
        threshold=10.0,
    )
    over = sum(1 for row in rows if not row["is_within_latency_target"])
    messages = sum(int(row["messages"]) for row in rows)
    worst = max(float(row["latency_p95_seconds"] or 0.0) for row in rows)
    recent = rows[-10:]
    body = "".join(
        "<tr>"
        f"<td>{html.escape(str(row['batch_id']))}</td>"
        f"<td>{html.escape(str(row['stream_mode']))}</td>"
        f'<td class="num">{int(row["messages"])}</td>'
        f'<td class="num">{int(row["rows_quarantined"])}</td>'
        f'<td class="num">{"" if row["lag_messages"] is None else int(row["lag_messages"])}</td>'
        f'<td class="num">{float(row["build_seconds"] or 0):.2f}</td>'
        f'<td class="num">{float(row["latency_p50_seconds"] or 0):.2f}</td>'
        f'<td class="num">{float(row["latency_p95_seconds"] or 0):.2f}</td>'
        f'<td class="num">{float(row["latency_max_seconds"] or 0):.2f}</td>'
        "</tr>"
        for row in recent
    )
    headers = "".join(
        f"<th>{name}</th>"
        for name in (
            "batch",
            "mode",
            "messages",
            "quarantined",
            "lag",
            "build s",
            "p50 s",
            "p95 s",
            "max s",
        )
    )
    return (
        '<h2 id="streaming">Streaming latency</h2>'
        f'<p class="meta">{len(rows)} recent batches, {messages} messages; worst batch p95'
        f" {worst:.2f} s; {over} batches over the 10 s target (dashed line). Latency = features"
        " built minus the time the message was sent (Kafka timestamp or file mtime).</p>"
        f'<figure id="stream-latency-chart">{chart}</figure>'
        f'<table id="stream-latency"><tr>{headers}</tr>{body}</table>'
    )
