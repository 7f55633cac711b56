"""The streamer's loop: batch, land (atomically), build, report; stop cleanly on a signal.

One batch at a time: the next batch is read from Kafka (or the folder) only after the
previous one is built, so a slow build makes the next batch bigger (up to
``max_batch_rows``) instead of queueing batches in memory; what is not read yet waits in
Kafka (visible as lag) or in the folder. SIGINT/SIGTERM: a batch still being read is
dropped (nothing of it was landed; it is read again on the next start), a batch being landed
or built is finished; then the command exits 0.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TypeVar

import duckdb

from ingest.errors import duckdb_reason
from ingest.ledger import new_batch_id, utc_now
from ingest.load import _load_files
from ingest.privacy.suppression import for_load
from ingest.stream.build import BuildResult, WarmBuilder
from ingest.stream.errors import StreamError
from ingest.stream.folder import FolderInput, ReadyFile
from ingest.stream.kafka import KafkaInput
from ingest.stream.land import (
    Landed,
    MessageBatch,
    ensure_stream_tables,
    land_kafka_batch,
    record_batch,
    record_build,
    stored_offsets,
)
from ingest.stream.warehouse import Turn, WarehouseTurns

Say = Callable[[str], None]
T = TypeVar("T")
B = TypeVar("B")


@dataclass
class StreamOptions:
    database: Path
    max_batch_rows: int = 5000
    max_batch_seconds: float = 2.0
    stop_when_idle: float | None = None
    lock_wait: float | None = None


@dataclass
class StopSignals:
    """SIGINT/SIGTERM set a flag that the loop reads between steps."""

    received: list[int] = field(default_factory=list)

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        del frame
        self.received.append(signum)

    def requested(self) -> bool:
        return bool(self.received)


@dataclass
class _Clock:
    """Strictly increasing _loaded_at per batch: the incremental models' cursor needs it."""

    last: datetime | None = None

    def next(self) -> datetime:
        now = utc_now()
        if self.last is not None and now <= self.last:
            now = self.last + timedelta(microseconds=1)
        self.last = now
        return now


def latency_figures(sent_seconds: list[float], built_at: float) -> tuple[float, float, float]:
    """p50, p95 and max of built_at - sent, in seconds."""
    import numpy as np

    latencies = built_at - np.asarray(sent_seconds, dtype="float64")
    return (
        round(float(np.percentile(latencies, 50)), 3),
        round(float(np.percentile(latencies, 95)), 3),
        round(float(latencies.max()), 3),
    )


def _build_and_record(
    turn: Turn,
    builder: WarmBuilder,
    batch_ids: list[str],
    sent_seconds: list[float],
    lag: Callable[[], int | None] = lambda: None,
) -> tuple[BuildResult, tuple[float, float, float] | None, int | None]:
    result = builder.build()
    built_at = time.time()
    lag_after = lag()
    latencies = (
        latency_figures(sent_seconds, built_at)
        if sent_seconds and result.status == "success"
        else None
    )
    with turn.connection() as con:
        if con is not None and batch_ids:
            record_build(
                con,
                batch_ids,
                built_at=utc_now(),
                build_seconds=round(result.seconds, 3),
                status=result.status,
                latencies=latencies,
                model_seconds=result.model_seconds,
                lag_messages=lag_after,
            )
    return result, latencies, lag_after


def _progress(
    batch_id: str,
    messages: int,
    landed: Landed,
    lag: int | None,
    land_seconds: float,
    result: BuildResult,
    latencies: tuple[float, float, float] | None,
) -> str:
    parts = [
        f"batch {batch_id}: {messages} messages",
        f"{landed.rows_quarantined} quarantined",
    ]
    if landed.rows_skipped:
        parts.append(f"{landed.rows_skipped} already landed")
    if landed.rows_suppressed:
        parts.append(f"{landed.rows_suppressed} of erased people suppressed")
    parts.append(f"lag {lag if lag is not None else '?'}")
    parts.append(f"landed in {land_seconds:.2f}s")
    if result.status == "success":
        parts.append(f"built in {result.seconds:.2f}s")
    else:
        parts.append(f"BUILD FAILED after {result.seconds:.2f}s: {result.error}")
    if latencies is not None:
        p50, p95, worst = latencies
        parts.append(f"latency p50 {p50:.2f}s p95 {p95:.2f}s max {worst:.2f}s")
    return ", ".join(parts)


def _prepare(turns: WarehouseTurns, read: Callable[[duckdb.DuckDBPyConnection], T]) -> T | None:
    """A first short turn, before dbt is parsed: create the tables, read what is needed."""
    with turns.turn() as turn:
        if turn is None:
            return None
        with turn.connection() as con:
            if con is None:
                return None
            ensure_stream_tables(con)
            # Fail fast, before dbt is parsed, when erased people cannot be suppressed.
            for_load(con)
            return read(con)


def _parse(options: StreamOptions, say: Say) -> WarmBuilder:
    """Parse the dbt project (outside the warehouse lock: it does not touch the file)."""
    builder = WarmBuilder(options.database)
    builder.parse()
    say(
        f"dbt parsed in {builder.parse_seconds:.1f}s; each batch runs:"
        f" {', '.join(builder.batch_models)}"
    )
    return builder


def _catch_up(turns: WarehouseTurns, builder: WarmBuilder, say: Say) -> bool:
    """The first build: creates what is missing and builds rows landed but not yet built."""
    with turns.turn() as turn:
        if turn is None:
            return False
        result = builder.build()
    if result.status != "success":
        raise StreamError(f"dbt build failed: {result.error}")
    say(f"models up to date ({result.seconds:.1f}s)")
    return True


def _batches(
    next_batch: Callable[[int, float, Callable[[], bool], float | None], B | None],
    options: StreamOptions,
    stop: StopSignals,
) -> Iterator[B]:
    """The input's batches until a stop is requested or it stays idle (``next_batch``
    returns None)."""
    while not stop.requested():
        batch = next_batch(
            options.max_batch_rows,
            options.max_batch_seconds,
            stop.requested,
            options.stop_when_idle,
        )
        if batch is None:
            return
        yield batch


def stream_kafka(servers: str, topic: str, group: str, options: StreamOptions, say: Say) -> int:
    stop = StopSignals()
    stop.install()
    kafka = KafkaInput(servers, topic, group, say)
    try:
        if not kafka.connect(stop.requested, options.stop_when_idle):
            return 0
        turns = WarehouseTurns(options.database, options.lock_wait, stop.requested, say)
        positions = _prepare(turns, lambda con: stored_offsets(con, group, topic))
        if positions is None:
            return 0
        builder = _parse(options, say)
        if not _catch_up(turns, builder, say):
            return 0
        kafka.assign(positions)
        say(f"consuming {topic} from {servers} as group {group}")
        clock = _Clock()
        for batch in _batches(kafka.next_batch, options, stop):
            if not _kafka_batch(kafka, turns, builder, batch, group, topic, positions, clock, say):
                break
        return 0
    finally:
        kafka.close()


def _kafka_batch(
    kafka: KafkaInput,
    turns: WarehouseTurns,
    builder: WarmBuilder,
    batch: MessageBatch,
    group: str,
    topic: str,
    positions: dict[int, int],
    clock: _Clock,
    say: Say,
) -> bool:
    """Land and build one batch; False if a stop came before it could be landed."""
    next_offsets = batch.next_offsets()
    landed_offsets = {**positions, **next_offsets}
    with turns.turn() as turn:
        if turn is None:
            return False
        started = time.perf_counter()
        batch_id = new_batch_id(utc_now())
        with turn.connection() as con:
            if con is None:
                return False
            try:
                landed = land_kafka_batch(
                    con,
                    batch,
                    group=group,
                    topic=topic,
                    batch_id=batch_id,
                    loaded_at=clock.next(),
                    lag_messages=None,
                )
            except duckdb.Error as error:
                raise StreamError(
                    f"cannot land batch into {turns.database}: {duckdb_reason(error)}"
                ) from None
        land_seconds = time.perf_counter() - started
        sent = [ms / 1000.0 for ms in batch.sent_ms]
        result, latencies, lag = _build_and_record(
            turn, builder, [batch_id], sent, lambda: kafka.lag(landed_offsets)
        )
    positions.update(next_offsets)
    commit_error = kafka.commit(next_offsets)
    say(_progress(batch_id, len(batch), landed, lag, land_seconds, result, latencies))
    if commit_error is not None:
        say(f"Kafka offset commit failed ({commit_error}); the warehouse has the offsets")
    return True


def stream_folder(folder: Path, options: StreamOptions, say: Say) -> int:
    stop = StopSignals()
    stop.install()
    source = FolderInput(folder)
    source.check()
    turns = WarehouseTurns(options.database, options.lock_wait, stop.requested, say)
    if _prepare(turns, lambda con: True) is None:
        return 0
    builder = _parse(options, say)
    if not _catch_up(turns, builder, say):
        return 0
    say(f"watching {folder}")
    for files in _batches(source.next_batch, options, stop):
        if not _folder_batch(turns, builder, files, folder, say):
            break
        source.mark_taken(files)
    return 0


def _folder_batch(
    turns: WarehouseTurns, builder: WarmBuilder, files: list[ReadyFile], folder: Path, say: Say
) -> bool:
    with turns.turn() as turn:
        if turn is None:
            return False
        started = time.perf_counter()
        with turn.connection() as con:
            if con is None:
                return False
            report = _load_files(
                con, [ready.item for ready in files], progress=None, publish_every_rows=2_000_000
            )
            loaded = [entry for entry in report.entries if entry.status == "loaded"]
            mtimes = {ready.item.source_file: ready.mtime for ready in files}
            landed = Landed(
                sum(entry.rows_loaded for entry in loaded),
                sum(entry.rows_quarantined for entry in loaded),
                sum(1 for entry in report.entries if entry.status != "loaded"),
            )
            sent_times = [mtimes[entry.path] for entry in loaded]
            messages = landed.rows_loaded + landed.rows_quarantined
            if loaded:
                record_batch(
                    con,
                    batch_id=report.batch_id,
                    mode="folder",
                    stream_source=str(folder),
                    group=None,
                    messages=messages,
                    landed=landed,
                    first_sent_at=_utc(min(sent_times)),
                    last_sent_at=_utc(max(sent_times)),
                    landed_at=utc_now(),
                    lag_messages=None,
                )
        land_seconds = time.perf_counter() - started
        for entry in report.entries:
            if entry.status == "failed":
                say(f"file failed: {entry.error}")
        if not loaded:
            return True
        # Each row's sent time is its file's modification time.
        sent = [mtimes[entry.path] for entry in loaded for _ in range(entry.rows_read)]
        result, latencies, _ = _build_and_record(turn, builder, [report.batch_id], sent)
    say(
        _progress(report.batch_id, messages, landed, None, land_seconds, result, latencies)
        + f" ({len(loaded)} files)"
    )
    return True


def _utc(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC).replace(tzinfo=None)
