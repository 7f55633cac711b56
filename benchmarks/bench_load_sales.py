"""Benchmark: `ingest load` of the sales CSVs against a bare DuckDB read_csv, side by side.

    python benchmarks/bench_load_sales.py --scale 10 [--repeat 3] [--workdir DIR]

Generates (or reuses) `--scale` landing data with `python -m ingest generate` (or, with
`--own-data` or when the generator is missing, a quick CSV maker of the same shape), then
measures in fresh databases, each in its own subprocess under `/usr/bin/time -v`:

  (a) bare:   create table sales as select * from read_csv([<all sales files>])
  (b) ingest: python -m ingest load <landing>/sales --database <fresh file>
  (c) bare, all_varchar = true: the same table with every column as text, as raw keeps it
      (a floor for any faithful text landing; reported for reference)

and prints wall time, CPU time and peak memory (maximum resident set size) of each and their
ratios. The target (issue 13, item 5): (b) <= 1.5 x (c), peak memory < 1 GB. Runs alternate
a, b and c so that a busy machine hurts all alike; the median of the repeats is reported. On
a shared machine compare the CPU ratio too: wall time there mostly measures the neighbours.
All run with the memory limit of ``ingest.settings`` (env DUCKDB_MEMORY_LIMIT, default 4GB).

A floor for (b) that no faithful landing beats: (c) plus the raw table's lineage columns
(batch id, file, line number, load time). Written with the same CTAS they cost about 1.4x
(c)'s CPU at scale 100, mostly compressing the two constant text columns (benchmarks/NOTES.md).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest.settings import resolve

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import generate_command, ingest_command, target, write_result  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parents[1]
BARE_SCRIPT = """
import sys, duckdb
from ingest.settings import resolve
files = sys.argv[3:]
con = duckdb.connect(sys.argv[1], config=resolve().duckdb_config())
all_varchar = sys.argv[2] == "varchar"
sql = "create table sales as select * from read_csv(?, all_varchar = ?)"
con.execute(sql, [files, all_varchar])
print(con.execute("select count(*) from sales").fetchone()[0])
con.close()
"""


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_mb: float
    cpu_seconds: float  # user + system: steadier than wall time on a busy machine


def parse_time_v(stderr: str) -> Measurement:
    elapsed = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    user = re.search(r"User time \(seconds\): ([\d.]+)", stderr)
    system = re.search(r"System time \(seconds\): ([\d.]+)", stderr)
    if elapsed is None or peak is None or user is None or system is None:
        raise RuntimeError(f"cannot parse /usr/bin/time -v output:\n{stderr[-2000:]}")
    seconds = 0.0
    for part in elapsed.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return Measurement(
        seconds=seconds,
        peak_mb=int(peak.group(1)) / 1024,
        cpu_seconds=float(user.group(1)) + float(system.group(1)),
    )


def timed(command: list[str]) -> Measurement:
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return parse_time_v(result.stderr)


def make_own_sales(landing: Path, scale: float, days: int = 28) -> None:
    """A quick stand-in for the generator: `scale` x 100k sales rows over `days` files."""
    import duckdb

    folder = landing / "sales"
    folder.mkdir(parents=True, exist_ok=True)
    rows_per_day = int(scale * 100_000 / days)
    with duckdb.connect() as con:
        for day in range(days):
            path = folder / f"sales_2026-10-{day + 1:02d}.csv"
            con.execute(
                "copy (select date '2026-10-01' + cast(? as integer) as date,"
                " 1 + cast(floor(random() * 5000) as bigint) as product_id,"
                " 1 + cast(floor(random() * 5) as integer) as quantity,"
                " round(1 + random() * 200, 2) as price,"
                " 1 + cast(floor(random() * 100000) as bigint) as customer_id"
                " from range(?)) to ? (header, delimiter ',')",
                [day, rows_per_day, str(path)],
            )


def ensure_data(landing: Path, scale: float, own_data: bool) -> None:
    if (landing / "sales").is_dir() and any((landing / "sales").iterdir()):
        print(f"reusing {landing}")
        return
    if not own_data:
        result = subprocess.run(
            generate_command(landing, scale),
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
        )
        if result.returncode == 0:
            return
        print(f"generator failed, using the quick CSV maker: {result.stderr.strip()[-300:]}")
        shutil.rmtree(landing, ignore_errors=True)
    make_own_sales(landing, scale)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where data and databases go (default: a temporary folder)",
    )
    parser.add_argument("--own-data", action="store_true", help="skip the generator")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    landing = workdir / f"landing-scale-{args.scale:g}"
    workdir.mkdir(parents=True, exist_ok=True)
    ensure_data(landing, args.scale, args.own_data)
    files = sorted(str(path) for path in (landing / "sales").glob("*.csv*"))
    size_mb = sum(Path(name).stat().st_size for name in files) / 2**20
    print(
        f"{len(files)} sales files, {size_mb:.0f} MB, scale {args.scale:g}, "
        f"memory_limit {resolve().memory_limit}"
    )

    bare: list[Measurement] = []
    ingest: list[Measurement] = []
    varchar: list[Measurement] = []
    for _ in range(args.repeat):
        for kind, results in (("bare", bare), ("ingest", ingest), ("varchar", varchar)):
            database = workdir / f"{kind}.duckdb"
            for leftover in (database, database.with_suffix(".duckdb.wal")):
                leftover.unlink(missing_ok=True)
            if kind in ("bare", "varchar"):
                command = [sys.executable, "-c", BARE_SCRIPT, str(database), kind, *files]
            else:
                command = ingest_command(
                    "load", str(landing / "sales"), "--database", str(database)
                )
            results.append(timed(command))
            database.unlink(missing_ok=True)

    def median(values: list[Measurement]) -> Measurement:
        return Measurement(
            statistics.median(m.seconds for m in values),
            statistics.median(m.peak_mb for m in values),
            statistics.median(m.cpu_seconds for m in values),
        )

    a, b, c = median(bare), median(ingest), median(varchar)
    print(f"{'measurement':<26} {'wall s':>8} {'cpu s':>8} {'peak MB':>9}")
    rows = (
        ("(a) bare read_csv CTAS", a),
        ("(b) ingest load sales/", b),
        ("(c) bare, all_varchar", c),
    )
    for label, m in rows:
        print(f"{label:<26} {m.seconds:>8.2f} {m.cpu_seconds:>8.2f} {m.peak_mb:>9.0f}")
    print(f"ratio b/a: wall {b.seconds / a.seconds:.2f}, cpu {b.cpu_seconds / a.cpu_seconds:.2f}")
    print(
        f"ratio b/c: wall {b.seconds / c.seconds:.2f}, cpu {b.cpu_seconds / c.cpu_seconds:.2f}"
        f"  (target <= 1.5); peak {b.peak_mb:.0f} MB (target < 1024 MB)"
    )

    def summary(label: str, runs: list[Measurement]) -> dict[str, object]:
        m = median(runs)
        return {
            "label": label,
            "runs": [vars(run) for run in runs],
            "median": {
                "wall_seconds": m.seconds,
                "cpu_seconds": m.cpu_seconds,
                "peak_mb": m.peak_mb,
            },
        }

    write_result(
        f"load_sales_scale{args.scale:g}",
        {
            "scale": args.scale,
            "files": len(files),
            "contenders": {
                "bare_typed": summary("(a) bare typed read_csv CTAS", bare),
                "ingest": summary("(b) ingest load sales/", ingest),
                "bare_varchar": summary("(c) bare all-VARCHAR read_csv CTAS", varchar),
            },
            "targets": [
                target("ingest wall / all-VARCHAR CTAS wall", b.seconds / c.seconds, 1.5),
                target("ingest peak memory", b.peak_mb, 1024, unit="MB"),
            ],
        },
    )
    if args.repeat > 1:
        print(
            "all runs (s): bare",
            [round(m.seconds, 2) for m in bare],
            "ingest",
            [round(m.seconds, 2) for m in ingest],
            "all_varchar",
            [round(m.seconds, 2) for m in varchar],
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
