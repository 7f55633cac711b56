"""`ingest stream` against librdkafka's mock cluster and a folder: exactly once, equal to a
full refresh, malformed messages quarantined, folder files taken only when complete, and
one-line errors.

No Kafka server can run here: the mock cluster (``test.mock.num.brokers``) is a real
Kafka-protocol listener on 127.0.0.1 hosted by a producer in this process (the
``mock_cluster`` fixture); the streamer runs as a subprocess and connects to it like to any
broker. The streamed warehouse is built once per module (the kill run) and shared by the
exactly-once, full-refresh and quarantine tests.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import duckdb
import pytest
from conftest import PARSE_STATE, PROJECT_DIR, run_dbt, run_ingest, seed_parse_state

from ingest.ledger import ensure_tables
from ingest.stream.replay import start_watched, stream_command

pytestmark = pytest.mark.slow

TOPIC = "user-events"
GROUP = "stream-test"
# Models the streamer builds per batch (ingest.stream.build.batch_models), with a key.
EVENT_MODELS = (
    "intermediate.int_events_sessionized",
    "features.user_event_features",
    "marts.user_value_segments",
    "marts.user_engagement_predictions",
)
# Every streamer here runs in its warehouse's folder, on ./stream.duckdb (see _stream_home).
STREAM_DATABASE = "stream.duckdb"
MALFORMED = [
    b"this is not json",
    b"[1, 2, 3]",
    b'{"event_type": "click", "timestamp": "2026-10-02T10:00:00", "data": {}}',
    b"",
    b'{"user_id": 5, "event_type": "click", "data": {}',
]


@pytest.fixture(scope="module")
def mock_cluster() -> Iterator[tuple[object, str]]:
    """A producer hosting a mock Kafka cluster, and the cluster's address."""
    from ingest.stream.replay import start_mock_cluster

    producer, address = start_mock_cluster()
    yield producer, address
    producer.flush(10)  # type: ignore[attr-defined]


@dataclass
class Produced:
    """What was produced: (partition, offset) -> value, from the delivery reports."""

    messages: dict[tuple[int, int], bytes] = field(default_factory=dict)

    def produce(self, producer: object, topic: str, values: list[bytes]) -> None:
        errors: list[str] = []

        def delivered(error: object, message: object) -> None:
            if error is not None:
                errors.append(str(error))
                return
            self.messages[(message.partition(), message.offset())] = message.value() or b""  # type: ignore[attr-defined]

        for index, value in enumerate(values):
            producer.produce(topic, value=value, key=str(index % 7).encode(), on_delivery=delivered)  # type: ignore[attr-defined]
        producer.flush(30)  # type: ignore[attr-defined]
        assert not errors, errors


def _event(user_id: int, event_type: str, at: datetime, amount: float | None = None) -> bytes:
    data: dict[str, object] = {"page": "/p"}
    if event_type == "purchase":
        data = {"amount": amount or 12.5, "product_id": 3}
    stamp = at.isoformat()
    return json.dumps(
        {"user_id": user_id, "event_type": event_type, "timestamp": stamp, "data": data}
    ).encode()


def _waves(rng: random.Random) -> tuple[list[bytes], list[bytes]]:
    """Two waves of events. Wave 2 holds: a continuation of user 1's session from wave 1
    (10:25 after 10:00 and 10:10: one session across batches), late events for day 1 after
    day 2 was streamed, and more malformed messages."""
    day1 = datetime(2026, 10, 1, 9)
    day2 = datetime(2026, 10, 2, 9)
    types = ["page_view", "click", "add_to_cart", "purchase", "search"]
    first: list[bytes] = [
        _event(1, "page_view", datetime(2026, 10, 2, 10, 0)),
        _event(1, "click", datetime(2026, 10, 2, 10, 10)),
    ]
    for _ in range(160):
        at = day2 + timedelta(minutes=rng.randrange(0, 600))
        first.append(_event(rng.randrange(2, 30), rng.choice(types), at))
    first[40:40] = MALFORMED[:3]
    second: list[bytes] = [_event(1, "purchase", datetime(2026, 10, 2, 10, 25), 20.0)]
    for _ in range(40):
        at = day1 + timedelta(minutes=rng.randrange(0, 600))
        second.append(_event(rng.randrange(2, 30), rng.choice(types), at))
    for _ in range(20):
        at = day2 + timedelta(minutes=rng.randrange(600, 700))
        second.append(_event(rng.randrange(2, 30), rng.choice(types), at))
    second[10:10] = MALFORMED[3:]
    return first, second


def _env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DBT_TARGET_PATH": str(tmp / "target"),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DUCKDB_MEMORY_LIMIT": os.environ.get("DUCKDB_MEMORY_LIMIT", "1GB"),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="module")
def parse_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dbt's parse state for the streamers of this module, parsed once: each streamer's
    target folder starts with it (_stream_home), so none parses the whole project (about
    18 s each). The profile must be theirs: the same warehouse name, run from its folder
    (see conftest.run_dbt), and the same settings (_env's memory limit)."""
    root = tmp_path_factory.mktemp("stream_parse")
    result = _run_dbt_as_the_streamers(["parse"], root / STREAM_DATABASE)
    assert result.success, result.exception
    return root / "target" / PARSE_STATE


def _run_dbt_as_the_streamers(args: list[str], database: Path):
    """conftest.run_dbt with the streamers' profile (_env's memory limit), into the target
    folder beside `database`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUCKDB_MEMORY_LIMIT", _env(database.parent)["DUCKDB_MEMORY_LIMIT"])
        return run_dbt(args, database=database, target_path=database.parent / "target")


def _stream_home(folder: Path, parse_state: Path) -> Path:
    """`folder` ready for a streamer: its target folder (_env's) seeded with the parse
    state. Returns the warehouse's path; the streamer runs in `folder` on its bare name."""
    seed_parse_state(folder / "target", parse_state)
    return folder / STREAM_DATABASE


def _stream_cmd(address: str, database: Path, *extra: str, topic: str = TOPIC) -> list[str]:
    """The streamer's command on `database`, to run in its folder (cwd=database.parent)."""
    small_batches = ("--max-batch-rows", "40", "--max-batch-seconds", "0.5")
    return stream_command(address, topic, GROUP, Path(database.name), *small_batches, *extra)


def _start_and_wait_for(
    cmd: list[str], env: dict[str, str], marker: str, cwd: Path, timeout: float = 240
) -> tuple[subprocess.Popen[str], list[str]]:
    """Start the streamer in `cwd`; return once a stdout line contains ``marker``."""
    watched = start_watched(cmd, marker, cwd=cwd, env=env)
    process, seen = watched.process, watched.seen
    deadline = time.monotonic() + timeout
    while not seen.is_set() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert seen.is_set() or process.poll() is not None, f"no {marker!r} within {timeout}s"
    return process, watched.lines


@dataclass(frozen=True)
class Streamed:
    database: Path
    produced: dict[tuple[int, int], bytes]
    logs: list[str]


@pytest.fixture(scope="module")
def streamed(
    mock_cluster: tuple[object, str],
    parse_state: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Streamed:
    """Wave 1 streamed through three SIGKILLs at random moments and one SIGTERM, then wave 2;
    finally a run until the topic is drained."""
    producer, address = mock_cluster
    tmp = tmp_path_factory.mktemp("stream")
    database = _stream_home(tmp, parse_state)
    env = _env(tmp)
    seed = int(os.environ.get("STREAM_KILL_SEED", str(random.SystemRandom().randrange(10**6))))
    print(f"kill test seed: STREAM_KILL_SEED={seed}")
    rng = random.Random(seed)
    first, second = _waves(random.Random(5))
    produced = Produced()
    produced.produce(producer, TOPIC, first)
    logs: list[str] = []
    for _ in range(3):
        process, lines = _start_and_wait_for(
            _stream_cmd(address, database), env, "consuming", cwd=tmp
        )
        time.sleep(rng.uniform(0.0, 6.0))
        process.kill()
        process.wait(30)
        logs.extend(lines)
    process, lines = _start_and_wait_for(_stream_cmd(address, database), env, "batch ", cwd=tmp)
    time.sleep(rng.uniform(0.0, 2.0))
    process.send_signal(signal.SIGTERM)
    assert process.wait(120) == 0, "\n".join(lines)
    logs.extend(lines)
    produced.produce(producer, TOPIC, second)
    final = subprocess.run(
        _stream_cmd(address, database, "--stop-when-idle", "3"),
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    logs.extend(final.stdout.splitlines())
    assert final.returncode == 0, final.stdout + final.stderr
    return Streamed(database, produced.messages, logs)


def _query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database)) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_message_lands_exactly_once_through_kills(streamed: Streamed) -> None:
    landed = _query(
        streamed.database,
        "select _source_file, _row_number from raw.events"
        " union all select source_file, line_number from raw._quarantine",
    )
    expected = sorted((f"kafka://{TOPIC}/{p}", o) for p, o in streamed.produced)
    assert sorted(landed) == expected, "lost or doubled messages (see the kill test seed)"
    offsets = dict(
        _query(
            streamed.database,
            'select "partition", next_offset from raw._stream_offsets'
            " where consumer_group = ? and topic = ?",
            [GROUP, TOPIC],
        )
    )
    highs: dict[int, int] = {}
    for partition, offset in streamed.produced:
        highs[partition] = max(highs.get(partition, 0), offset + 1)
    assert offsets == highs
    # Every landed batch was built and measured.
    unbuilt = _query(
        streamed.database,
        "select count(*) from marts.stream_metrics where features_built_at is null"
        " and batch_id = (select max(batch_id) from marts.stream_metrics)",
    )
    assert unbuilt == [(0,)]
    assert any(line.split(" ", 1)[1].startswith("batch ") for line in streamed.logs)


def test_malformed_messages_are_quarantined_with_offset_and_text(streamed: Streamed) -> None:
    rows = _query(
        streamed.database,
        "select source_file, line_number, raw_line, reason from raw._quarantine",
    )
    by_value = {value: key for key, value in streamed.produced.items()}
    got = {
        raw_line.encode(): (source_file, line, reason)
        for source_file, line, raw_line, reason in rows
    }
    assert set(got) == set(MALFORMED)
    for value, (source_file, line, reason) in got.items():
        partition, offset = by_value[value]
        assert (source_file, line) == (f"kafka://{TOPIC}/{partition}", offset)
        assert reason
    assert got[b"this is not json"][2] == "malformed JSON"
    assert got[b"[1, 2, 3]"][2] == "not a JSON object"
    assert got[b""][2] == "empty message"
    assert "missing required key user_id" in {reason for _, _, reason in got.values()}


def test_streamed_tables_equal_a_full_refresh(
    streamed: Streamed, parse_state: Path, tmp_path: Path
) -> None:
    # The session of user 1 spans two batches (10:00, 10:10 in wave 1; 10:25 in wave 2).
    sessions = _query(
        streamed.database,
        "select count(distinct session_id), count(*) from intermediate.int_events_sessionized"
        " where user_id = 1",
    )
    assert sessions == [(1, 3)]
    copy = _stream_home(tmp_path, parse_state)
    shutil.copy(streamed.database, copy)
    models = " ".join(name.split(".")[1] for name in EVENT_MODELS)
    result = _run_dbt_as_the_streamers(["run", "--full-refresh", "--select", models], copy)
    assert result.success
    with duckdb.connect(str(copy)) as con:
        con.execute("attach ? as streamed (read_only)", [str(streamed.database)])
        for relation in EVENT_MODELS:
            pairs = ((f"streamed.{relation}", relation), (relation, f"streamed.{relation}"))
            for left, right in pairs:
                extra = con.execute(
                    f"select count(*) from (select * from {left} except all select * from {right})"
                ).fetchone()
                assert extra == (0,), f"{left} has rows that {right} has not"
            assert con.execute(f"select count(*) from {relation}").fetchone()[0] > 0


def test_folder_mode_takes_complete_files_once(parse_state: Path, tmp_path: Path) -> None:
    events = tmp_path / "landing" / "events"
    events.mkdir(parents=True)
    lines = [_event(u, "click", datetime(2026, 10, 3, 8, u)).decode() for u in range(1, 21)]
    complete = events / "a.jsonl"
    complete.write_text("\n".join(lines[:10]) + "\n")
    old = time.time() - 60
    os.utime(complete, (old, old))
    hidden = events / ".b.jsonl.part"
    hidden.write_text("\n".join(lines[10:]) + "\n")
    database = _stream_home(tmp_path, parse_state)
    cmd = [
        sys.executable,
        "-m",
        "ingest",
        "stream",
        "folder",
        str(events),
        "--database",
        database.name,
        "--max-batch-seconds",
        "0.5",
        "--stop-when-idle",
        "4",
    ]
    process, output = _start_and_wait_for(cmd, _env(tmp_path), "watching", cwd=tmp_path)
    time.sleep(1.5)
    hidden.rename(events / "b.jsonl")
    # A file still being written: its second half arrives within the settle time.
    growing = events / "c.jsonl"
    with growing.open("w") as handle:
        handle.write(lines[0].replace('"user_id": 1,', '"user_id": 99,') + "\n")
        handle.flush()
        time.sleep(0.4)
        handle.write(lines[1].replace('"user_id": 2,', '"user_id": 98,') + "\n")
    (events / "a_copy.jsonl").write_text(complete.read_text())
    assert process.wait(120) == 0, "\n".join(output)
    ledger = _query(
        database,
        "select path, status, rows_loaded, sha256 from raw._load_ledger order by path",
    )
    statuses = {path: (status, rows) for path, status, rows, _ in ledger}
    assert statuses == {
        "events/a.jsonl": ("loaded", 10),
        "events/a_copy.jsonl": ("skipped_duplicate", 0),
        "events/b.jsonl": ("loaded", 10),
        "events/c.jsonl": ("loaded", 2),
    }
    assert all(sha and len(sha) == 64 for _, _, _, sha in ledger)
    assert _query(database, "select count(*) from features.user_event_features") == [(22,)]
    assert (
        _query(database, "select count(*), count(features_built_at) from marts.stream_metrics")[0][
            1
        ]
        >= 1
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# A failing command is what several tests check: no exception, a time limit instead.
_ingest = partial(run_ingest, check=False, timeout=300)


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return errors[0]


def test_unreachable_broker_retries_with_backoff_then_one_line(tmp_path: Path) -> None:
    result = _ingest(
        "stream",
        "kafka",
        "--bootstrap-servers",
        f"127.0.0.1:{_free_port()}",
        "--topic",
        "t",
        "--group",
        "g",
        "--database",
        str(tmp_path / "w.duckdb"),
        "--stop-when-idle",
        "4",
    )
    assert result.returncode == 1
    assert "unreachable" in _one_error_line(result) and "giving up" in result.stderr
    retries = [line for line in result.stdout.splitlines() if "retrying in" in line]
    assert 1 <= len(retries) <= 3, result.stdout  # back-off: 1 s, 2 s, ... not a spin
    assert not (tmp_path / "w.duckdb").exists()


def test_unknown_topic_is_one_line(mock_cluster: tuple[object, str], tmp_path: Path) -> None:
    _, address = mock_cluster
    result = _ingest(
        "stream",
        "kafka",
        "--bootstrap-servers",
        address,
        "--topic",
        "no-such-topic",
        "--group",
        "g",
        "--database",
        str(tmp_path / "w.duckdb"),
        "--stop-when-idle",
        "5",
    )
    assert result.returncode == 1
    assert _one_error_line(result) == f"error: topic 'no-such-topic' does not exist on {address}"


def test_missing_folder_is_one_line(tmp_path: Path) -> None:
    result = _ingest("stream", "folder", str(tmp_path / "events"), "--stop-when-idle", "1")
    assert result.returncode == 2
    assert _one_error_line(result) == f"error: {tmp_path / 'events'}: no such file or directory"


def test_locked_warehouse_names_the_holder(tmp_path: Path) -> None:
    events = tmp_path / "events"
    events.mkdir()
    database = tmp_path / "w.duckdb"
    with open(f"{database}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = _ingest(
            "stream",
            "folder",
            str(events),
            "--database",
            str(database),
            "--lock-wait",
            "1",
            "--stop-when-idle",
            "1",
        )
    assert result.returncode == 1
    line = _one_error_line(result)
    assert line.startswith(f"error: warehouse {database} is locked by pid {os.getpid()} (")
    assert "gave up after" in line
    assert "waiting for the warehouse" in result.stdout


def test_stream_metrics_and_report_section(streamed: Streamed) -> None:
    from observability.report.data import ReportData, read_stream_metrics
    from observability.report.sections.streaming import render

    with duckdb.connect(str(streamed.database)) as con:
        rows = read_stream_metrics(con)
        totals = con.execute(
            "select sum(messages) - sum(rows_skipped), count(*) from marts.stream_metrics"
        ).fetchone()
    # Every landed message is counted once in the batches that landed it.
    assert totals is not None and totals[0] == len(streamed.produced)
    assert rows and all(
        row["latency_p50_seconds"] <= row["latency_p95_seconds"] <= row["latency_max_seconds"]
        for row in rows
    )
    page = render(
        ReportData(datetime.now(), "w", [], [], [], None, [], [], [], stream=rows)  # noqa: DTZ005
    )
    assert 'id="stream-latency-chart"' in page and "<svg" in page
    assert page.count("<tr>") == min(len(rows), 10) + 1


def test_erased_persons_messages_are_suppressed_and_their_offsets_pass(
    mock_cluster: tuple[object, str], parse_state: Path, tmp_path: Path
) -> None:
    """Messages of an erased person land nowhere (raw.events, quarantine), are counted as
    suppressed in the ledger, and their offsets advance; without the salt nothing lands."""
    producer, address = mock_cluster
    topic, erased = "erased-user-events", 4242
    database = _stream_home(tmp_path, parse_state)
    env = {**_env(tmp_path), "INGEST_ERASURE_SALT": "stream-test-salt"}
    with duckdb.connect(str(database)) as con:  # an empty warehouse: raw tables only
        ensure_tables(con)
    result = _ingest("erase", "--user-id", str(erased), "--database", str(database), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    at = datetime(2026, 10, 2, 10)
    theirs = [_event(erased, "click", at + timedelta(minutes=i)) for i in range(6)]
    theirs.append(b'{"user_id": 4242, "data": {}}')  # malformed: would be quarantined
    others = [_event(user, "page_view", at + timedelta(minutes=user)) for user in range(1, 13)]
    produced = Produced()
    produced.produce(producer, topic, [*theirs[:3], *others[:6], *theirs[3:], *others[6:]])
    erased_keys = {key for key, value in produced.messages.items() if b"4242" in value}
    assert len(erased_keys) == len(theirs)

    def stream(stream_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        cmd = _stream_cmd(address, database, "--stop-when-idle", "3", topic=topic)
        return subprocess.run(
            cmd, cwd=tmp_path, env=stream_env, capture_output=True, text=True, timeout=600
        )

    no_salt = stream({k: v for k, v in env.items() if k != "INGEST_ERASURE_SALT"})
    assert no_salt.returncode == 2  # a usage error, as for `ingest load`
    assert "INGEST_ERASURE_SALT" in _one_error_line(no_salt)
    assert _query(database, "select count(*) from raw.events") == [(0,)]
    assert _query(database, "select count(*) from raw._stream_offsets") == [(0,)]

    final = stream(env)
    assert final.returncode == 0, final.stdout + final.stderr
    source = "kafka://" + topic + "/"
    landed = _query(
        database,
        "select _source_file, _row_number from raw.events where starts_with(_source_file, ?)",
        [source],
    )
    assert sorted(landed) == sorted(
        (f"{source}{p}", o) for p, o in produced.messages if (p, o) not in erased_keys
    )  # each other message exactly once, none of the erased person's
    assert _query(database, "select count(*) from raw.events where user_id = '4242'") == [(0,)]
    assert _query(
        database, "select count(*) from raw._quarantine where contains(raw_line, '4242')"
    ) == [(0,)]
    ledger = _query(
        database,
        "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined), sum(rows_suppressed),"
        " count(*) filter (where rows_read <> rows_loaded + rows_quarantined + rows_suppressed)"
        " from raw._load_ledger where starts_with(path, ?)",
        [source],
    )
    assert ledger == [(len(produced.messages), len(others), 0, len(theirs), 0)]
    assert "of erased people suppressed" in final.stdout
    ends: dict[int, int] = {}
    for partition, offset in produced.messages:
        ends[partition] = max(ends.get(partition, 0), offset + 1)
    offsets = _query(
        database,
        'select "partition", next_offset from raw._stream_offsets where topic = ?',
        [topic],
    )
    assert dict(offsets) == ends
