"""One clear line instead of a traceback, and nothing harmful printed (issue 14)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, run_ingest
from ingest_fixtures import SALES_HEADER, holding, write

from ingest.cli import format_table, main
from ingest.terminal import printable

# --- 11. generate ---------------------------------------------------------------------------


def test_generate_past_the_last_date_is_a_usage_error(tmp_path: Path) -> None:
    result = run_ingest(
        "generate",
        "--out",
        str(tmp_path / "out"),
        "--start-date",
        "9999-12-30",
        "--days",
        "5",
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        "error: start_date + days runs past 9999-12-31: with 5 days, start_date must be"
        " 9999-12-26 or earlier, got 9999-12-30\n"
    )


# --- 12. a locked warehouse through make ----------------------------------------------------


def test_make_build_on_a_locked_warehouse_prints_one_clear_line(database: Path) -> None:
    database.parent.mkdir(parents=True)
    with holding(database, read_only=False) as pid:
        result = subprocess.run(
            ["make", "--no-print-directory", "-s", "build", f"DUCKDB_PATH={database}"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    ours = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert ours == [
        f"error: warehouse {database} is locked by another process (pid {pid});"
        " wait for it to finish or stop it"
    ]


# --- also: ledger and quarantine only read --------------------------------------------------


def test_ledger_and_quarantine_work_beside_a_reader(
    landing: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(landing / "sales" / "a.csv", f"{SALES_HEADER}\n2026-10-01,1,1,1.00,1\nbad\n")
    assert main(["load", str(landing), "--database", str(database)]) == 0
    capsys.readouterr()
    with holding(database, read_only=True):
        assert main(["ledger", "--database", str(database)]) == 0
        assert "sales/a.csv" in capsys.readouterr().out
        assert main(["quarantine", "--database", str(database)]) == 0
        assert "expected 5 fields, found 1" in capsys.readouterr().out


def test_ledger_of_a_warehouse_never_loaded_is_a_usage_error(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import duckdb

    database.parent.mkdir(parents=True)
    duckdb.connect(str(database)).close()
    assert main(["ledger", "--database", str(database)]) == 2
    assert capsys.readouterr().err == (
        f"error: warehouse {database} has no load ledger yet; run `ingest load` first\n"
    )


# --- 13. terminal safety --------------------------------------------------------------------


def test_printable_escapes_control_and_invisible_characters() -> None:
    assert printable("a\x1b[2Jb\x07c\nd\re\tf\x9bg\u202eh\x00") == (
        "a\\e[2Jb\\x07c\\nd\\re\\tf\\x9bg\\u202eh\\x00"
    )
    assert printable("Café crème, 東京") == "Café crème, 東京"


def test_quarantine_never_prints_escape_sequences(
    landing: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(landing / "sales" / "a.csv", f"{SALES_HEADER}\n\x1b[2J\x1b]0;owned\x07\n")
    main(["load", str(landing), "--database", str(database)])
    capsys.readouterr()
    assert main(["quarantine", "--database", str(database)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\e[2J\\e]0;owned\\x07" in out


def test_error_about_a_file_name_with_a_newline_is_one_line(
    landing: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(landing / "sales" / "evil\nname.csv", "")  # empty: fails with an error naming it
    assert main(["load", str(landing), "--database", str(database)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert errors == ["error: sales/evil\\nname.csv: file is empty"]


def test_format_table_cells_stay_on_one_line() -> None:
    table = format_table(["a"], [("x\ny\x1b[31m",)])
    assert table.splitlines()[2] == "x\\ny\\e[31m"
