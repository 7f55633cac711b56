"""scripts/tune_recommendations.py: bad input fails with a one-line error and writes nothing.

Its grid runs dbt on a warehouse copy; that path is exercised by hand (docs/recommendations.md
gives the command and its figures), not here, to keep the suite lean.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT_DIR / "scripts" / "tune_recommendations.py"


def test_a_missing_warehouse_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--database", str(missing)],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: no warehouse at {missing}; run `make run` first"
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_bad_split_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--split", "holdout", "--database", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice: 'holdout'" in result.stderr
