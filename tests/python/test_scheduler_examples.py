"""The scheduler examples load in the real tools (issue 14, item 14).

Dagster and Airflow are not dependencies of the project, and their pins would clash with
ours and with each other, so each lives in a venv of its own (deploy/requirements-*.txt),
created by `make check-schedulers`, which then runs this file with SCHEDULER_VENVS set.
Without it (plain `make test`) these tests are skipped: the installs take minutes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, generate

VENVS = os.environ.get("SCHEDULER_VENVS")
pytestmark = pytest.mark.skipif(
    not VENVS, reason="needs the scheduler venvs: run `make check-schedulers`"
)

DEFINITIONS = PROJECT_DIR / "deploy" / "dagster" / "definitions.py"
DAGS = PROJECT_DIR / "deploy" / "airflow" / "dags"
CHECK_DAGBAG = PROJECT_DIR / "scripts" / "check_airflow_dagbag.py"


def tool(venv: str, name: str) -> Path:
    path = Path(VENVS or "") / venv / "bin" / name
    assert path.exists(), f"{path} missing: run `make check-schedulers`"
    return path


def run(command: list[str], env: dict[str, str], timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_dagster_definitions_validate(tmp_path: Path) -> None:
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    result = run(
        [str(tool("dagster", "dagster")), "definitions", "validate", "-f", str(DEFINITIONS)],
        env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful" in result.stdout + result.stderr


def test_dagster_job_runs_the_pipeline_on_small_data(tmp_path: Path) -> None:
    """The job's ops call deploy/run_pipeline.sh -> make load, freshness, build, docs."""
    # The suite's size and span (the propensity model needs labels 7 days ahead), no faults
    # (the default min_dqs gate of make build applies).
    landing = generate(tmp_path / "landing", fault_rate=0.0)
    (tmp_path / "dagster").mkdir()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "ML_DATA_PIPELINE_DIR": str(PROJECT_DIR),
        "LANDING": str(landing),
        "DUCKDB_PATH": str(tmp_path / "wh" / "warehouse.duckdb"),
        "PIPELINE_LOCK": str(tmp_path / "wh" / "warehouse.duckdb.lock"),
        "PIPELINE_LOG_DIR": str(tmp_path / "logs"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
    }
    result = run(
        [
            str(tool("dagster", "dagster")),
            "job",
            "execute",
            "-f",
            str(DEFINITIONS),
            "-j",
            "ml_data_pipeline",
        ],
        env,
        timeout=1800,
    )
    logs = "".join(path.read_text() for path in sorted((tmp_path / "logs").glob("run_*.log")))
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:] + logs[-4000:]
    summary = (tmp_path / "logs" / "runs.log").read_text().splitlines()
    assert [line.split("\t")[2] for line in summary] == ["ok", "ok", "ok", "ok"]
    import duckdb

    with duckdb.connect(str(env["DUCKDB_PATH"]), read_only=True) as con:
        assert con.execute("select count(*) from marts.daily_summary").fetchone()[0] > 0


def test_airflow_dagbag_has_no_import_errors_nor_deprecations(tmp_path: Path) -> None:
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path), "PYTHONWARNINGS": "default"}
    result = run([str(tool("airflow", "python")), str(CHECK_DAGBAG), str(DAGS)], env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ml_data_pipeline: 4 tasks" in result.stdout
