"""The quality report's "Streaming latency" section: latency per batch over time.

Self-contained so that the report (wherever it lives) needs two lines: read with
``read_stream_metrics(con)`` and render with ``stream_section(rows)``. Empty when the
warehouse has never streamed.
"""

from __future__ import annotations

import html
from typing import Any

import duckdb

RECENT_BATCHES = 200


def read_stream_metrics(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The most recent built batches of marts.stream_metrics, oldest first."""
    exists = con.execute(
        "select count(*) from duckdb_views() where schema_name = 'marts'"
        " and view_name = 'stream_metrics'"
    ).fetchone()
    if not exists or not exists[0]:
        return []
    result = con.execute(
        "select * from (select batch_id, stream_mode, stream_source, messages,"
        " rows_quarantined, lag_messages, landed_at, features_built_at, build_seconds,"
        " latency_p50_seconds, latency_p95_seconds, latency_max_seconds,"
        " is_within_latency_target from marts.stream_metrics"
        " where features_built_at is not null order by landed_at desc limit ?)"
        " order by landed_at",
        [RECENT_BATCHES],
    )
    names = [column[0] for column in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def stream_section(rows: list[dict[str, Any]]) -> str:
    """HTML: a latency chart (p50, p95, max per batch) and a summary table; '' if no rows."""
    if not rows:
        return ""
    from ingest.quality.charts import Point, line_chart

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
