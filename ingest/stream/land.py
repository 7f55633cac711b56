"""Land one micro-batch of Kafka messages into raw.events, with its offsets, atomically.

Everything a batch writes goes in one DuckDB transaction: its parseable messages into
``raw.events`` (the events contract's columns as text, the other keys in ``_extra``,
lineage ``_source_file`` = ``kafka://<topic>/<partition>`` and ``_row_number`` = offset),
its malformed ones into ``raw._quarantine`` (``source_file`` and ``line_number`` say topic,
partition and offset; ``raw_line`` the text), one ``raw._load_ledger`` row per partition,
the next offset of every partition in ``raw._stream_offsets`` and one row in
``raw._stream_batches``. A crash before the commit leaves none of it; after it, all.

The same transaction drops messages below the stored next offset of their partition: a
message is landed at most once even if a consumer is handed it twice (a restart between the
commit and Kafka's offset commit, two streamers on one group). The consumer seeks to the
stored offsets on start, so none is skipped either.

A message is malformed by the rules of a JSON Lines file's line (``ingest.readers``): when it
is empty, not JSON, not a JSON object or has a key twice (``duplicate_key``: DuckDB would
keep the first value). It is also malformed when it lacks one of the contract's required
keys: a file line missing a key lands and is rejected in staging, because the loader refuses
the whole file when no line has the key (a renamed field); a message has no file to be
checked against the contract as a whole, so it is checked alone.

Erased people stay erased: when ``raw._erasure_registry`` has rows, the same transaction
removes the messages of erased people with the loader's suppression
(``ingest.privacy.suppression``) and counts them as ``rows_suppressed`` in the partition's
ledger row, so rows_read = rows_loaded + rows_quarantined + rows_suppressed holds; their
offsets advance like any other's. Without the salt (``INGEST_ERASURE_SALT``) such a batch is
refused before anything is written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa

from ingest.contracts import CONTRACTS, RAW_SCHEMA
from ingest.json_lines import classified_json_lines, json_path
from ingest.ledger import QUARANTINE, STATUS_LOADED, LedgerEntry, ensure_tables, write_entries
from ingest.privacy.suppression import adjusted, for_load, suppress
from ingest.sql import qualified
from ingest.stream.tables import BATCHES, OFFSETS

SOURCE = "events"
EVENTS = qualified(RAW_SCHEMA, CONTRACTS[SOURCE].table)
_MESSAGES_VIEW = "ingest_stream_messages"


def ensure_stream_tables(con: duckdb.DuckDBPyConnection) -> None:
    ensure_tables(con)


def stored_offsets(con: duckdb.DuckDBPyConnection, group: str, topic: str) -> dict[int, int]:
    """partition -> next offset to read, as the warehouse last committed it."""
    rows = con.execute(
        f'select "partition", next_offset from {OFFSETS} where consumer_group = ? and topic = ?',
        [group, topic],
    ).fetchall()
    return {int(partition): int(offset) for partition, offset in rows}


@dataclass
class MessageBatch:
    """Messages of one micro-batch, column by column (as the consumer handed them)."""

    partitions: list[int] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)
    sent_ms: list[int] = field(default_factory=list)
    size_bytes: dict[int, int] = field(default_factory=dict)
    digests: dict[int, hashlib._Hash] = field(default_factory=dict)  # type: ignore[name-defined]

    def __len__(self) -> int:
        return len(self.offsets)

    def add(self, partition: int, offset: int, value: bytes | None, sent_ms: int) -> None:
        self.partitions.append(partition)
        self.offsets.append(offset)
        # Invalid UTF-8 shows as U+FFFD in the quarantined text, as '?' does for files.
        self.texts.append(None if value is None else value.decode("utf-8", errors="replace"))
        self.sent_ms.append(sent_ms)
        self.size_bytes[partition] = self.size_bytes.get(partition, 0) + len(value or b"")
        digest = self.digests.setdefault(partition, hashlib.sha256())
        digest.update(offset.to_bytes(8, "big", signed=True))
        digest.update(value or b"")

    def next_offsets(self) -> dict[int, int]:
        result: dict[int, int] = {}
        for partition, offset in zip(self.partitions, self.offsets, strict=True):
            result[partition] = max(result.get(partition, 0), offset + 1)
        return result

    def arrow(self) -> pa.Table:
        return pa.table(
            {
                "partition": pa.array(self.partitions, pa.int32()),
                "offset": pa.array(self.offsets, pa.int64()),
                "line": pa.array(self.texts, pa.string()),
                "sent_at": pa.array(self.sent_ms, pa.timestamp("ms")),
            }
        )


@dataclass
class Landed:
    rows_loaded: int
    rows_quarantined: int
    rows_skipped: int
    # Messages of erased people, removed on landing (ingest.privacy.suppression).
    rows_suppressed: int = 0


def source_file(topic: str, partition: int) -> str:
    return f"kafka://{topic}/{partition}"


def _classified_sql() -> str:
    """Messages at or past their partition's stored offset, with their problem (or null).

    The rules of a JSON Lines file's line (``ingest.json_lines.classified_json_lines``), then
    the contract's required keys, checked per message. Parameters: the consumer group, the
    topic, the required keys (twice).
    """
    rules = (
        "when not list_has_all(keys, ?::varchar[]) then 'missing required key '"
        " || list_filter(?::varchar[], lambda name: not list_contains(keys, name))[1]"
    )
    return f"""
        create or replace temp table ingest_stream_classified as
        with pending as (
            select messages."partition", messages."offset", messages.line, messages.sent_at
            from {_MESSAGES_VIEW} as messages
            left join {OFFSETS} as stored
                on stored.consumer_group = ?
                and stored.topic = ?
                and stored."partition" = messages."partition"
            where messages."offset" >= coalesce(stored.next_offset, 0)
        ),
        {classified_json_lines("pending", duplicate_keys=True, empty="empty message", rules=rules)}
        select * exclude (keys) from classified
    """


def land_kafka_batch(
    con: duckdb.DuckDBPyConnection,
    batch: MessageBatch,
    *,
    group: str,
    topic: str,
    batch_id: str,
    loaded_at: datetime,
    lag_messages: int | None,
) -> Landed:
    """Land ``batch`` with its offsets in one transaction (see the module docstring)."""
    contract = CONTRACTS[SOURCE]
    ensure_stream_tables(con)
    # Raises MissingSaltError (nothing written) when people were erased and the salt is unset.
    suppression = for_load(con)
    con.register(_MESSAGES_VIEW, batch.arrow())
    prefix = f"kafka://{topic}/"
    con.execute("begin transaction")
    try:
        required = list(contract.required)
        con.execute(_classified_sql(), [group, topic, required, required])
        select_list = ", ".join(
            f"json_values[{i}]" for i in range(1, len(contract.column_names) + 1)
        )
        removal = json.dumps(dict.fromkeys(contract.column_names))
        con.execute(
            f"insert into {EVENTS}"
            " with extracted as ("
            '   select "partition", "offset", line, json_extract_string(line, ?) as json_values'
            "   from ingest_stream_classified where problem is null"
            " )"
            f" select {select_list},"
            " nullif(cast(json_merge_patch(line, ?) as varchar), '{}')::json,"
            ' ?, ? || "partition", "offset", ?'
            " from extracted",
            [
                [json_path(name) for name in contract.column_names],
                removal,
                batch_id,
                prefix,
                loaded_at,
            ],
        )
        con.execute(
            f"insert into {QUARANTINE} (_batch_id, source, source_file, line_number, raw_line,"
            " reason, quarantined_at, raw_line_base64)"
            ' select ?, ?, ? || "partition", "offset", coalesce(line, \'\'), problem, ?,'
            " to_base64(encode(coalesce(line, '')))"
            " from ingest_stream_classified where problem is not null",
            [batch_id, SOURCE, prefix, loaded_at],
        )
        counts = con.execute(
            'select "partition", count(*) filter (where problem is null),'
            " count(*) filter (where problem is not null)"
            " from ingest_stream_classified group by all order by 1"
        ).fetchall()
        entries = [
            LedgerEntry(
                batch_id=batch_id,
                source=SOURCE,
                path=source_file(topic, int(partition)),
                size_bytes=batch.size_bytes.get(int(partition), 0),
                sha256=batch.digests[int(partition)].hexdigest(),
                rows_read=int(loaded) + int(quarantined),
                rows_loaded=int(loaded),
                rows_quarantined=int(quarantined),
                status=STATUS_LOADED,
                error=None,
                started_at=loaded_at,
                finished_at=loaded_at,
            )
            for partition, loaded, quarantined in counts
        ]
        if suppression is not None:
            suppressed = suppress(con, suppression, entries)
            entries = [adjusted(entry, suppressed) for entry in entries]
        write_entries(con, entries)
        next_offsets = batch.next_offsets()
        con.execute(
            f"create or replace temp table ingest_stream_next as"
            f' select "partition", max("offset") + 1 as next_offset from {_MESSAGES_VIEW}'
            " group by all"
        )
        con.execute(
            f"insert into {OFFSETS}"
            ' select ?, ?, fresh."partition",'
            " greatest(fresh.next_offset, coalesce(stored.next_offset, 0)), ?, ?"
            " from ingest_stream_next as fresh"
            f" left join {OFFSETS} as stored"
            "   on stored.consumer_group = ? and stored.topic = ?"
            '   and stored."partition" = fresh."partition"',
            [group, topic, batch_id, loaded_at, group, topic],
        )
        # The old rows of these partitions: every one but the newest per partition.
        con.execute(
            f"delete from {OFFSETS} where consumer_group = ? and topic = ?"
            ' and list_contains(?, "partition") and _batch_id <> ?',
            [group, topic, sorted(next_offsets), batch_id],
        )
        loaded = sum(entry.rows_loaded for entry in entries)
        quarantined = sum(entry.rows_quarantined for entry in entries)
        removed = sum(entry.rows_suppressed for entry in entries)
        skipped = len(batch) - loaded - quarantined - removed
        sent = con.execute(
            "select min(sent_at), max(sent_at) from ingest_stream_classified"
        ).fetchone()
        assert sent is not None
        record_batch(
            con,
            batch_id=batch_id,
            mode="kafka",
            stream_source=topic,
            group=group,
            messages=len(batch),
            landed=Landed(loaded, quarantined, skipped, removed),
            first_sent_at=sent[0],
            last_sent_at=sent[1],
            landed_at=loaded_at,
            lag_messages=lag_messages,
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister(_MESSAGES_VIEW)
        con.execute("drop table if exists temp.ingest_stream_classified")
        con.execute("drop table if exists temp.ingest_stream_next")
    return Landed(loaded, quarantined, skipped, removed)


def record_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    batch_id: str,
    mode: str,
    stream_source: str,
    group: str | None,
    messages: int,
    landed: Landed,
    first_sent_at: datetime | None,
    last_sent_at: datetime | None,
    landed_at: datetime,
    lag_messages: int | None,
) -> None:
    con.execute(
        f"insert into {BATCHES} (batch_id, mode, stream_source, consumer_group, messages,"
        " rows_loaded, rows_quarantined, rows_skipped, first_sent_at, last_sent_at, landed_at,"
        " lag_messages) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            batch_id,
            mode,
            stream_source,
            group,
            messages,
            landed.rows_loaded,
            landed.rows_quarantined,
            landed.rows_skipped,
            first_sent_at,
            last_sent_at,
            landed_at,
            lag_messages,
        ],
    )


def record_build(
    con: duckdb.DuckDBPyConnection,
    batch_ids: list[str],
    *,
    built_at: datetime,
    build_seconds: float,
    status: str,
    latencies: tuple[float, float, float] | None,
    model_seconds: dict[str, float],
    lag_messages: int | None = None,
) -> None:
    """Fill in the build columns of the batches that this build included."""
    p50, p95, worst = latencies if latencies is not None else (None, None, None)
    con.execute(
        f"update {BATCHES} set features_built_at = ?, build_seconds = ?, build_status = ?,"
        " latency_p50_seconds = ?, latency_p95_seconds = ?, latency_max_seconds = ?,"
        " model_seconds = ?, lag_messages = coalesce(?, lag_messages)"
        " where list_contains(?, batch_id)",
        [
            built_at if status == "success" else None,
            build_seconds,
            status,
            p50,
            p95,
            worst,
            json.dumps(model_seconds),
            lag_messages,
            batch_ids,
        ],
    )
