"""Continuous ingestion: Kafka or folder micro-batches into raw.events, then dbt.

``python -m ingest stream kafka|folder`` forms micro-batches, lands each one into
``raw.events`` (same contract, lineage, quarantine and ledger as ``ingest load``) together
with its Kafka offsets in one DuckDB transaction, then builds the event-dependent dbt models
in-process with a warm parse. ``python -m ingest replay`` plays generated events back at a
fixed rate. See README "Streaming".
"""
