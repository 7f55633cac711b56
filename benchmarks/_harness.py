"""Shared plumbing of the benchmark suite: timed subprocesses, machine facts, results files.

Every contender runs in its own process under `/usr/bin/time -v`, so wall time, CPU time
(user + system) and peak resident memory are measured the same way for all of them.
Comparisons alternate their contenders repeat by repeat, so a busy machine hurts all alike,
and report medians. Results land in `benchmarks/results/<name>.json`; `benchmarks/report.py`
turns them into `docs/benchmarks.md`.
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
# `make test` runs the suite at a tiny scale with BENCH_RESULTS_DIR pointing elsewhere.
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR", PROJECT_DIR / "benchmarks" / "results"))
PYTHON = sys.executable


class BenchmarkError(Exception):
    """A contender failed or its measurement could not be read. `measurement`: what
    /usr/bin/time measured of a command that ran and then failed (None otherwise)."""

    def __init__(self, message: str, measurement: Measurement | None = None) -> None:
        super().__init__(message)
        self.measurement = measurement


@dataclass(frozen=True)
class Measurement:
    wall_seconds: float
    cpu_seconds: float  # user + system: steadier than wall time on a shared machine
    peak_mb: float

    @staticmethod
    def median(values: Sequence[Measurement]) -> Measurement:
        return Measurement(
            statistics.median(m.wall_seconds for m in values),
            statistics.median(m.cpu_seconds for m in values),
            statistics.median(m.peak_mb for m in values),
        )


def parse_time_v(stderr: str) -> Measurement:
    """Read GNU time's `-v` report (the last one in `stderr`)."""
    elapsed = re.findall(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", stderr)
    peak = re.findall(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    user = re.findall(r"User time \(seconds\): ([\d.]+)", stderr)
    system = re.findall(r"System time \(seconds\): ([\d.]+)", stderr)
    if not (elapsed and peak and user and system):
        raise BenchmarkError(f"cannot parse /usr/bin/time -v output: {stderr[-500:]!r}")
    seconds = 0.0
    for part in elapsed[-1].split(":"):
        seconds = seconds * 60 + float(part)
    return Measurement(
        wall_seconds=seconds,
        cpu_seconds=float(user[-1]) + float(system[-1]),
        peak_mb=int(peak[-1]) / 1024,
    )


def timed(
    command: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path = PROJECT_DIR
) -> tuple[Measurement, str]:
    """Run `command` under `/usr/bin/time -v`; return its measurement and its stdout."""
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        # The command's own output: its stderr without time's report that follows it.
        stderr = result.stderr.split("\tCommand being timed:")[0]
        tail = (result.stdout[-1500:] + "\n" + stderr[-1500:]).strip()
        try:
            measurement = parse_time_v(result.stderr)
        except BenchmarkError:  # killed before time could report
            measurement = None
        raise BenchmarkError(
            f"{' '.join(command[:5])} exited {result.returncode}:\n{tail}", measurement
        )
    return parse_time_v(result.stderr), result.stdout


def machine_info() -> dict[str, object]:
    """Core count and load average at measurement time: the context every figure needs."""
    load1, load5, load15 = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "load_average": [round(load1, 2), round(load5, 2), round(load15, 2)],
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": project_commit(),
    }


def project_commit() -> str | None:
    """The project's git commit the figures belong to (None outside a git checkout)."""
    command = ["git", "rev-parse", "--short", "HEAD"]
    result = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    return result.stdout.strip() or None


@dataclass
class Contender:
    """One way of doing the compared work, measured `repeat` times."""

    name: str
    label: str
    runs: list[Measurement] = field(default_factory=list)
    rows: int | None = None

    def summary(self) -> dict[str, object]:
        median = Measurement.median(self.runs)
        out: dict[str, object] = {
            "label": self.label,
            "runs": [asdict(run) for run in self.runs],
            "median": asdict(median),
        }
        if self.rows is not None:
            out["rows"] = self.rows
            out["rows_per_second"] = round(self.rows / median.wall_seconds, 1)
        return out


def target(name: str, value: float, limit: float, *, unit: str = "x") -> dict[str, object]:
    """A target of the issue: `value` must be at most `limit`."""
    return {
        "name": name,
        "value": round(value, 3),
        "limit": limit,
        "unit": unit,
        "met": bool(value <= limit),
    }


def write_result(name: str, payload: Mapping[str, object]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    document = {"name": name, "machine": machine_info(), **payload}
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return path


def ingest_command(*arguments: str) -> list[str]:
    """`python -m ingest <arguments>` with this interpreter."""
    return [PYTHON, "-m", "ingest", *arguments]


def generate_command(
    landing: Path, scale: float, *, days: int = 28, fault_rate: float = 0.0
) -> list[str]:
    """The generator's command for the deterministic landing data of `scale` (seed 42)."""
    return ingest_command(
        "generate",
        *("--out", str(landing), "--scale", f"{scale:g}", "--seed", "42"),
        *("--days", str(days), "--start-date", "2026-10-01", "--fault-rate", f"{fault_rate:g}"),
    )


def generate(landing: Path, scale: float, *, days: int = 28, fault_rate: float = 0.0) -> None:
    """Generate the deterministic landing data of `scale` into `landing` (once)."""
    marker = landing / ".generated"
    if marker.exists():
        return
    subprocess.run(
        generate_command(landing, scale, days=days, fault_rate=fault_rate),
        cwd=PROJECT_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    marker.write_text("ok\n", encoding="utf-8")


def fresh(path: Path) -> Path:
    """Remove a previous run's database file (and its WAL) so each run starts empty."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return path
