"""Shared fixtures: generated landing data, a loaded warehouse and one dbt build per session.

dbt's fixed cost is several seconds per invocation, so the suite builds the warehouse once
(`built_warehouse`) and every test that reads models shares it. Tests that must mutate a
warehouse make their own copy.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]

# The suite's standard data set: small, two weeks, with every fault class injected.
SUITE_SEED = 11
SUITE_SCALE = 0.05
SUITE_DAYS = 14
SUITE_START = "2026-10-01"
SUITE_FAULT_RATE = 0.05
# Faults at 5% push some sources close to the default min_dqs of 95: the suite's build
# lowers the gate so that it exercises the models, and the alert tests raise it on purpose.
SUITE_DBT_VARS = "{min_dqs: 50}"


def run_ingest(
    *args: str,
    check: bool = True,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m ingest ARGS` in a subprocess, as a user would (env: its environment)."""
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
    )


def generate(
    out: Path,
    *,
    seed: int = SUITE_SEED,
    scale: float = SUITE_SCALE,
    days: int = SUITE_DAYS,
    fault_rate: float = SUITE_FAULT_RATE,
) -> Path:
    run_ingest(
        "generate",
        "--out",
        str(out),
        "--scale",
        str(scale),
        "--seed",
        str(seed),
        "--days",
        str(days),
        "--start-date",
        SUITE_START,
        "--fault-rate",
        str(fault_rate),
    )
    return out


@dataclass(frozen=True)
class Warehouse:
    """A landed and dbt-built warehouse, with the landing folder it came from."""

    landing: Path
    database: Path
    target_path: Path

    def connect(self) -> duckdb.DuckDBPyConnection:
        # Not read_only: after dbt ran in this process, a read-only open of the same file
        # fails with a configuration error.
        return duckdb.connect(str(self.database))

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with self.connect() as con:
            return con.execute(sql, params or []).fetchall()


def run_dbt(args: list[str], *, database: Path, target_path: Path):
    """Run dbt in-process (much faster than a subprocess) against `database`."""
    from dbt.cli.main import dbtRunner

    env_before = os.environ.get("DUCKDB_PATH")
    os.environ["DUCKDB_PATH"] = str(database)
    try:
        return dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(PROJECT_DIR),
                "--profiles-dir",
                str(PROJECT_DIR),
                "--target-path",
                str(target_path),
                "--log-path",
                str(target_path / "logs"),
            ]
        )
    finally:
        if env_before is None:
            os.environ.pop("DUCKDB_PATH", None)
        else:
            os.environ["DUCKDB_PATH"] = env_before


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """An empty landing folder of the test's own (the loader tests write files into it)."""
    return tmp_path / "landing"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A warehouse file of the test's own, not created yet (its folder neither)."""
    return tmp_path / "wh" / "test.duckdb"


@pytest.fixture(scope="session")
def chromium() -> str:
    """The headless browser of the browser tests; without one they are skipped, saying so."""
    from observability.browser import find_chromium

    found = find_chromium()
    if found is None:
        pytest.skip("chromium not found: browser tests skipped (install Debian's `chromium`)")
    return found


@pytest.fixture(scope="session")
def suite_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite's generated landing folder (read-only for tests: copy before changing)."""
    return generate(tmp_path_factory.mktemp("suite") / "landing")


@pytest.fixture(scope="session")
def built_warehouse(
    suite_landing: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Warehouse]:
    """suite_landing loaded by ingest and built by one `dbt build` (seeds, models, tests)."""
    root = tmp_path_factory.mktemp("warehouse")
    database = root / "suite.duckdb"
    target_path = root / "target"
    run_ingest("load", str(suite_landing), "--database", str(database))
    result = run_dbt(
        ["build", "--vars", SUITE_DBT_VARS], database=database, target_path=target_path
    )
    if not result.success:
        failed = [
            f"{r.node.unique_id}: {r.status} {r.message}"
            for r in (result.result or [])
            if str(r.status) in {"error", "fail"}
        ]
        pytest.fail("dbt build of the suite warehouse failed:\n" + "\n".join(failed[:20]))
    yield Warehouse(landing=suite_landing, database=database, target_path=target_path)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Groups for `pytest -n 2 --dist loadgroup` (the Makefile's `pytest`): every test that
    uses the suite warehouse runs in one worker, so that warehouse is built once; any other
    test stays with its module, so a module's fixtures are built once. Without xdist the
    marks change nothing."""
    for item in items:
        group = "suite" if "built_warehouse" in item.fixturenames else item.module.__name__
        item.add_marker(pytest.mark.xdist_group(group))
