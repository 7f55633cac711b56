"""What the quality report's "Streaming latency" section shows, read from the warehouse
(marts.stream_metrics, which the stream's builds record; ``ingest.stream`` writes, this
reads).

``observability.report.data`` calls ``read_stream_metrics``; the section itself is
``observability/report/sections/streaming.py``. Empty when the warehouse never streamed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from observability.warehouse import records_if_exists

if TYPE_CHECKING:
    import duckdb

RECENT_BATCHES = 200


def read_stream_metrics(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The most recent built batches of marts.stream_metrics, oldest first."""
    return records_if_exists(
        con,
        "marts",
        "stream_metrics",
        "select * from (select batch_id, stream_mode, stream_source, messages,"
        " rows_quarantined, lag_messages, landed_at, features_built_at, build_seconds,"
        " latency_p50_seconds, latency_p95_seconds, latency_max_seconds,"
        " is_within_latency_target from marts.stream_metrics"
        " where features_built_at is not null order by landed_at desc limit ?)"
        " order by landed_at",
        [RECENT_BATCHES],
    )
