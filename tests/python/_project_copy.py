"""Scratch copies of the project for tests that must change it (add a model, edit SQL)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# Top-level folders that are generated, local or large: never copied.
NOT_COPIED = {
    ".venv",
    ".git",
    "warehouse",
    "landing",
    "logs",
    "state",
    "reports",
    "backups",
    "dbt_packages",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
}


def copy_project(destination: Path) -> Path:
    """Copy the project's sources (no venv, warehouse, data or dbt artefacts) to destination."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        if Path(folder).resolve() == PROJECT_DIR:
            return {n for n in names if n in NOT_COPIED or n.startswith("target")}
        return {n for n in names if n == "__pycache__"}

    shutil.copytree(PROJECT_DIR, destination, ignore=ignore)
    return destination


def dbt_env(project: Path, database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DUCKDB_PATH": str(database),
        "DUCKDB_TEMP_DIRECTORY": str(database.parent / "duckdb_tmp"),
        "DBT_PROFILES_DIR": str(project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "VENV_BIN": str(VENV_BIN),
    }


def dbt(project: Path, *args: str, database: Path) -> subprocess.CompletedProcess[str]:
    """Run the dbt CLI in `project` against `database`, artefacts in project/target."""
    return subprocess.run(
        [str(VENV_BIN / "dbt"), *args, "--target-path", "target", "--log-path", "logs"],
        cwd=project,
        env=dbt_env(project, database),
        capture_output=True,
        text=True,
        timeout=600,
    )
