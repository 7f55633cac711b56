"""`ingest replay`: play generated events at a fixed rate, in event-time order.

Events are read from an events folder (``landing/events`` by default) with DuckDB's line
reader and ordered by their timestamp (a line whose timestamp cannot be read, a generated
fault, keeps its place after the event before it). They are sent as they are, so faulty
lines stay faulty. Each one is stamped with its send time: the Kafka message timestamp
(the producer's create time) or, for a folder, the time its file is renamed into place.

``replay kafka --mock-cluster`` starts librdkafka's mock cluster inside this process (a
real Kafka-protocol listener on 127.0.0.1) and prints its address; the cluster lives as long
as the command, so it waits after the last event (``--keep-alive``, or until stopped).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.errors import PathNotFoundError, UsageError
from ingest.lines import LINE_DELIMITER

Say = Callable[[str], None]
_CHUNK = 2000


def ordered_events(source: Path, limit: int | None) -> Iterator[list[tuple[str, str | None]]]:
    """Chunks of (line, user_id) from the events under ``source``, in event-time order."""
    if not source.exists():
        raise PathNotFoundError(source)
    files = sorted(
        str(path)
        for path in source.rglob("*")
        if path.is_file()
        and path.name.endswith((".jsonl", ".json", ".jsonl.gz", ".json.gz"))
        and not path.name.startswith((".", "_"))
    )
    if not files:
        raise UsageError(f"{source}: no event files (*.jsonl) to replay")
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = true")
    result = con.execute(
        "with lines as ("
        "   select line, filename, row_number() over () as position"
        "   from read_csv(?, columns = {'line': 'VARCHAR'}, header = false, delim = ?,"
        "       quote = '', escape = '', auto_detect = false, filename = true,"
        "       ignore_errors = true)"
        " ),"
        " stamped as ("
        "   select line, position,"
        "       try_cast(json_extract_string(try_cast(line as json), '$.timestamp')"
        "           as timestamptz) as event_at,"
        "       json_extract_string(try_cast(line as json), '$.user_id') as user_id"
        "   from lines where line is not null"
        " )"
        " select line, user_id from stamped"
        " order by last_value(event_at ignore nulls) over ("
        "     order by position rows between unbounded preceding and current row"
        " ) nulls first, position"
        " limit ?",
        [files, LINE_DELIMITER, limit if limit is not None else 2**62],
    )
    while rows := result.fetchmany(_CHUNK):
        yield [(str(line), None if user is None else str(user)) for line, user in rows]
    con.close()


class _Pacer:
    """Sleeps so that event i goes out at start + i / rate (never faster than that)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.start = time.monotonic()
        self.sent = 0

    def wait(self) -> None:
        due = self.start + self.sent / self.rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def achieved(self) -> float:
        elapsed = time.monotonic() - self.start
        return self.sent / elapsed if elapsed > 0 else 0.0


def _stop_flag() -> list[int]:
    received: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, frame: received.append(number))
    return received


def start_mock_cluster() -> tuple[object, str]:
    """A producer hosting librdkafka's mock cluster, and the cluster's address."""
    from confluent_kafka import Producer

    from ingest.stream.kafka import quiet_logger

    producer = Producer(
        {
            "bootstrap.servers": "localhost:9092",
            "test.mock.num.brokers": 1,
            "logger": quiet_logger(),
        }
    )
    brokers = producer.list_topics(timeout=10).brokers
    broker = next(iter(brokers.values()))
    return producer, f"{broker.host}:{broker.port}"


def stream_command(address: str, topic: str, group: str, database: Path, *flags: str) -> list[str]:
    """The command line of `ingest stream kafka` (this Python) consuming ``topic`` at
    ``address`` (e.g. the mock cluster's) into ``database``; ``flags`` are added."""
    return [
        *(sys.executable, "-m", "ingest", "stream", "kafka", "--bootstrap-servers", address),
        *("--topic", topic, "--group", group, "--database", str(database), *flags),
    ]


@dataclass
class Watched:
    """A subprocess whose stdout lines a thread collects (see ``start_watched``)."""

    process: subprocess.Popen[str]
    lines: list[str]
    seen: threading.Event  # set at the first line holding the marker
    reader: threading.Thread


def start_watched(
    command: list[str],
    marker: str,
    *,
    cwd: Path,
    env: dict[str, str],
    stderr: int = subprocess.STDOUT,
    echo: Say | None = None,
) -> Watched:
    """Start ``command`` (e.g. a ``stream_command``); a thread keeps its stdout lines, hands
    each to ``echo`` and sets ``seen`` once a line contains ``marker``."""
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
    )
    lines: list[str] = []
    seen = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip())
            if echo is not None:
                echo(line.rstrip())
            if marker in line:
                seen.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return Watched(process, lines, seen, reader)


def replay_kafka(
    source: Path,
    *,
    rate: float,
    topic: str,
    servers: str | None,
    limit: int | None,
    address_file: Path | None,
    keep_alive: float | None,
    say: Say,
    wait_for: Path | None = None,
) -> int:
    from confluent_kafka import KafkaException, Producer

    stop = _stop_flag()
    chunks = ordered_events(source, limit)
    if servers is None:
        producer, address = start_mock_cluster()
        # A metadata request creates the topic (4 partitions), so a streamer can start first.
        producer.list_topics(topic, timeout=10)  # type: ignore[attr-defined]
        say(f"mock Kafka cluster listening on {address} (topic {topic})")
        if address_file is not None:
            address_file.parent.mkdir(parents=True, exist_ok=True)
            temporary = address_file.with_name(f".{address_file.name}.{os.getpid()}")
            temporary.write_text(address + "\n", encoding="utf-8")
            temporary.replace(address_file)
    else:
        from ingest.stream.kafka import client_settings

        producer = Producer({"bootstrap.servers": servers, "linger.ms": 5, **client_settings()})
        address = servers
    failures: list[str] = []

    def delivered(error: object, message: object) -> None:
        del message
        if error is not None:
            failures.append(str(error))

    if wait_for is not None:
        say(f"waiting for {wait_for} before sending")
        while not wait_for.exists() and not stop:
            producer.poll(0.2)  # type: ignore[attr-defined]
    pacer = _Pacer(rate)
    say(f"replaying {source} to {topic} on {address} at {rate:g} events/s")
    try:
        for chunk in chunks:
            for line, user_id in chunk:
                if stop:
                    break
                pacer.wait()
                producer.produce(  # type: ignore[attr-defined]
                    topic,
                    value=line.encode("utf-8"),
                    key=None if user_id is None else user_id.encode("utf-8"),
                    on_delivery=delivered,
                )
                pacer.sent += 1
                if pacer.sent % 100 == 0:
                    producer.poll(0)  # type: ignore[attr-defined]
            if stop:
                break
        producer.flush(30)  # type: ignore[attr-defined]
    except (KafkaException, BufferError) as error:
        say(f"error: cannot produce to {topic}: {error}")
        return 1
    say(f"sent {pacer.sent} events at {pacer.achieved():.0f} events/s")
    if failures:
        say(f"error: {len(failures)} events not delivered: {failures[0]}")
        return 1
    if servers is None:
        say("keeping the mock cluster up" + (f" for {keep_alive:g}s" if keep_alive else ""))
        deadline = None if keep_alive is None else time.monotonic() + keep_alive
        while not stop and (deadline is None or time.monotonic() < deadline):
            producer.poll(0.2)  # type: ignore[attr-defined]
    return 0


def replay_folder(
    source: Path,
    out: Path,
    *,
    rate: float,
    limit: int | None,
    file_seconds: float,
    say: Say,
) -> int:
    """Write the events into ``out`` as files, each renamed into place when complete."""
    stop = _stop_flag()
    out.mkdir(parents=True, exist_ok=True)
    pacer = _Pacer(rate)
    sequence = 0
    pending: list[str] = []
    file_started = time.monotonic()

    def publish() -> None:
        nonlocal sequence, pending
        if not pending:
            return
        sequence += 1
        name = f"replay_{time.strftime('%Y%m%dT%H%M%S')}_{os.getpid()}_{sequence:06d}.jsonl"
        temporary = out / f".{name}.part"
        temporary.write_text("\n".join(pending) + "\n", encoding="utf-8")
        temporary.replace(out / name)
        pending = []

    say(f"replaying {source} into {out} at {rate:g} events/s")
    for chunk in ordered_events(source, limit):
        for line, _ in chunk:
            if stop:
                break
            pacer.wait()
            pending.append(line)
            pacer.sent += 1
            if time.monotonic() - file_started >= file_seconds:
                publish()
                file_started = time.monotonic()
        if stop:
            break
    publish()
    say(f"wrote {pacer.sent} events in {sequence} files at {pacer.achieved():.0f} events/s")
    return 0
