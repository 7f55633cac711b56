"""The scheduled-run wrapper (flock single writer, logs, exit codes), its crontab and backups."""

from __future__ import annotations

import ast
import fcntl
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
WRAPPER = PROJECT_DIR / "deploy" / "run_pipeline.sh"
CRONTAB = PROJECT_DIR / "deploy" / "cron" / "ml_data_pipeline.cron"
BACKUP = PROJECT_DIR / "deploy" / "backup_warehouse.py"
EXIT_LOCKED = 75


def wrapper_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PIPELINE_DIR": str(tmp_path),
        "PIPELINE_LOCK": str(tmp_path / "wh.duckdb.lock"),
        "PIPELINE_LOG_DIR": str(tmp_path / "logs"),
    }
    env.update(extra)
    return env


def run_wrapper(tmp_path: Path, *command: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(WRAPPER), *command],
        env=wrapper_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


def summary_rows(tmp_path: Path) -> list[list[str]]:
    lines = (tmp_path / "logs" / "runs.log").read_text().splitlines()
    return [line.split("\t") for line in lines]


def test_successful_job_is_logged_with_its_output(tmp_path: Path) -> None:
    result = run_wrapper(tmp_path, "bash", "-c", "echo building the warehouse; echo oops >&2")
    assert result.returncode == 0, result.stderr
    [row] = summary_rows(tmp_path)
    started, finished, status, exit_code, log_file = row
    assert (status, exit_code) == ("ok", "0")
    assert started <= finished
    log_text = Path(log_file).read_text()
    assert "building the warehouse" in log_text
    assert "oops" in log_text  # stderr is captured too
    assert "lock acquired" in log_text
    assert "end: status=ok exit=0" in log_text


def test_job_exit_code_is_propagated_and_logged_as_failed(tmp_path: Path) -> None:
    result = run_wrapper(tmp_path, "bash", "-c", "exit 3")
    assert result.returncode == 3
    assert "exit code 3" in result.stderr
    [row] = summary_rows(tmp_path)
    assert row[2:4] == ["failed", "3"]


def test_default_job_runs_make_in_the_project_folder(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text(
        "load:\n\t@echo load >> calls.txt\nbuild:\n\t@echo build >> calls.txt\n"
        "docs-generate:\n\t@echo docs >> calls.txt\n"
    )
    result = run_wrapper(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "calls.txt").read_text().split() == ["load", "build", "docs"]


def test_second_run_is_skipped_while_the_lock_is_held(tmp_path: Path) -> None:
    lock_path = tmp_path / "wh.duckdb.lock"
    marker = tmp_path / "ran.txt"
    with lock_path.open("a") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)  # same flock(2) lock that flock(1) takes
        result = run_wrapper(tmp_path, "touch", str(marker))
    assert result.returncode == EXIT_LOCKED
    assert not marker.exists(), "the job ran although another writer held the lock"
    assert "skipped" in result.stderr
    [row] = summary_rows(tmp_path)
    assert row[2:4] == ["skipped_locked", str(EXIT_LOCKED)]


def test_two_concurrent_runs_have_one_writer(tmp_path: Path) -> None:
    started = tmp_path / "first_started"
    first = subprocess.Popen(
        ["bash", str(WRAPPER), "bash", "-c", f"touch {started}; sleep 3"],
        env=wrapper_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not started.exists():
            assert time.monotonic() < deadline, "first run never started"
            time.sleep(0.05)
        second = run_wrapper(tmp_path, "touch", str(tmp_path / "second_ran"))
    finally:
        first.wait(timeout=30)
    assert second.returncode == EXIT_LOCKED
    assert first.returncode == 0
    assert not (tmp_path / "second_ran").exists()
    statuses = sorted(row[2] for row in summary_rows(tmp_path))
    assert statuses == ["ok", "skipped_locked"]


def test_waiting_run_proceeds_once_the_lock_is_released(tmp_path: Path) -> None:
    lock_path = tmp_path / "wh.duckdb.lock"
    marker = tmp_path / "ran.txt"
    holder = lock_path.open("a")
    fcntl.flock(holder, fcntl.LOCK_EX)
    waiting = subprocess.Popen(
        ["bash", str(WRAPPER), "touch", str(marker)],
        env=wrapper_env(tmp_path, PIPELINE_LOCK_WAIT="20"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.0)
    assert waiting.poll() is None, "the run did not wait for the lock"
    assert not marker.exists()
    holder.close()  # releases the lock
    assert waiting.wait(timeout=30) == 0
    assert marker.exists()


def test_job_does_not_inherit_the_lock(tmp_path: Path) -> None:
    # A background process left by the job must not keep the warehouse locked.
    result = run_wrapper(tmp_path, "bash", "-c", "(sleep 5 &) ; exit 0")
    assert result.returncode == 0
    lock_path = tmp_path / "wh.duckdb.lock"
    with lock_path.open("a") as probe:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if still held


def test_timeout_stops_the_job(tmp_path: Path) -> None:
    result = run_wrapper(tmp_path, "sleep", "30", PIPELINE_TIMEOUT="1")
    assert result.returncode == 124
    [row] = summary_rows(tmp_path)
    assert row[2:4] == ["timed_out", "124"]


def test_bad_settings_are_a_usage_error(tmp_path: Path) -> None:
    result = run_wrapper(tmp_path, "true", PIPELINE_LOCK_WAIT="soon")
    assert result.returncode == 64
    assert "not a whole number" in result.stderr


def test_old_run_logs_are_pruned(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    old = log_dir / "run_20200101T000000Z_1.log"
    old.write_text("old\n")
    old_time = time.time() - 40 * 86400
    os.utime(old, (old_time, old_time))
    assert run_wrapper(tmp_path, "true").returncode == 0
    assert not old.exists()
    assert len(list(log_dir.glob("run_*.log"))) == 1


def test_wrapper_serialises_real_duckdb_writers(tmp_path: Path) -> None:
    """Two wrapped writers on one DuckDB file: one writes, the other is skipped cleanly."""
    database = tmp_path / "wh.duckdb"
    writer = (
        "import duckdb, sys, time\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute('create table if not exists runs (n integer)')\n"
        "con.execute('insert into runs values (1)')\n"
        "open(sys.argv[2], 'w').close()\n"
        "time.sleep(3)\n"
        "con.close()\n"
    )
    started = tmp_path / "started"
    env = wrapper_env(tmp_path, DUCKDB_PATH=str(database))
    env.pop("PIPELINE_LOCK")  # default: <DUCKDB_PATH>.lock
    first = subprocess.Popen(
        ["bash", str(WRAPPER), sys.executable, "-c", writer, str(database), str(started)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not started.exists():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        second = subprocess.run(
            ["bash", str(WRAPPER), sys.executable, "-c", writer, str(database), str(started)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        first.wait(timeout=60)
    assert first.returncode == 0
    assert second.returncode == EXIT_LOCKED
    assert (tmp_path / "wh.duckdb.lock").exists()
    log_text = "".join(path.read_text() for path in (tmp_path / "logs").glob("run_*.log"))
    assert "Conflicting lock" not in log_text  # DuckDB's own lock was never reached
    with duckdb.connect(str(database)) as con:
        assert con.execute("select count(*) from runs").fetchone() == (1,)


# --- crontab ---------------------------------------------------------------------------

CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")
CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def cron_entries() -> list[tuple[list[str], str]]:
    entries = []
    for line in CRONTAB.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or re.match(r"^[A-Z_]+=", stripped):
            continue
        fields = stripped.split(None, 5)
        entries.append((fields[:5], fields[5]))
    return entries


def test_crontab_entries_are_valid_and_all_go_through_the_wrapper() -> None:
    entries = cron_entries()
    assert len(entries) >= 2
    for schedule, command in entries:
        for field, (low, high) in zip(schedule, CRON_RANGES, strict=True):
            assert CRON_FIELD.match(field), f"bad cron field {field!r}"
            for number in re.findall(r"\d+", field.split("/")[0]):
                assert low <= int(number) <= high, f"{field!r} out of {low}-{high}"
        assert "deploy/run_pipeline.sh" in command, command
    commands = " ".join(command for _, command in entries)
    assert "source freshness" in commands
    assert "backup_warehouse.py" in commands


def test_crontab_sets_the_duckdb_settings() -> None:
    text = CRONTAB.read_text()
    for name in ("DUCKDB_PATH", "DUCKDB_MEMORY_LIMIT", "DUCKDB_TEMP_DIRECTORY"):
        assert re.search(rf"^{name}=\S+", text, re.MULTILINE), name


def test_scheduler_examples_use_the_wrapper_and_one_writer() -> None:
    airflow = PROJECT_DIR / "deploy" / "airflow" / "dags" / "ml_data_pipeline.py"
    dagster = PROJECT_DIR / "deploy" / "dagster" / "definitions.py"
    for path in (airflow, dagster):
        source = path.read_text()
        ast.parse(source)  # valid Python even though the scheduler is not installed here
        assert "run_pipeline.sh" in source
    assert "max_active_runs=1" in airflow.read_text()
    assert "max_concurrent_runs" in dagster.read_text() or "tag_concurrency" in dagster.read_text()


# --- backups ---------------------------------------------------------------------------


@pytest.fixture
def small_warehouse(tmp_path: Path) -> Path:
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.revenue as select 1 as day, 10.50::decimal(18,2) as amount")
    return database


def run_backup(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BACKUP), *args], capture_output=True, text=True, timeout=60
    )


def test_backup_copy_restores_the_data(small_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "backups"
    result = run_backup("--database", str(small_warehouse), "--out", str(out))
    assert result.returncode == 0, result.stderr
    [copy] = list(out.glob("warehouse_*.duckdb"))
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("select day, amount from marts.revenue").fetchall() == [
            (1, pytest.approx(10.5))
        ]


def test_backup_export_can_be_imported(small_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "backups"
    result = run_backup("--database", str(small_warehouse), "--out", str(out), "--mode", "export")
    assert result.returncode == 0, result.stderr
    [export_dir] = [path for path in out.iterdir() if path.is_dir()]
    assert (export_dir / "schema.sql").exists()
    with duckdb.connect() as con:
        # IMPORT DATABASE takes no parameters: the path goes in as a quoted string literal.
        con.execute("import database '" + str(export_dir).replace("'", "''") + "'")
        assert con.execute("select sum(amount) from marts.revenue").fetchone()[0] == 10.5


def test_backup_keeps_only_the_newest(small_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "backups"
    out.mkdir()
    for day in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        (out / f"warehouse_{day}.duckdb").write_bytes(b"old")
    result = run_backup(
        "--database",
        str(small_warehouse),
        "--out",
        str(out),
        "--keep",
        "2",
        "--max-age-days",
        "36500",
    )
    assert result.returncode == 0, result.stderr
    names = sorted(path.name for path in out.iterdir())
    assert len(names) == 2
    assert "warehouse_20260103T000000Z.duckdb" in names


def test_backup_deletes_backups_older_than_the_bound(small_warehouse: Path, tmp_path: Path) -> None:
    # Erasure reaches backups by expiry: nothing older than --max-age-days survives a backup.
    out = tmp_path / "backups"
    out.mkdir()
    old = out / "warehouse_20200101T000000Z.duckdb"
    old.write_bytes(b"old")
    result = run_backup(
        "--database", str(small_warehouse), "--out", str(out), "--max-age-days", "30"
    )
    assert result.returncode == 0, result.stderr
    assert not old.exists() and len(list(out.iterdir())) == 1
    assert "kept at most 30 days" in result.stdout
    refused = run_backup(
        "--database", str(small_warehouse), "--out", str(out), "--max-age-days", "0"
    )
    assert refused.returncode == 1 and "--max-age-days" in refused.stderr


def test_backup_of_a_missing_warehouse_fails(tmp_path: Path) -> None:
    result = run_backup("--database", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path))
    assert result.returncode == 1
    assert "no warehouse" in result.stderr
