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


def test_snapshot_validity_and_build_histories_are_per_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A snapshot's validity times and the audit history differ between builds by design."""
    snapshot = (
        "create schema snapshots; create table snapshots.products_snapshot as"
        " select 1 as product_id, 9.5 as price, timestamp '{at}' as dbt_valid_from,"
        " null::timestamp as dbt_valid_to, timestamp '{at}' as dbt_updated_at,"
        " md5('1|{at}') as dbt_scd_id"
    )
    history = "create schema audit; create table audit.run_results_history as select {n} as n"
    a = make_warehouse(
        tmp_path / "a.duckdb", snapshot.format(at="2026-10-01 10:00"), history.format(n=1)
    )
    b = make_warehouse(
        tmp_path / "b.duckdb", snapshot.format(at="2026-10-02 11:00"), history.format(n=2)
    )
    for name in ("dbt_valid_from", "dbt_valid_to", "dbt_updated_at", "dbt_scd_id", "last_updated"):
        assert compare_warehouses.PER_BUILD_COLUMN_REASONS[name]
    assert compare_warehouses.PER_BUILD_RELATION_REASONS["audit.run_results_history"]
    code, out, _ = run(capsys, a, b)
    assert code == 1
    assert "DIFF    snapshots.products_snapshot: rows 1 / 1, 1 rows only in A" in out
    assert "DIFF    audit.run_results_history" in out
    code, out, _ = run(capsys, a, b, "--ignore-per-build")
    assert code == 0, out
    assert "OK      snapshots.products_snapshot: rows 1 / 1" in out
    assert "run_results_history" not in out


FLOATS_SQL = (
    "create table marts.scores as select * from (values"
    " (1, 'a', {x}::double, {y}::float), (1, 'a', 2.0::double, 1.0::float),"
    " (2, 'b', null::double, 'nan'::float)) as t(id, tag, x, y)"
)


TOLERATED = "OK      marts.scores: rows 3 / 3 (1 rows equal within the float tolerance)"
DIFFERS = "DIFF    marts.scores: rows 3 / 3, 1 rows only in A, 1 rows only in B"


@pytest.mark.parametrize(
    ("b_values", "tolerance", "expected"),
    [
        pytest.param({"x": "0.1 + 0.2", "y": "1.5"}, "1e-9", TOLERATED, id="summation-order"),
        pytest.param({"x": "0.3000001", "y": "1.5"}, "1e-9", DIFFERS, id="beyond-tolerance"),
        pytest.param({"x": "0.3000001", "y": "1.5"}, "1e-3", TOLERATED, id="relative"),
        pytest.param({"x": "0.3", "y": "1.5000001"}, "1e-9", DIFFERS, id="float-column-too"),
    ],
)
def test_float_tolerance_is_relative_and_only_for_floats(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    b_values: dict[str, str],
    tolerance: str,
    expected: str,
) -> None:
    a = make_warehouse(tmp_path / "a.duckdb", FLOATS_SQL.format(x="0.3", y="1.5"))
    b = make_warehouse(tmp_path / "b.duckdb", FLOATS_SQL.format(**b_values))
    code, out, _ = run(capsys, a, b)  # exact by default: 0.1 + 0.2 is not 0.3
    assert code == 1
    assert DIFFERS in out
    code, out, _ = run(capsys, a, b, "--float-tolerance", tolerance)
    assert expected in out
    assert code == (0 if expected.startswith("OK") else 1)


def test_float_tolerance_leaves_other_columns_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A near-equal float does not excuse a different tag or a missing duplicate row."""
    a = make_warehouse(tmp_path / "a.duckdb", FLOATS_SQL.format(x="0.3", y="1.5"))
    b = make_warehouse(
        tmp_path / "b.duckdb",
        FLOATS_SQL.format(x="0.1 + 0.2", y="1.5"),
        "update marts.scores set tag = 'c' where x is null",
        "insert into marts.scores values (1, 'a', 2.0, 1.0)",
    )
    code, out, _ = run(capsys, a, b, "--float-tolerance", "1e-9")
    assert code == 1
    assert (
        "DIFF    marts.scores: rows 3 / 4 (1 rows equal within the float tolerance),"
        " 1 rows only in A, 2 rows only in B"
    ) in out
    code, _, err = run(capsys, a, b, "--float-tolerance", "2")
    assert code == 2 and "--float-tolerance" in err
