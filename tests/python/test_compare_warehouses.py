"""scripts/compare_warehouses.py: identical warehouses pass, any difference fails.

Each case writes two small DuckDB files with the real duckdb library and runs the script's
main() (one case runs it as a process, as a user would).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR

SCRIPT = PROJECT_DIR / "scripts" / "compare_warehouses.py"
_spec = importlib.util.spec_from_file_location("compare_warehouses", SCRIPT)
assert _spec and _spec.loader
compare_warehouses = importlib.util.module_from_spec(_spec)
sys.modules["compare_warehouses"] = compare_warehouses
_spec.loader.exec_module(compare_warehouses)

BASE_SQL = """
    create schema marts;
    create table marts.daily (day date, amount decimal(18, 2), note varchar);
    insert into marts.daily values
        ('2026-10-01', 1.50, 'a'), ('2026-10-02', 2.00, null), ('2026-10-02', 2.00, null);
    create view marts.daily_total as select sum(amount) as amount from marts.daily;
"""


# A relation renamed in B (old_name -> new_name), and one B alone has.
RENAMED_A = ["create table marts.old_name as select 1 as x"]
RENAMED_B = [
    "create table marts.new_name as select 1 as x",
    "create table marts.added as select 2 as y",
]


def make_warehouse(path: Path, *statements: str) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute(BASE_SQL)
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = compare_warehouses.main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_identical_warehouses_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = make_warehouse(tmp_path / "a.duckdb")
    # Same rows in another insertion order and another column order: still identical.
    b = make_warehouse(
        tmp_path / "b.duckdb",
        "create or replace table marts.daily as "
        "select note, amount, day from marts.daily order by day desc",
        "create or replace view marts.daily_total as select sum(amount) as amount from marts.daily",
    )
    code, out, _ = run(capsys, a, b)
    assert code == 0
    assert "OK      marts.daily: rows 3 / 3" in out
    assert "OK      marts.daily_total: rows 1 / 1" in out
    assert out.strip().endswith("2 relations: 2 identical, 0 different or missing")


@pytest.mark.parametrize(
    ("a_sql", "b_sql", "args", "expected"),
    [
        pytest.param(
            [],
            # One of the two equal rows changes: EXCEPT ALL counts duplicates, so it is seen.
            ["update marts.daily set note = 'x' where rowid = 2"],
            ["--schemas", "marts"],
            [
                "DIFF    marts.daily: rows 3 / 3, 1 rows only in A, 1 rows only in B",
                "OK      marts.daily_total",
            ],
            id="a-changed-duplicate-row",
        ),
        pytest.param(
            ["create table marts.extra (id integer)"],
            [
                "delete from marts.daily where day = '2026-10-01'",
                "create table marts.extra (id bigint)",
            ],
            [],
            [
                "DIFF    marts.daily: rows 3 / 2, 1 rows only in A, 0 rows only in B",
                "DIFF    marts.extra: types differ: id INTEGER/BIGINT",
            ],
            id="row-count-and-type",
        ),
        pytest.param(
            RENAMED_A,
            RENAMED_B,
            [],
            ["ONLY-A  marts.old_name", "ONLY-B  marts.new_name"],
            id="renamed-and-missing-relations",
        ),
    ],
)
def test_differences_fail(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    a_sql: list[str],
    b_sql: list[str],
    args: list[str],
    expected: list[str],
) -> None:
    a = make_warehouse(tmp_path / "a.duckdb", *a_sql)
    b = make_warehouse(tmp_path / "b.duckdb", *b_sql)
    code, out, _ = run(capsys, a, b, *args)
    assert code == 1
    for line in expected:
        assert line in out


def test_renamed_relations_are_mapped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = make_warehouse(tmp_path / "a.duckdb", *RENAMED_A)
    b = make_warehouse(tmp_path / "b.duckdb", *RENAMED_B)
    code, out, _ = run(capsys, a, b, "--map", "marts.old_name=new_name")
    assert code == 1  # marts.added is still on one side only
    assert "OK      marts.old_name -> marts.new_name: rows 1 / 1" in out
    assert "ONLY-B  marts.added" in out

    code, out, _ = run(capsys, a, b, "--map", "marts.old_name=new_name", "--only-common")
    assert code == 0
    assert "added" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.duckdb", "b.duckdb"], "missing.duckdb: no such file"),
        (["text.duckdb", "b.duckdb"], "text.duckdb: cannot open as DuckDB"),
        (["b.duckdb", "b.duckdb"], "both arguments name the same file"),
        (["a.duckdb", "b.duckdb", "--map", "daily"], "expected OLD=NEW"),
        (["a.duckdb", "b.duckdb", "--map", "old=new"], "name the schema on one side"),
        (["a.duckdb", "b.duckdb", "--map", "marts.nope=x"], "missing from"),
        (["a.duckdb", "b.duckdb", "--schemas", "nothing"], "no relations to compare"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    make_warehouse(tmp_path / "a.duckdb")
    b = make_warehouse(tmp_path / "b.duckdb")
    (tmp_path / "text.duckdb").write_text("not a database\n")
    before = b.read_bytes()
    code, _, err = run(
        capsys, *[tmp_path / arg if arg.endswith(".duckdb") else arg for arg in args]
    )
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert b.read_bytes() == before  # opened read-only: nothing written


def test_runs_as_a_script(tmp_path: Path) -> None:
    a = make_warehouse(tmp_path / "a.duckdb")
    b = make_warehouse(tmp_path / "b.duckdb", "delete from marts.daily")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(a), str(b)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "DIFF    marts.daily: rows 3 / 0" in result.stdout


def test_ignored_columns_are_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = make_warehouse(
        tmp_path / "a.duckdb", "create table marts.metrics as select 7 as rows, 1 as built_at"
    )
    b = make_warehouse(
        tmp_path / "b.duckdb", "create table marts.metrics as select 7 as rows, 2 as built_at"
    )
    code, out, _ = run(capsys, a, b)
    assert code == 1
    assert "DIFF    marts.metrics: rows 1 / 1, 1 rows only in A, 1 rows only in B" in out
    code, out, _ = run(capsys, a, b, "--ignore-columns", "built_at", "note")
    assert code == 0
    assert "OK      marts.metrics: rows 1 / 1" in out
    assert "OK      marts.daily: rows 3 / 3" in out
    code, out, _ = run(capsys, a, b, "--ignore-columns", "rows", "built_at")
    assert code == 0  # nothing left but the row counts
    assert "OK      marts.metrics: rows 1 / 1" in out


def test_per_build_columns_and_relations_are_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--ignore-per-build: the stamps and histories of a build differ, the data still counts."""
    history = "create table marts.prediction_log as select * from range({rows}) as t(generation)"
    stamped = "create table marts.metrics as select 7 as auc, '{id}' as invocation_id"
    a = make_warehouse(tmp_path / "a.duckdb", history.format(rows=1), stamped.format(id="first"))
    b = make_warehouse(tmp_path / "b.duckdb", history.format(rows=2), stamped.format(id="second"))
    assert "marts.prediction_log" in compare_warehouses.PER_BUILD_RELATIONS
    assert "invocation_id" in compare_warehouses.PER_BUILD_COLUMNS
    code, out, _ = run(capsys, a, b)
    assert code == 1
    assert "DIFF    marts.prediction_log: rows 1 / 2" in out
    code, out, _ = run(capsys, a, b, "--ignore-per-build")
    assert code == 0
    assert "prediction_log" not in out
    assert "OK      marts.metrics: rows 1 / 1" in out
    # A difference outside the per-build columns still fails.
    c = make_warehouse(
        tmp_path / "c.duckdb",
        history.format(rows=2),
        stamped.format(id="second"),
        "update marts.metrics set auc = 8",
    )
    code, out, _ = run(capsys, a, c, "--ignore-per-build")
    assert code == 1
    assert "DIFF    marts.metrics: rows 1 / 1, 1 rows only in A, 1 rows only in B" in out
