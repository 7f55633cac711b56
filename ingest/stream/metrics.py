"""Latency figures of a stream run, read from marts.stream_metrics (`make stream-demo`).

``python -m ingest.stream.metrics --database FILE [--since BATCH_ID]`` prints one line per
figure: batches, messages, and the sent-to-features latency (p50, p95 over all messages,
approximated per batch: the median of the batches' p50, the largest of their p95, the
largest max) and whether every batch kept its p95 within the target.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

SUMMARY_SQL = """
select
    count(*) as batches,
    coalesce(sum(messages), 0) as messages,
    coalesce(sum(rows_quarantined), 0) as quarantined,
    median(latency_p50_seconds) as median_batch_p50_seconds,
    quantile_cont(latency_p95_seconds, 0.95) as p95_of_batch_p95_seconds,
    max(latency_p95_seconds) as worst_batch_p95_seconds,
    max(latency_max_seconds) as max_seconds,
    median(build_seconds) as median_build_seconds,
    count(*) filter (where not is_within_latency_target) as batches_over_target,
    min(first_sent_at) as first_sent_at,
    max(features_built_at) as last_built_at
from marts.stream_metrics
where batch_id >= ?
"""


def summary(con: duckdb.DuckDBPyConnection, since: str = "") -> dict[str, object]:
    result = con.execute(SUMMARY_SQL, [since])
    names = [column[0] for column in result.description]
    row = result.fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


def format_summary(figures: dict[str, object]) -> str:
    def seconds(name: str) -> str:
        value = figures[name]
        return "-" if value is None else f"{float(value):.2f}s"  # type: ignore[arg-type]

    return "\n".join(
        [
            f"batches: {figures['batches']}   messages: {figures['messages']}"
            f"   quarantined: {figures['quarantined']}",
            f"sent -> features built: median batch p50 {seconds('median_batch_p50_seconds')},"
            f" p95 of batch p95 {seconds('p95_of_batch_p95_seconds')},"
            f" worst batch p95 {seconds('worst_batch_p95_seconds')}, max {seconds('max_seconds')}",
            f"median build: {seconds('median_build_seconds')}"
            f"   batches over the latency target: {figures['batches_over_target']}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--since", default="", help="only batches with an id >= this")
    args = parser.parse_args(argv)
    if not args.database.exists():
        print(f"error: {args.database}: no such file or directory", file=sys.stderr)
        return 2
    with duckdb.connect(str(args.database), read_only=True) as con:
        print(format_summary(summary(con, args.since)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
