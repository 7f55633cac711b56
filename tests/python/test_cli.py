"""The command line: exit codes, one-line errors, summary, ledger and quarantine output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, run_ingest
from ingest_fixtures import SALES_HEADER, count, holding, write

from ingest.cli import main


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    write(root / "sales" / "sales_2026-10-01.csv", f"{SALES_HEADER}\n2026-10-01,1,2,3.50,4\n1,2\n")
    return root


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "wh.duckdb"


def test_load_prints_a_summary_and_exits_0(
    landing: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(landing), "--database", str(database)]) == 0
    out = capsys.readouterr().out
    summary = [line.split() for line in out.splitlines() if line.startswith("sales")]
    # source, files loaded, skipped, failed, rows loaded, quarantined
    assert summary == [["sales", "1", "0", "0", "1", "1"]]
    assert main(["load", str(landing), "--database", str(database)]) == 0
    out = capsys.readouterr().out
    assert [line.split() for line in out.splitlines() if line.startswith("sales")] == [
        ["sales", "0", "1", "0", "0", "0"]
    ]


def test_load_defaults_to_duckdb_path(
    landing: Path, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUCKDB_PATH", str(database))
    assert main(["load", str(landing)]) == 0
    assert count(database, "raw.sales") == 1


def test_a_failed_file_exits_1_with_a_one_line_error(
    landing: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(landing / "sales" / "sales_2026-10-02.csv", "date,product_id\n2026-10-02,1\n")
    assert main(["load", str(landing), "--database", str(database)]) == 1
    err = capsys.readouterr().err
    missing = "'quantity', 'price', 'customer_id'"
    assert f"error: sales/sales_2026-10-02.csv: missing required columns {missing}\n" in err
    assert count(database, "raw.sales") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load", "{root}/missing"], "missing: no such file or directory"),
        (["load", "{root}/landing/refunds"], "unknown source folder 'refunds'"),
        (["load", "--bogus"], "unrecognized arguments"),
        (["generate", "--start-date", "2026-13-01"], "not a date"),
    ],
    ids=["missing_path", "unknown_source", "bad_option", "bad_date"],
)
def test_usage_errors_exit_2(
    tmp_path: Path,
    landing: Path,
    database: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    write(landing / "refunds" / "refunds.csv", "x\n")
    argv = [arg.format(root=tmp_path) for arg in args] + ["--database", str(database)]
    assert exit_code(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not database.exists()


def exit_code(argv: list[str]) -> int:
    """main()'s exit code, also when argparse exits on its own (usage errors)."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)


def test_python_dash_m_exit_codes_and_no_traceback(tmp_path: Path, landing: Path) -> None:
    database = tmp_path / "db.duckdb"
    write(landing / "sales" / "sales_bad.csv.gz", b"not gzip at all")
    result = run_ingest("load", str(landing), "--database", str(database), check=False)
    assert result.returncode == 1
    assert "error: sales/sales_bad.csv.gz: not a gzip file" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run_ingest("load", str(tmp_path / "nope"), "--database", str(database), check=False)
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0


def test_locked_warehouse_names_the_holder(
    landing: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database.parent.mkdir(parents=True)
    with holding(database, read_only=False) as pid:
        code = main(["load", str(landing), "--database", str(database)])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        err == f"error: warehouse {database} is locked by another process (pid {pid});"
        " wait for it to finish or stop it\n"
    )


def test_ledger_and_quarantine_commands_print(
    landing: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(landing / "events" / "e.jsonl", '{"user_id":1,"event_type":"x","timestamp":"t"}\n{oops\n')
    main(["load", str(landing), "--database", str(database)])
    capsys.readouterr()
    assert main(["ledger", "--database", str(database)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["batch_id", "source", "path", "status"]
    assert "sales/sales_2026-10-01.csv" in out and "events/e.jsonl" in out
    assert main(["quarantine", "--source", "events", "--database", str(database)]) == 0
    out = capsys.readouterr().out
    assert "{oops" in out and "malformed JSON" in out
    assert "1,2" not in out  # the quarantined sales line is filtered out by --source
    assert main(["quarantine", "--database", str(database), "--limit", "1"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3  # header, rule, one row


def test_progress_bar_is_silent_when_stderr_is_not_a_terminal(
    landing: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["load", str(landing), "--database", str(database)])
    assert "\r" not in capsys.readouterr().err


def test_generate_is_imported_lazily(tmp_path: Path, landing: Path) -> None:
    """`load` must work even when the generator cannot be imported."""
    code = (
        "import sys; sys.modules['ingest.generate'] = None; from ingest.cli import main;"
        " sys.exit(main(['load', sys.argv[1], '--database', sys.argv[2]]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(landing), str(tmp_path / "lazy.duckdb")],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_ledger_of_a_missing_warehouse_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "none.duckdb"
    assert main(["ledger", "--database", str(database)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not database.exists()


def test_load_of_an_empty_landing_folder_warns_and_exits_0(
    tmp_path: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["load", str(tmp_path / "empty"), "--database", str(database)]) == 0
    assert "no files found" in capsys.readouterr().err


def test_progress_bar_draws_on_a_terminal(tmp_path: Path, landing: Path) -> None:
    import io

    from ingest.cli import ProgressBar
    from ingest.load import load_paths

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    load_paths([landing], tmp_path / "db.duckdb", progress=ProgressBar(stream))
    drawn = stream.getvalue()
    assert "\r[" + "#" * 30 + "] 1/1 sales/sales_2026-10-01.csv" in drawn
    assert drawn.endswith("\r\x1b[K")  # the bar is cleared before the summary prints


def test_generate_command_writes_and_summarises(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("ingest.generate")
    out = tmp_path / "gen"
    args = ["generate", "--out", str(out), "--scale", "0.01", "--days", "1", "--seed", "5"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "sales" in printed and (out / "_manifest.json").is_file()
    assert exit_code(["generate", "--out", str(out), "--scale", "-1"]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_a_reader_that_stops_early_gets_no_traceback(landing: Path, database: Path) -> None:
    """`python -m ingest ledger | head -1`: the command ends quietly when the pipe closes."""
    main(["load", str(landing), "--database", str(database)])
    ledger = subprocess.Popen(
        [sys.executable, "-m", "ingest", "ledger", "--database", str(database)],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert ledger.stdout is not None and ledger.stderr is not None
    ledger.stdout.close()  # the reader is gone before the command writes anything
    err = ledger.stderr.read()
    assert ledger.wait(timeout=60) == 141
    assert err == ""
