"""What load-time suppression of erased people costs: `ingest load` of the same landing
folder into a fresh warehouse without erasures and into one whose registry holds N erased
people, side by side in one run, each under /usr/bin/time -v (wall, CPU, peak memory).

    python benchmarks/bench_suppression.py --scale 1 --erased 100

The erased people are the first N user ids, so their rows are really found and suppressed;
the script checks that rows_read = rows_loaded + rows_quarantined + rows_suppressed and that
none of their rows landed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from ingest.ledger import ensure_tables  # noqa: E402
from ingest.privacy import registry  # noqa: E402

SALT = "bench-salt"


def timed_load(landing: Path, database: Path) -> dict[str, float]:
    env = {**os.environ, registry.SALT_VARIABLE: SALT}
    result = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "ingest", "load", str(landing),
         "--database", str(database)],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    stats = result.stderr

    def number(label: str) -> float:
        match = re.search(rf"{re.escape(label)}: ([0-9.:]+)", stats)
        assert match, label
        text = match.group(1)
        if ":" in text:  # wall clock m:ss.xx
            minutes, seconds = text.rsplit(":", 1)
            return int(minutes) * 60 + float(seconds)
        return float(text)

    return {
        "wall_s": number("Elapsed (wall clock) time (h:mm:ss or m:ss)"),
        "cpu_s": number("User time (seconds)") + number("System time (seconds)"),
        "peak_mb": number("Maximum resident set size (kbytes)") / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--erased", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=PROJECT_DIR / "benchmarks") as scratch:
        root = Path(scratch)
        landing = root / "landing"
        subprocess.run(
            [sys.executable, "-m", "ingest", "generate", "--out", str(landing), "--scale",
             str(args.scale), "--days", str(args.days), "--fault-rate", "0.01"],
            cwd=PROJECT_DIR, check=True, capture_output=True,
        )  # fmt: skip
        plain, erased = root / "plain.duckdb", root / "erased.duckdb"
        ids = list(range(100_001, 100_001 + args.erased))
        with duckdb.connect(str(erased)) as con:
            ensure_tables(con)
            registry.ensure_registry(con)
            for user_id in ids:
                registry.record(
                    con,
                    subject=registry.subject_hash(SALT, user_id),
                    emails=[],
                    requested_at=datetime(2026, 12, 1),
                    reason="benchmark",
                    rows_deleted=0,
                )
        results = {"no erasures": timed_load(landing, plain)}
        results[f"{args.erased} erased"] = timed_load(landing, erased)
        with duckdb.connect(str(erased)) as con:
            read, loaded, quarantined, suppressed = con.execute(
                "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined),"
                " sum(rows_suppressed) from raw._load_ledger"
            ).fetchone()
            landed = con.execute(
                "select count(*) from raw.events where try_cast(user_id as bigint) between ? and ?",
                [ids[0], ids[-1]],
            ).fetchone()[0]
    assert read == loaded + quarantined + suppressed and landed == 0
    base = results["no erasures"]
    print(f"scale {args.scale}, {args.days} days: {read} rows read, {suppressed} suppressed")
    for name, stats in results.items():
        print(
            f"  {name:>14}: wall {stats['wall_s']:6.2f} s ({stats['wall_s'] / base['wall_s']:.2f}x)"
            f"  cpu {stats['cpu_s']:6.2f} s ({stats['cpu_s'] / base['cpu_s']:.2f}x)"
            f"  peak {stats['peak_mb']:6.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
