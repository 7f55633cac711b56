"""Benchmark: `ingest stream kafka` sustained rate and sent-to-features latency.

    python benchmarks/bench_stream.py [--rates 100,1000,5000] [--seconds 120] [--landing landing]

For each rate: a fresh warehouse; a mock Kafka cluster hosted by this process
(librdkafka's ``test.mock.num.brokers``, a real Kafka-protocol listener on 127.0.0.1); the
streamer started as a subprocess under ``/usr/bin/time -v`` (2 s per batch, up to
``--max-batch-rows``, default 20,000, so that batches grow when building takes longer);
once it is consuming, the generated events (``<landing>/events``, in event-time order,
cycled if the run needs more) are produced at the rate for ``--seconds``; then the streamer
drains the topic and stops when idle. Reported from ``marts.stream_metrics`` and
the streamer's progress lines:

- achieved send rate, and landed rate (messages / first send to last build);
- latency sent -> features built: the median of the batches' p50, the 95th percentile and
  the maximum of the batches' p95, the maximum;
- lag: the largest backlog a batch left, and how long the topic took to drain after the
  last send (a lag that grows without bound shows as a long drain);
- where the time goes: dbt parse (once), the first build, and per batch the landing, the
  dbt run and each model's execution time (means);
- peak memory (maximum resident set size) of the streamer.

"Holds" = every batch's p95 <= 10 s and the topic drains within 10 s of the last send.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from ingest.stream.replay import (  # noqa: E402
    ordered_events,
    start_mock_cluster,
    start_watched,
    stream_command,
)

TOPIC = "bench"


@dataclass
class RunResult:
    rate: int
    seconds: float
    sent: int
    send_rate: float
    landed_rate: float
    batches: int
    median_p50: float
    p95_of_p95: float
    worst_p95: float
    worst: float
    max_lag: int
    drain_seconds: float
    parse_seconds: float
    first_build_seconds: float
    mean_land_seconds: float
    mean_build_seconds: float
    model_means: dict[str, float]
    peak_mb: float
    holds: bool


def _events(landing: Path, count: int) -> list[bytes]:
    events: list[bytes] = []
    for chunk in ordered_events(landing / "events", count):
        events.extend(line.encode() for line, _ in chunk)
    if not events:
        raise SystemExit(f"no events under {landing}/events: run `make generate` first")
    return events


def run_rate(
    rate: int, seconds: float, events: list[bytes], workdir: Path, max_batch_rows: int
) -> RunResult:
    producer, address = start_mock_cluster()
    # One path for every rate (removed in between): dbt's partial parse stays valid.
    database = workdir / "stream.duckdb"
    for leftover in (database, Path(f"{database}.wal")):
        leftover.unlink(missing_ok=True)
    flags = ("--stop-when-idle", "10", "--max-batch-rows", str(max_batch_rows))
    command = ["/usr/bin/time", "-v", *stream_command(address, TOPIC, "bench", database, *flags)]
    env = {"DBT_TARGET_PATH": str(workdir / "target"), "PYTHONUNBUFFERED": "1"}
    import os

    watched = start_watched(
        command,
        "consuming",
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        stderr=subprocess.PIPE,
        echo=lambda line: print(f"  [{rate}/s] {line}"[:160], flush=True),
    )
    process, lines = watched.process, watched.lines
    # A metadata request creates the topic (4 partitions) before the streamer reads it.
    producer.list_topics(TOPIC, timeout=10)  # type: ignore[attr-defined]
    while not watched.seen.is_set():
        if process.poll() is not None:
            raise SystemExit(f"streamer exited: {process.stderr.read() if process.stderr else ''}")
        producer.poll(0.1)  # type: ignore[attr-defined]
    total = int(rate * seconds)
    started = time.monotonic()
    send_start_wall = time.time()
    for index in range(total):
        due = started + index / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        while True:
            try:
                producer.produce(TOPIC, value=events[index % len(events)])  # type: ignore[attr-defined]
                break
            except BufferError:
                producer.poll(0.05)  # type: ignore[attr-defined]
        if index % 200 == 0:
            producer.poll(0)  # type: ignore[attr-defined]
    producer.flush(60)  # type: ignore[attr-defined]
    send_seconds = time.monotonic() - started
    send_end_wall = time.time()
    _, stderr = process.communicate(timeout=1800)
    watched.reader.join(10)
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr).group(1))  # type: ignore[union-attr]
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select messages, latency_p50_seconds, latency_p95_seconds, latency_max_seconds,"
            " lag_messages, build_seconds, model_seconds, epoch(features_built_at),"
            " epoch(first_sent_at), epoch(last_sent_at)"
            " from marts.stream_metrics where build_status = 'success' order by batch_id"
        ).fetchall()
    del producer
    lands = [float(m) for m in re.findall(r"landed in ([0-9.]+)s", "\n".join(lines))]
    parse = re.search(r"dbt parsed in ([0-9.]+)s", "\n".join(lines))
    first_build = re.search(r"models up to date \(([0-9.]+)s\)", "\n".join(lines))
    models: dict[str, list[float]] = {}
    for row in rows:
        for name, value in json.loads(row[6] or "{}").items():
            models.setdefault(name, []).append(float(value))
    p95s = sorted(float(row[2]) for row in rows)
    built_last = max(float(row[7]) for row in rows)
    window = built_last - send_start_wall
    messages = sum(int(row[0]) for row in rows)
    drain = built_last - send_end_wall
    worst_p95 = p95s[-1]
    return RunResult(
        rate=rate,
        seconds=seconds,
        sent=total,
        send_rate=total / send_seconds,
        landed_rate=messages / window if window > 0 else 0.0,
        batches=len(rows),
        median_p50=statistics.median(float(row[1]) for row in rows),
        p95_of_p95=p95s[min(len(p95s) - 1, int(0.95 * len(p95s)))],
        worst_p95=worst_p95,
        worst=max(float(row[3]) for row in rows),
        max_lag=max(int(row[4] or 0) for row in rows),
        drain_seconds=drain,
        parse_seconds=float(parse.group(1)) if parse else float("nan"),
        first_build_seconds=float(first_build.group(1)) if first_build else float("nan"),
        mean_land_seconds=statistics.mean(lands) if lands else float("nan"),
        mean_build_seconds=statistics.mean(float(row[5]) for row in rows),
        model_means={name: statistics.mean(values) for name, values in models.items()},
        peak_mb=peak_kb / 1024,
        holds=worst_p95 <= 10 and drain <= 10,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="100,1000,5000")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--landing", type=Path, default=PROJECT_DIR / "landing")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--max-batch-rows",
        type=int,
        default=20000,
        help="the streamer's --max-batch-rows (default 20000: batches grow with the rate)",
    )
    args = parser.parse_args()
    rates = [int(rate) for rate in args.rates.split(",")]
    events = _events(args.landing, int(max(rates) * args.seconds) + 1)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-stream-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = [run_rate(rate, args.seconds, events, workdir, args.max_batch_rows) for rate in rates]
    print()
    print(
        "| rate (events/s) | run | sent/s | landed/s | batches | p50 (median of batches)"
        " | p95 (p95 of batches) | worst batch p95 | max | max lag | drain after last send"
        " | peak RSS | holds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.rate:,} | {r.seconds:.0f} s | {r.send_rate:,.0f} | {r.landed_rate:,.0f}"
            f" | {r.batches} | {r.median_p50:.2f} s | {r.p95_of_p95:.2f} s | {r.worst_p95:.2f} s"
            f" | {r.worst:.2f} s | {r.max_lag:,} | {r.drain_seconds:.1f} s | {r.peak_mb:.0f} MB"
            f" | {'yes' if r.holds else 'no'} |"
        )
    print()
    print("| rate | dbt parse (once) | first build | land / batch | dbt run / batch | per model |")
    print("|---|---|---|---|---|---|")
    for r in results:
        per_model = ", ".join(
            f"{name} {value:.2f} s"
            for name, value in sorted(r.model_means.items(), key=lambda item: -item[1])
        )
        print(
            f"| {r.rate:,} | {r.parse_seconds:.1f} s | {r.first_build_seconds:.1f} s"
            f" | {r.mean_land_seconds:.2f} s | {r.mean_build_seconds:.2f} s | {per_model} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
