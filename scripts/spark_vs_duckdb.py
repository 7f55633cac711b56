"""Build the project on DuckDB and on a local Spark, then compare every Spark-built table.

`make test-spark` runs it after loading the suite's small faulty data into a DuckDB file and
exporting its raw tables to the Parquet lake (`python -m ingest export-lake`). One process
does all the Spark work, so Spark's start-up (JVM, catalog) is paid once:

1. `dbt build --selector spark` on DuckDB (target dev, the warehouse of DUCKDB_PATH), in a
   dbt process of its own that runs meanwhile (its log: <duckdb-target-path>/build.log);
2. on Spark, parsed once (every invocation reuses the manifest): with --incremental-from,
   `dbt build --selector spark_incremental` (the incremental models and what they read) over
   that older lake; then the lake is switched to the current one and `dbt build --selector
   spark --target spark --target-path <dir>` builds every model and seed, the incremental
   ones by their incremental path (so the comparison proves that DuckDB's full build and
   Spark's incremental one give the same tables);
3. `dbt test --selector spark_tests --target spark` (--tests-selector): the unit tests, the
   singular tests and every custom generic test type at least once, on Spark (all ~700
   tests of the `spark` selector would take longer than CI's budget; `make test-dbt` runs
   all of them on DuckDB);
4. for every model and seed the Spark build wrote: the same rows with the same values as the
   DuckDB build (multisets; decimals, integers, text, dates, timestamps exact; floats to a
   relative 1e-9; the run's own `invocation_id` columns left out). One line per table, then
   `spark vs duckdb: N tables equal, M differ`.

Exit code: 0 when the builds and the Spark tests pass and every table is equal, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FLOAT_TOLERANCE = 1e-9
FLOAT_TYPES = ("FLOAT", "DOUBLE", "REAL")
# Columns that name the dbt invocation that wrote the row: each build has its own, so they
# are left out of the comparison (and said so in the table's line).
RUN_COLUMNS = frozenset({"invocation_id"})


@dataclass(frozen=True)
class Built:
    name: str
    schema: str
    identifier: str


@dataclass(frozen=True)
class Comparison:
    name: str
    equal: bool
    detail: str


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def run_dbt(args: Sequence[str], manifest=None):
    """One in-process dbt invocation (with `manifest`, no parse); its result."""
    from dbt.cli.main import dbtRunner

    print(f"$ dbt {' '.join(args)}", flush=True)
    started = time.monotonic()
    result = dbtRunner(manifest=manifest).invoke(list(args))
    if result.exception is not None:
        print(f"error: dbt {args[0]} failed: {result.exception}", file=sys.stderr)
    print(f"({time.monotonic() - started:.1f} s)", flush=True)
    return result


def built_relations(result) -> list[Built]:
    """Models and seeds the invocation wrote successfully, by name."""
    built = []
    for node_result in result.result.results:
        node = node_result.node
        if node.resource_type not in ("model", "seed") or str(node_result.status) != "success":
            continue
        built.append(Built(name=node.name, schema=node.schema, identifier=node.alias))
    return sorted(built, key=lambda item: item.name)


def compare_tables(con, name: str, duck_table, spark_table) -> Comparison:
    """Compare two Arrow tables as multisets in DuckDB (`con`, an in-memory connection)."""
    con.register("duck_side", duck_table)
    con.register("spark_side", spark_table)
    try:
        duck_types = {
            row[0].lower(): row[1] for row in con.execute("describe duck_side").fetchall()
        }
        spark_types = {
            row[0].lower(): row[1] for row in con.execute("describe spark_side").fetchall()
        }
        if set(duck_types) != set(spark_types):
            only_duck = sorted(set(duck_types) - set(spark_types))
            only_spark = sorted(set(spark_types) - set(duck_types))
            return Comparison(
                name, False, f"columns differ: only duckdb {only_duck}, only spark {only_spark}"
            )
        skipped = sorted(RUN_COLUMNS & set(duck_types))
        columns = [c for c in duck_types if c not in RUN_COLUMNS]
        floats = [c for c in columns if duck_types[c].upper().startswith(FLOAT_TYPES)]
        exact = [c for c in columns if c not in floats]

        def projection(types: dict[str, str]) -> str:
            items = []
            for column in exact:
                expr = _quote(column)
                if types[column].upper() in ("JSON", "TIMESTAMP WITH TIME ZONE"):
                    target = "varchar" if types[column].upper() == "JSON" else "timestamp"
                    expr = f"cast({expr} as {target})"
                items.append(f"{expr} as {_quote(column)}")
            items += [f"cast({_quote(c)} as double) as {_quote(c)}" for c in floats]
            return ", ".join(items)

        ordering = ", ".join(_quote(c) for c in exact + floats)
        for side, types in (("duck_side", duck_types), ("spark_side", spark_types)):
            con.execute(
                f"create or replace temp table {side}_rows as "
                f"select row_number() over (order by {ordering}) as _rn, * "
                f"from (select {projection(types)} from {side})"
            )
        (duck_rows,) = con.execute("select count(*) from duck_side_rows").fetchone()
        (spark_rows,) = con.execute("select count(*) from spark_side_rows").fetchone()
        if duck_rows != spark_rows:
            return Comparison(name, False, f"{duck_rows} rows on duckdb, {spark_rows} on spark")
        conditions = [f"duck.{_quote(c)} is distinct from spark.{_quote(c)}" for c in exact] + [
            f"not (duck.{_quote(c)} is not distinct from spark.{_quote(c)} or "
            f"abs(duck.{_quote(c)} - spark.{_quote(c)}) <= {FLOAT_TOLERANCE} * "
            f"greatest(1, abs(duck.{_quote(c)}), abs(spark.{_quote(c)})))"
            for c in floats
        ]
        mismatch = " or ".join(conditions) if conditions else "false"
        (differing,) = con.execute(
            "select count(*) from duck_side_rows as duck "
            "inner join spark_side_rows as spark on duck._rn = spark._rn "
            f"where {mismatch}"
        ).fetchone()
        if differing:
            columns_off = [
                column
                for column, condition in zip(exact + floats, conditions, strict=True)
                if con.execute(
                    "select count(*) from duck_side_rows as duck "
                    "inner join spark_side_rows as spark on duck._rn = spark._rn "
                    f"where {condition}"
                ).fetchone()[0]
            ]
            return Comparison(
                name, False, f"{differing} of {duck_rows} rows differ in columns {columns_off}"
            )
        note = f" (not compared: {', '.join(skipped)})" if skipped else ""
        return Comparison(name, True, f"{duck_rows} rows, {len(columns)} columns{note}")
    finally:
        for side in ("duck_side", "spark_side"):
            con.execute(f"drop table if exists {side}_rows")
            con.unregister(side)


def compare_builds(duckdb_path: Path, built: list[Built]) -> list[Comparison]:
    import duckdb
    from pyspark.sql import SparkSession

    # The session dbt-spark started in this process (getOrCreate returns it).
    spark = SparkSession.builder.getOrCreate()
    warehouse = duckdb.connect(str(duckdb_path))
    scratch = duckdb.connect()
    scratch.execute("set TimeZone = 'UTC'")
    comparisons = []
    try:
        for item in built:
            relation = f"{_quote(item.schema)}.{_quote(item.identifier)}"
            try:
                duck_table = warehouse.sql(f"select * from {relation}").to_arrow_table()
            except duckdb.Error as error:
                first = str(error).strip().splitlines()[0]
                comparisons.append(Comparison(item.name, False, f"duckdb: {first}"))
                continue
            spark_name = f"`{item.schema}`.`{item.identifier}`"
            spark_table = spark.table(spark_name).toArrow()
            comparisons.append(compare_tables(scratch, item.name, duck_table, spark_table))
    finally:
        warehouse.close()
        scratch.close()
    return comparisons


def build_on_spark(args: argparse.Namespace, common: list[str]):
    """The Spark builds and tests; (the final build's result, tests passed) or None."""
    # Spark: parsed once; every invocation below reuses that manifest (same target and vars).
    spark_target = ["--target", "spark", "--target-path", args.spark_target_path]
    parsed = run_dbt(["parse", "--vars", args.vars, *spark_target])
    if not parsed.success:
        print("error: dbt parse failed for the Spark target", file=sys.stderr)
        return None
    manifest = parsed.result
    models_and_seeds = ["--resource-type", "model", "--resource-type", "seed"]
    if args.incremental_from is not None:
        # The incremental models (and what they read) over the older lake first.
        os.environ["RAW_LAKE_PATH"] = str(args.incremental_from.resolve())
        first = run_dbt(
            ["build", "--selector", args.incremental_selector, "--vars", args.vars]
            + spark_target
            + models_and_seeds,
            manifest,
        )
        if not first.success:
            print("error: the first Spark build (older lake) failed", file=sys.stderr)
            return None
    os.environ["RAW_LAKE_PATH"] = str(args.lake.resolve())
    spark = run_dbt(["build", *common, *spark_target, *models_and_seeds], manifest)
    if not spark.success:
        print("error: the Spark build failed", file=sys.stderr)
        return None
    tests_passed = True
    if not args.skip_spark_tests:
        tests = run_dbt(
            ["test", "--selector", args.tests_selector, "--vars", args.vars, *spark_target],
            manifest,
        )
        # The tables are compared all the same; the exit code says the tests failed.
        tests_passed = tests.success
    return spark, tests_passed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", type=Path, required=True, help="DuckDB warehouse (loaded)")
    parser.add_argument("--lake", type=Path, required=True, help="lake of the same raw data")
    parser.add_argument(
        "--incremental-from",
        type=Path,
        help="lake of an earlier load: build Spark on it first, then incrementally on --lake",
    )
    parser.add_argument("--selector", default="spark", help="what both engines build")
    parser.add_argument(
        "--incremental-selector",
        default="spark_incremental",
        help="what the first build over --incremental-from builds",
    )
    parser.add_argument(
        "--tests-selector", default="spark_tests", help="the tests run on Spark after the build"
    )
    parser.add_argument("--duckdb-target-path", default="target_test_spark/target_duckdb")
    parser.add_argument("--spark-target-path", default="target_spark")
    parser.add_argument("--vars", default="{}", help="dbt --vars for both builds")
    parser.add_argument(
        "--skip-spark-tests",
        action="store_true",
        help="build and compare only (a quick check while developing)",
    )
    args = parser.parse_args(argv)

    os.environ["DUCKDB_PATH"] = str(args.duckdb)
    common = ["--selector", args.selector, "--vars", args.vars]
    # The reference, models and seeds only (`make test-dbt` runs DuckDB's tests), in a dbt
    # process of its own that runs while Spark starts and builds; its output goes to a log.
    duck_dir = Path(args.duckdb_target_path)
    duck_dir.mkdir(parents=True, exist_ok=True)
    duck_log = duck_dir / "build.log"
    duck_args = [*common, "--resource-type", "model", "--resource-type", "seed"]
    duck_args += ["--target", "dev", "--target-path", str(duck_dir), "--log-path", str(duck_dir)]
    print(f"$ dbt build {' '.join(duck_args)} > {duck_log} (in the background)", flush=True)
    duck_started = time.monotonic()
    with duck_log.open("wb") as log:
        duck = subprocess.Popen(
            [str(Path(sys.executable).with_name("dbt")), "build", *duck_args],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        spark_status = build_on_spark(args, common)
    finally:
        finished_before = duck.poll() is not None
        duck_code = duck.wait()
    waited = (
        "" if finished_before else f", waited for until {time.monotonic() - duck_started:.1f} s"
    )
    print(f"(DuckDB build: exit {duck_code}{waited})", flush=True)
    if duck_code != 0:
        tail = duck_log.read_text(errors="replace").splitlines()[-15:]
        print("\n".join(tail), file=sys.stderr)
        print(f"error: the DuckDB build failed (exit {duck_code}; see {duck_log})", file=sys.stderr)
        return 1
    if spark_status is None:
        return 1
    spark, tests_passed = spark_status

    try:
        comparisons = compare_builds(args.duckdb, built_relations(spark))
    finally:
        from pyspark.sql import SparkSession

        SparkSession.builder.getOrCreate().stop()
    width = max((len(item.name) for item in comparisons), default=0)
    for item in comparisons:
        status = "equal " if item.equal else "DIFFER"
        print(f"{item.name.ljust(width)}  {status}  {item.detail}")
    equal = sum(item.equal for item in comparisons)
    differ = len(comparisons) - equal
    print(f"spark vs duckdb: {equal} tables equal, {differ} differ")
    if not tests_passed:
        print("error: tests failed on Spark (see the dbt output above)", file=sys.stderr)
    return 0 if comparisons and differ == 0 and tests_passed else 1


if __name__ == "__main__":
    sys.exit(main())
