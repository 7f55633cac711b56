"""Shared fixtures: generated landing data, a loaded warehouse and one dbt build per session.

dbt's fixed cost is several seconds per invocation, so the suite builds the warehouse once
(`built_warehouse`) and every test that reads models shares it. Tests that must mutate a
warehouse make their own copy.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
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
# dbt's partial parsing state, in a target folder.
PARSE_STATE = "partial_parse.msgpack"
# The file name of the suite warehouse and of its copies (dbt names the catalog after it).
SUITE_DATABASE = "suite.duckdb"


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

    def copy_to(self, folder: Path) -> Warehouse:
        """A copy in `folder`, for a test that writes: the file under the same name (dbt names
        the catalog after it), its write-ahead log if any (dbt may not have checkpointed), and
        a target folder seeded with this warehouse's parse state (see run_dbt)."""
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / self.database.name
        shutil.copy2(self.database, database)
        wal = self.database.with_name(self.database.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, database.with_name(database.name + ".wal"))
        target_path = seed_parse_state(folder / "target", self.target_path / PARSE_STATE)
        return Warehouse(self.landing, database, target_path)


def seed_parse_state(target_path: Path, parse_state: Path) -> Path:
    """A target folder that starts from `parse_state` (if there is one); returns the folder."""
    target_path.mkdir(parents=True, exist_ok=True)
    if parse_state.exists():
        shutil.copy2(parse_state, target_path / PARSE_STATE)
    return target_path


def dbt_location_args(target_path: Path, project_dir: Path = PROJECT_DIR) -> list[str]:
    """The project, profile, target and log folders of every dbt run of the suite."""
    return [
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path / "logs"),
    ]


def run_dbt(args: list[str], *, database: Path, target_path: Path, project_dir: Path = PROJECT_DIR):
    """Run dbt in-process (much faster than a subprocess) against `database` (the project in
    `project_dir`: this one, or a test's copy of it).

    dbt runs in the database's folder with DUCKDB_PATH set to the file's bare name. Partial
    parsing hashes the profile, the warehouse path included: this way every copy of the suite
    warehouse (all named suite.duckdb, see Warehouse.copy_to) has the suite build's profile,
    and a target folder seeded with the build's parse state parses nothing again instead of
    the whole project (about 18 s)."""
    from dbt.cli.main import dbtRunner

    from ingest.stream.build import release_warehouse

    env_before = os.environ.get("DUCKDB_PATH")
    cwd_before = Path.cwd()
    os.environ["DUCKDB_PATH"] = database.name
    os.chdir(database.parent)
    try:
        return dbtRunner().invoke([*args, *dbt_location_args(target_path, project_dir)])
    finally:
        # dbt-duckdb keeps its database open for the next invocation with the same profile,
        # and the next copy has the same profile: close it.
        release_warehouse()
        os.chdir(cwd_before)
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


@contextlib.contextmanager
def _shared(tmp_path_factory: pytest.TempPathFactory, what: str) -> Iterator[Path]:
    """A folder shared by the whole run, with `what` in it held exclusively inside the block.

    Under pytest-xdist every worker has a base temp of its own, and their parent is the
    run's: what one worker builds there, the others find (they wait for it on the lock).
    Each thing has a lock of its own: a worker that needs only the landing folder does not
    wait for the other's dbt build.
    """
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "suite-shared"
    shared.mkdir(exist_ok=True)
    with open(shared / f".{what}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield shared
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def suite_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite's generated landing folder, one per run (read-only for tests: copy before
    changing)."""
    with _shared(tmp_path_factory, "landing") as shared:
        landing = shared / "landing"
        if not (shared / "landing.done").exists():
            shutil.rmtree(landing, ignore_errors=True)
            generate(landing)
            (shared / "landing.done").touch()
    return landing


@pytest.fixture(scope="session")
def suite_parse_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dbt's parse state of the project for a warehouse named suite.duckdb and the suite's
    vars, parsed once per run (shared by the workers). The suite build starts from it, and
    so does a test that builds a warehouse of its own under that name (see run_dbt): neither
    parses the whole project again (about 18 s each)."""
    with _shared(tmp_path_factory, "parse") as shared:
        target_path = shared / "parse" / "target"
        if not (target_path / PARSE_STATE).exists():
            target_path.mkdir(parents=True, exist_ok=True)  # run_dbt runs in its parent
            result = run_dbt(
                ["parse", "--vars", SUITE_DBT_VARS],
                database=shared / "parse" / SUITE_DATABASE,
                target_path=target_path,
            )
            if not result.success:
                pytest.fail(f"dbt parse of the project failed: {result.exception}")
    return target_path / PARSE_STATE


def _build_suite(landing: Path, database: Path, target_path: Path, parse_state: Path) -> None:
    """Load `landing` and `dbt build` it, as a user would (the dbt CLI, in a process that
    exits: the warehouse file is complete and unlocked afterwards, ready to be copied)."""
    run_ingest("load", str(landing), "--database", str(database))
    seed_parse_state(target_path, parse_state)
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--vars",
            SUITE_DBT_VARS,
            *dbt_location_args(target_path),
        ],
        # As run_dbt does: from the database's folder, so that its parse state serves copies.
        cwd=database.parent,
        env={**os.environ, "DUCKDB_PATH": database.name},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        results = target_path / "run_results.json"
        failed = (
            [
                f"{r['unique_id']}: {r['status']} {r['message']}"
                for r in json.loads(results.read_text())["results"]
                if r["status"] in {"error", "fail"}
            ]
            if results.exists()
            else [result.stdout[-3000:]]
        )
        pytest.fail("dbt build of the suite warehouse failed:\n" + "\n".join(failed[:20]))


@pytest.fixture(scope="session")
def built_warehouse(
    suite_landing: Path, suite_parse_state: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Warehouse]:
    """suite_landing loaded by ingest and built by one `dbt build` (seeds, models, tests),
    once per run; each pytest-xdist worker gets its own copy (tests may write to it)."""
    with _shared(tmp_path_factory, "build") as shared:
        if not (shared / "build.done").exists():
            for leftover in (SUITE_DATABASE, f"{SUITE_DATABASE}.wal"):
                (shared / leftover).unlink(missing_ok=True)
            shutil.rmtree(shared / "target", ignore_errors=True)
            _build_suite(
                suite_landing, shared / SUITE_DATABASE, shared / "target", suite_parse_state
            )
            (shared / "build.done").touch()
    shared_build = Warehouse(suite_landing, shared / SUITE_DATABASE, shared / "target")
    warehouse = shared_build.copy_to(tmp_path_factory.mktemp("warehouse"))
    # All of the build's artefacts (manifest, run results, compiled SQL), not only its parse state.
    shutil.copytree(shared_build.target_path, warehouse.target_path, dirs_exist_ok=True)
    yield warehouse


def _module_rank(module_items: list[pytest.Item], is_starter: bool) -> int:
    """Where a test module goes in the run (lower first); see pytest_collection_modifyitems."""
    if is_starter:
        return 0
    slow = any(item.get_closest_marker("slow") for item in module_items)
    needs_build = any("built_warehouse" in item.fixturenames for item in module_items)
    return 1 + 2 * (not slow) + needs_build


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the test modules so that two pytest-xdist workers (`make pytest`: --dist loadfile
    --no-loadscope-reorder, which hands out modules in this order) are never idle:

    0. the first module that needs the suite warehouse: its worker starts the shared build
       (about 100 s) at once;
    1. the slow modules (marked `slow`: end-to-end runs of dbt) that do not need it, which
       keep the other worker busy meanwhile;
    2. the slow modules that need it;
    3. the quick modules that do not need it, and 4. those that do: short ones last, so
       that both workers finish at about the same time.

    Within a rank the collection order stays (module by module, test by test)."""
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    starter = next(
        (
            name
            for name, module_items in modules.items()
            if any(item.get_closest_marker("slow") for item in module_items)
            and any("built_warehouse" in item.fixturenames for item in module_items)
        ),
        None,
    )
    ordered = sorted(modules.items(), key=lambda entry: _module_rank(entry[1], entry[0] == starter))
    items[:] = [item for _, module_items in ordered for item in module_items]
