"""The custom generic tests (tests/generic) against their fixtures (integration_tests/).

The fixture project runs the real test files on small seeds. Each fixture's name carries the
verdict it must reach: `must_pass__*` passes, `must_fail__*` fails, `must_warn__*` warns,
`must_error__*` stops with a compilation error (bad arguments). One
`dbt build` of the fixture project per module; each fixture is then checked by name.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR

FIXTURE_PROJECT = PROJECT_DIR / "integration_tests"
GENERIC_TESTS = PROJECT_DIR / "tests" / "generic"
FIXTURE_NAME = re.compile(r"^\s*name:\s*(must_(?:pass|fail|warn|error)__\w+)\s*$", re.MULTILINE)
EXPECTED_STATUS = {
    "must_pass": "pass",
    "must_fail": "fail",
    "must_warn": "warn",
    "must_error": "error",
}


def fixture_names() -> list[str]:
    """Every fixture declared in the fixture project's yml files, read at collection time."""
    names: list[str] = []
    for path in sorted(FIXTURE_PROJECT.glob("*/**/*.yml")):
        names.extend(FIXTURE_NAME.findall(path.read_text(encoding="utf-8")))
    return names


def generic_test_names() -> list[str]:
    """The generic tests defined in tests/generic, one `{% test name(...) %}` per file."""
    names = []
    for path in sorted(GENERIC_TESTS.glob("test_*.sql")):
        match = re.search(r"{%-?\s*test\s+(\w+)\s*\(", path.read_text(encoding="utf-8"))
        assert match, f"{path.name} defines no generic test"
        names.append(match.group(1))
    return names


# sqlfluff lints no macro body (dbt stores generic tests as macros), so the SQL the tests
# compile to is linted here under the project's .sqlfluff, less the layout rules that only
# see jinja's whitespace (LT01, LT02, LT08, LT12, LT13) and the quoting dbt gives relation
# names (RF06); `select *` from the tested model is the point of a test (AM04).
COMPILED_LINT_EXCLUDED_RULES = "LT01,LT02,LT08,LT12,LT13,RF06,AM04"


@dataclass(frozen=True)
class FixtureRun:
    """Outcome of one `dbt build` of the fixture project."""

    statuses: dict[str, str]
    failures: dict[str, int]
    messages: dict[str, str]
    tested_by: dict[str, str]  # fixture name -> generic test name
    database: Path
    compiled_path: Path

    def query(self, sql: str) -> list[tuple]:
        # Not read_only: after dbt ran in this process, a read-only open fails.
        with duckdb.connect(str(self.database)) as con:
            return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureRun]:
    from dbt.cli.main import dbtRunner

    root = tmp_path_factory.mktemp("generic_tests")
    database = root / "fixtures.duckdb"
    target_path = root / "target"
    env_before = os.environ.get("INTEGRATION_TESTS_DUCKDB_PATH")
    os.environ["INTEGRATION_TESTS_DUCKDB_PATH"] = str(database)
    try:
        result = dbtRunner().invoke(
            [
                "build",
                "--project-dir", str(FIXTURE_PROJECT),
                "--profiles-dir", str(FIXTURE_PROJECT),
                "--target-path", str(target_path),
                "--log-path", str(target_path / "logs"),
            ]
        )  # fmt: skip
    finally:
        if env_before is None:
            os.environ.pop("INTEGRATION_TESTS_DUCKDB_PATH", None)
        else:
            os.environ["INTEGRATION_TESTS_DUCKDB_PATH"] = env_before
    if result.exception is not None or result.result is None:
        pytest.fail(f"dbt build of the fixture project did not run: {result.exception}")
    statuses: dict[str, str] = {}
    failures: dict[str, int] = {}
    messages: dict[str, str] = {}
    for node_result in result.result:
        node = node_result.node
        statuses[node.name] = str(node_result.status)
        failures[node.name] = node_result.failures or 0
        messages[node.name] = node_result.message or ""
        if node.resource_type != "test":
            assert str(node_result.status) == "success", f"{node.name}: {node_result.message}"
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    tested_by = {
        node["name"]: node["test_metadata"]["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node.get("test_metadata")
    }
    yield FixtureRun(
        statuses=statuses,
        failures=failures,
        messages=messages,
        tested_by=tested_by,
        database=database,
        compiled_path=target_path / "compiled",
    )


@pytest.mark.parametrize("name", fixture_names())
def test_fixture_reaches_its_verdict(fixture_run: FixtureRun, name: str) -> None:
    expected = EXPECTED_STATUS[name.split("__", 1)[0]]
    assert name in fixture_run.statuses, f"{name} did not run"
    assert fixture_run.statuses[name] == expected


def test_every_custom_test_has_a_passing_and_a_failing_fixture(fixture_run: FixtureRun) -> None:
    verdicts: dict[str, set[str]] = {name: set() for name in generic_test_names()}
    for fixture, test_name in fixture_run.tested_by.items():
        if test_name in verdicts:
            verdicts[test_name].add(fixture.split("__", 1)[0])
    missing = {
        name: sorted({"must_pass", "must_fail"} - found)
        for name, found in verdicts.items()
        if not {"must_pass", "must_fail"} <= found
    }
    assert len(verdicts) >= 14
    assert not missing, f"custom tests without a passing or failing fixture: {missing}"


def test_every_declared_fixture_ran(fixture_run: FixtureRun) -> None:
    ran = {name for name in fixture_run.statuses if name.startswith("must_")}
    assert ran == set(fixture_names())


def test_mostly_stores_the_failing_rows_once_breached(fixture_run: FixtureRun) -> None:
    # 1 of 10 scores is out of range: mostly=0.9 passes (above), mostly=0.95 fails and
    # store_failures keeps exactly that row.
    assert fixture_run.query("select id from audit.must_fail__between_mostly_095") == [(10,)]
    assert fixture_run.failures["must_fail__between_mostly_095"] == 1
    assert fixture_run.failures["must_pass__between_mostly_090"] == 0


def test_failing_rows_are_the_offending_rows(fixture_run: FixtureRun) -> None:
    assert fixture_run.query(
        "select user_id, n_records_with_values from audit.must_fail__compound_unique"
    ) == [(1, 2), (1, 2)]
    assert fixture_run.query("select id from audit.must_fail__relationships_orphan") == [(10,)]
    assert fixture_run.query("select id, amount from audit.must_fail__expression_column") == [
        (10, -5)
    ]
    latest, count, mean = fixture_run.query(
        "select cast(latest_period_start as date), latest_row_count, trailing_mean"
        " from audit.must_fail__deviation_spike"
    )[0]
    assert (str(latest), count) == ("2026-10-08", 300)
    assert mean == pytest.approx(703 / 7)


def compiled_plan(fixture_run: FixtureRun, name: str) -> str:
    """DuckDB's EXPLAIN of the compiled SQL of fixture test `name`."""
    [compiled] = fixture_run.compiled_path.rglob(f"{name}.sql")
    return "\n".join(
        row[1] for row in fixture_run.query("explain " + compiled.read_text(encoding="utf-8"))
    )


@pytest.mark.parametrize(
    "name",
    [
        "must_fail__between_out_of_bounds",
        "must_fail__in_set",
        "must_fail__regex",
        "must_fail__expression_column",
        "must_fail__compound_unique",
        "must_fail__relationships_orphan",
    ],
)
def test_default_mostly_reads_the_rows_once(fixture_run: FixtureRun, name: str) -> None:
    # With mostly = 1 the failing rows are the answer: counting the rows in scope as well
    # made DuckDB materialise the CTE of every column of every row (2.15 GB for 9.9 M rows).
    plan = compiled_plan(fixture_run, name)
    assert "CTE" not in plan, f"{name} materialises a CTE:\n{plan}"


@pytest.mark.parametrize(
    ("name", "rows_in_scope"),
    [
        ("must_pass__expression_mostly_090", "evaluated"),
        ("must_pass__compound_unique_mostly_080", "evaluated"),
        ("must_pass__relationships_mostly_090", "children"),
    ],
)
def test_mostly_below_one_reads_the_rows_in_scope_without_materialising_them(
    fixture_run: FixtureRun, name: str, rows_in_scope: str
) -> None:
    # With mostly < 1 the rows in scope are read twice (counted, and filtered for the
    # failing rows): DuckDB would materialise them, every column of every row, unless the
    # CTE says `not materialized` (cte_not_materialized). The column-value tests' rows in
    # scope are a plain filter, which DuckDB does not materialise: they need no such clause.
    plan = compiled_plan(fixture_run, name)
    assert "Scan" in plan
    assert f"CTE Name: {rows_in_scope}" not in plan, f"{name} materialises {rows_in_scope}:\n{plan}"


def test_bad_arguments_stop_with_a_message(fixture_run: FixtureRun) -> None:
    assert (
        "mostly must be a number from 0 to 1, got 1.5"
        in (fixture_run.messages["must_error__between_mostly_above_one"])
    )
    assert (
        "needs min_value or max_value"
        in (fixture_run.messages["must_error__between_without_bounds"])
    )


def test_warn_if_and_error_if_thresholds(fixture_run: FixtureRun) -> None:
    # Same rule, warn_if '>0' and error_if '>1': one failing row warns, two fail.
    assert fixture_run.statuses["must_warn__between_warn_if_error_if"] == "warn"
    assert fixture_run.failures["must_warn__between_warn_if_error_if"] == 1
    assert fixture_run.statuses["must_fail__between_error_if"] == "fail"
    assert fixture_run.failures["must_fail__between_error_if"] == 2


def test_compiled_test_sql_lints_clean(fixture_run: FixtureRun) -> None:
    from sqlfluff.core import FluffConfig, Linter

    config = FluffConfig.from_path(
        str(PROJECT_DIR),
        overrides={
            "templater": "raw",
            "dialect": "duckdb",
            "exclude_rules": COMPILED_LINT_EXCLUDED_RULES,
        },
    )
    linter = Linter(config=config)
    # One compiled fixture per generic test: a must_fail one, with the most branches taken.
    chosen: dict[str, str] = {}
    for fixture, test_name in sorted(fixture_run.tested_by.items()):
        if fixture.startswith("must_fail__"):
            chosen.setdefault(test_name, fixture)
    assert set(chosen) >= set(generic_test_names())
    problems = []
    for fixture in sorted(chosen.values()):
        (path,) = fixture_run.compiled_path.rglob(f"{fixture}.sql")
        linted = linter.lint_string(path.read_text(encoding="utf-8"), fname=str(path))
        problems.extend(
            f"{fixture} L{violation.line_no}: {violation.rule_code()} {violation.desc()}"
            for violation in linted.get_violations()
        )
    assert not problems, "\n".join(problems)
