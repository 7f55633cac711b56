"""scripts/tune_recommendations.py: bad input fails with a one-line error and writes nothing;
scripts/recommendation_ceiling.py runs on the suite warehouse.

Its grid runs dbt on a warehouse copy; that path is exercised by hand (docs/recommendations.md
gives the command and its figures), not here, to keep the suite lean.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import SUITE_DAYS, SUITE_SCALE, SUITE_SEED, Warehouse

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


def test_the_ceiling_script_ranks_the_oracle_above_the_baselines(
    built_warehouse: Warehouse,
) -> None:
    """scripts/recommendation_ceiling.py on the suite warehouse: the oracle, which replays
    the generator's hidden state, beats every method; each method gets one line, then one
    line per kind of new purchase."""
    result = subprocess.run(
        [
            sys.executable,
            str(PROJECT_DIR / "scripts" / "recommendation_ceiling.py"),
            "--database",
            str(built_warehouse.database),
            "--split",
            "test",
            *("--scale", str(SUITE_SCALE), "--seed", str(SUITE_SEED), "--days", str(SUITE_DAYS)),
            *("--replicates", "30"),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    methods, kinds = result.stdout.strip().split("\n\n")
    lines = methods.splitlines()
    assert lines[0].startswith("split=test cutoff=")
    rates = {line.split()[0]: float(line.split()[1].split("=")[1]) for line in lines[1:]}
    assert set(rates) == {
        "oracle",
        "oracle_without_staple",
        "item_item_cosine",
        "item_item_tuned",
        "session_mixture",
        "most_popular",
        "favourite_categories_popular",
        "random",
    }
    assert rates["oracle"] > max(rates["most_popular"], rates["random"])
    assert rates["oracle"] >= rates["oracle_without_staple"] - 0.05
    # The new purchases by kind: every kind once, in order; per kind the share of its
    # purchases in the lists of the chosen model, the best baseline and the oracle.
    header, *rows = kinds.splitlines()
    assert header.split()[-3:] == ["session_mixture", "favourite_categories_popular", "oracle"]
    table = {row.split()[0]: [float(cell) for cell in row.split()[1:]] for row in rows}
    # six kinds, each once (the script's KINDS): first match wins, so "other" comes last
    assert len(table) == 6 == len(rows) and list(table)[::5] == ["staple", "other"]
    assert sum(cells[0] for cells in table.values()) > 0
    assert all(0.0 <= share <= 1.0 for cells in table.values() for share in cells[1:])
    # The oracle knows each user's staple; no model can, so it finds more of them.
    staple = table["staple"]
    assert staple[0] > 0 and staple[3] >= max(staple[1], staple[2])
