"""Benchmark: `ingest load` of the JSON Lines events against a bare DuckDB read_json, side by side.

    python benchmarks/bench_load_events.py --scale 100 [--repeat 3] [--against REV]

Generates (or reuses) `--scale` landing data (fault rate `--fault-rate`, default 0.01, so
that the quarantine path runs as in `make run`) and measures, alternating, each in its own
process under `/usr/bin/time -v` and a fresh database:

  (a) ingest: python -m ingest load <landing>/events (this checkout)
  (b) bare:   create table events as select * from read_json([<all event files>],
              format = 'newline_delimited', the contract's keys as VARCHAR,
              ignore_errors = true): a floor that parses every line once and keeps no line
              number, file, ledger or quarantine (a line it cannot parse becomes a row of
              nulls, so its row count includes the faulty lines)
  (c) with --against REV: `ingest load` of git revision REV (a temporary worktree), to
      measure a change of the loader before and after in one run

and prints wall time, CPU time, peak memory, rows and the ratios to (b) (the results file
adds rows per second). The
loader's guarantees cost more than (b): each line is read as text first (its number), checked
(valid JSON, an object, no repeated key), then its values extracted; see benchmarks/NOTES.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    PROJECT_DIR,
    PYTHON,
    Contender,
    Measurement,
    fresh,
    generate,
    ingest_command,
    timed,
    write_result,
)

BARE_SCRIPT = """
import sys, duckdb
from ingest.contracts import CONTRACTS
from ingest.settings import resolve
con = duckdb.connect(sys.argv[1], config=resolve().duckdb_config())
columns = {name: "VARCHAR" for name in CONTRACTS["events"].column_names}
con.execute(
    "create table events as select * from read_json(?, format = 'newline_delimited',"
    " columns = ?, ignore_errors = true)",
    [sys.argv[2:], columns],
)
print(con.execute("select count(*) from events").fetchone()[0])
con.close()
"""


def worktree(revision: str, folder: Path) -> Path:
    """A detached worktree of `revision` (its own `ingest` package) under `folder`."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", revision],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    path = folder / f"rev-{commit}"
    if not path.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(path), commit],
            cwd=PROJECT_DIR,
            capture_output=True,
            check=True,
        )
    return path


def raw_event_rows(database: Path) -> int:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute("select count(*) from raw.events").fetchone()
    return int(row[0]) if row else 0


def measure(
    contenders: list[Contender],
    folders: dict[str, Path],
    landing: Path,
    files: list[str],
    workdir: Path,
    repeat: int,
) -> None:
    """Run the contenders `repeat` times, alternating, each in a fresh database."""
    for _ in range(repeat):
        for contender in contenders:
            database = fresh(workdir / f"{contender.name}.duckdb")
            if contender.name == "bare_read_json":
                command = [PYTHON, "-c", BARE_SCRIPT, str(database), *files]
                measurement, stdout = timed(command)
                contender.rows = int(stdout.split()[-1])
            else:
                command = ingest_command("load", str(landing / "events"), "--database")
                measurement, _ = timed([*command, str(database)], cwd=folders[contender.name])
                contender.rows = raw_event_rows(database)
            contender.runs.append(measurement)
            fresh(database)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--fault-rate", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--against", metavar="REV", help="also measure the loader at git REV")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="data and databases (default: a temp folder)"
    )
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ingest-bench-events-"))
    workdir.mkdir(parents=True, exist_ok=True)
    landing = workdir / f"landing-scale-{args.scale:g}-faults-{args.fault_rate:g}"
    generate(landing, args.scale, fault_rate=args.fault_rate)
    files = sorted(str(path) for path in (landing / "events").rglob("*.jsonl*"))
    size_mb = sum(Path(name).stat().st_size for name in files) / 2**20
    print(f"{len(files)} event files, {size_mb:.0f} MB, scale {args.scale:g}")

    contenders = [
        Contender("ingest", "(a) ingest load events/"),
        Contender("bare_read_json", "(b) bare read_json CTAS, text columns"),
    ]
    folders = {"ingest": PROJECT_DIR}
    if args.against:
        folder = worktree(args.against, workdir)
        contenders.append(Contender("ingest_against", f"(c) ingest load at {folder.name[4:]}"))
        folders["ingest_against"] = folder
    try:
        measure(contenders, folders, landing, files, workdir, args.repeat)
    finally:
        if args.against:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(folders["ingest_against"])],
                cwd=PROJECT_DIR,
                capture_output=True,
                check=False,
            )

    medians = {contender.name: Measurement.median(contender.runs) for contender in contenders}
    floor = medians["bare_read_json"]
    print(f"{'contender':<34} {'wall s':>8} {'cpu s':>8} {'peak MB':>9} {'rows':>10}")
    for contender in contenders:
        m = medians[contender.name]
        print(
            f"{contender.label:<34} {m.wall_seconds:>8.2f} {m.cpu_seconds:>8.2f}"
            f" {m.peak_mb:>9.0f} {contender.rows:>10}"
        )
    for name, m in medians.items():
        if name != "bare_read_json":
            print(
                f"{name} / bare: wall {m.wall_seconds / floor.wall_seconds:.2f},"
                f" cpu {m.cpu_seconds / floor.cpu_seconds:.2f}"
            )
    write_result(
        f"load_events_scale{args.scale:g}",
        {
            "scale": args.scale,
            "fault_rate": args.fault_rate,
            "files": len(files),
            "contenders": {contender.name: contender.summary() for contender in contenders},
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
