"""The streamer's bookkeeping tables in the raw schema.

``raw._stream_offsets``: per consumer group, topic and partition, the next Kafka offset to
land (written in the same transaction as the rows, see ``ingest.stream.land``).
``raw._stream_batches``: one row per micro-batch, the source of ``marts.stream_metrics``.
Both are created with the raw tables (``ingest.ledger.ensure_tables``), so that the dbt
models over them build on any warehouse, streamed or not. No import of other ingest modules
here: the ledger imports this one.
"""

from __future__ import annotations

import duckdb

RAW_SCHEMA = "raw"
OFFSETS_TABLE = "_stream_offsets"
BATCHES_TABLE = "_stream_batches"
OFFSETS = f'"{RAW_SCHEMA}"."{OFFSETS_TABLE}"'
BATCHES = f'"{RAW_SCHEMA}"."{BATCHES_TABLE}"'

OFFSETS_DDL = f"""
create table if not exists {OFFSETS} (
    consumer_group varchar not null,
    topic varchar not null,
    "partition" integer not null,
    next_offset bigint not null,
    _batch_id varchar not null,
    updated_at timestamp not null
)"""

# One row per micro-batch; the build columns are filled in once the models are built.
BATCHES_DDL = f"""
create table if not exists {BATCHES} (
    batch_id varchar not null,
    mode varchar not null,
    stream_source varchar not null,
    consumer_group varchar,
    messages bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    rows_skipped bigint not null,
    first_sent_at timestamp,
    last_sent_at timestamp,
    landed_at timestamp not null,
    lag_messages bigint,
    features_built_at timestamp,
    build_seconds double,
    build_status varchar,
    latency_p50_seconds double,
    latency_p95_seconds double,
    latency_max_seconds double,
    model_seconds json
)"""


def create_stream_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the streamer's tables (ingest.ledger.ensure_tables calls this)."""
    con.execute(OFFSETS_DDL)
    con.execute(BATCHES_DDL)
