"""Compare every table and view of two DuckDB warehouses, row for row.

For each relation found in both files (tables and views, matched by schema and name, or
through --map), compares the columns by name and type, the row counts, and the rows with
EXCEPT ALL both ways (duplicates count). Prints one line per relation and a summary.

    .venv/bin/python scripts/compare_warehouses.py A.duckdb B.duckdb \
        [--schemas intermediate features marts] [--map intermediate.int_events_as_of=int_as_of]

--ignore-columns NAME... leaves columns of those names out of every relation (run metadata
such as invocation_id or built_at that differs between any two builds). --ignore-per-build
leaves out what any two builds of the same data differ in by design: the columns of
PER_BUILD_COLUMNS and the relations of PER_BUILD_RELATIONS (histories of the builds and
comparisons with the previous build); the one list, also used by
benchmarks/bench_incremental.py. --map OLD=NEW pairs A's OLD with B's NEW:
`schema.table=schema.table`, or a bare name on either side for "same schema". A relation
present on one side only is a difference unless --only-common is given.
--float-tolerance REL counts DOUBLE/FLOAT values within REL of each other (relative to the
larger magnitude) as equal, for sums whose order differs between builds; other types stay
exact, and so do floats by default. Both files are opened read-only; nothing is written.

Exit codes: 0 = identical; 1 = some relation differs (or is missing); 2 = bad arguments or an
unreadable file.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

SYSTEM_SCHEMAS = ("information_schema", "pg_catalog")

# What any two builds of the same data differ in by design, each with its reason.
PER_BUILD_COLUMN_REASONS = {
    "built_at": "the time the build wrote the row",
    "trained_at": "the time the build trained the model",
    "model_version": "a hash of the trained model, which carries its training time",
    "invocation_id": "the id of the dbt invocation",
    "run_started_at": "the start time of the dbt invocation",
    "checked_at": "the time the build ran the check",
    "recorded_at": "the time the build recorded the row",
    "build_started_at": "the start time of the build",
    "build_finished_at": "the end time of the build",
    "last_updated": "user_predictions_latest: the built_at of the build that logged it",
    "dbt_valid_from": "snapshot validity: the time of the dbt run that saw the version",
    "dbt_valid_to": "snapshot validity: the time of the dbt run that closed the version",
    "dbt_updated_at": "snapshot: the time of the dbt run (strategy check)",
    "dbt_scd_id": "snapshot: a hash of the key and that run time",
}
PER_BUILD_COLUMNS = frozenset(PER_BUILD_COLUMN_REASONS)
# Whole relations that hold the history of the builds (one generation per build, kept through
# --full-refresh) or compare this build with the previous one.
PER_BUILD_RELATION_REASONS = {
    "audit.run_results_history": "one row per node per invocation, appended by every build",
    "audit.dqs_history": "the quality scores of every invocation, appended by every build",
    "staging.stg_audit__dqs_history": "a view of audit.dqs_history",
    "staging.stg_audit__run_results_history": "a view of audit.run_results_history",
    "staging.stg_stream_batches": "one row per streamed batch, times of the stream run",
    "marts.data_quality_checks": "the checks of the builds, with their times",
    "marts.pipeline_metrics": "run times and rows per hour of the builds",
    "marts.stream_metrics": "times of the stream runs",
    "marts.prediction_log": "one generation of predictions per build",
    "marts.model_distribution_log": "one generation of score distributions per build",
    "marts.model_drift": "this build's scores against the previous build's",
    "marts.propensity_realised_performance": "the logged generations against the outcomes",
}
PER_BUILD_RELATIONS = frozenset(PER_BUILD_RELATION_REASONS)
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


class CompareError(Exception):
    """The warehouses could not be opened or the arguments are unusable."""


@dataclass(frozen=True)
class RelationResult:
    """The comparison of one relation: A's name, B's name and what differs (empty: equal)."""

    a_name: str | None
    b_name: str | None
    rows_a: int | None = None
    rows_b: int | None = None
    only_in_a_rows: int | None = None
    only_in_b_rows: int | None = None
    problem: str = ""
    tolerated_rows: int = 0  # pairs of rows equal but for floats within the tolerance

    @property
    def identical(self) -> bool:
        return not self.problem and self.only_in_a_rows == 0 and self.only_in_b_rows == 0

    def line(self) -> str:
        if self.a_name is None:
            return f"ONLY-B  {self.b_name}"
        if self.b_name is None:
            return f"ONLY-A  {self.a_name}"
        name = self.a_name if self.a_name == self.b_name else f"{self.a_name} -> {self.b_name}"
        if self.problem:
            return f"DIFF    {name}: {self.problem}"
        rows = f"rows {self.rows_a} / {self.rows_b}"
        if self.tolerated_rows:
            rows += f" ({self.tolerated_rows} rows equal within the float tolerance)"
        if self.identical:
            return f"OK      {name}: {rows}"
        return (
            f"DIFF    {name}: {rows}, {self.only_in_a_rows} rows only in A, "
            f"{self.only_in_b_rows} rows only in B"
        )


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`schema.old=new` pairs -> {"schema.old": "schema.new"} (bare names keep the schema)."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise CompareError(f"--map {pair!r}: expected OLD=NEW")
        old, new = old.strip(), new.strip()
        if "." not in old and "." not in new:
            raise CompareError(f"--map {pair!r}: name the schema on one side (schema.table)")
        if "." not in old:
            old = f"{new.split('.', 1)[0]}.{old}"
        if "." not in new:
            new = f"{old.split('.', 1)[0]}.{new}"
        mapping[old] = new
    return mapping


def _relations(
    con,
    catalog: str,
    schemas: list[str] | None,
    ignore_columns: frozenset[str] = frozenset(),
    ignore_relations: frozenset[str] = frozenset(),
) -> dict[str, list[tuple[str, str]]]:
    """{"schema.table": [(column, type), ...]} of a catalog's tables and views."""
    rows = con.execute(
        """
        select table_schema, table_name, column_name, data_type
        from information_schema.columns
        where table_catalog = ?
        order by table_schema, table_name, ordinal_position
        """,
        [catalog],
    ).fetchall()
    relations: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, data_type in rows:
        if schema in SYSTEM_SCHEMAS or (schemas and schema not in schemas):
            continue
        if f"{schema}.{table}" in ignore_relations:
            continue
        columns = relations.setdefault(f"{schema}.{table}", [])
        if column not in ignore_columns:
            columns.append((column, data_type))
    return relations


def _qualified(catalog: str, name: str) -> str:
    schema, table = name.split(".", 1)
    return ".".join(quote_identifier(part) for part in (catalog, schema, table))


def _tolerated_pairs_sql(
    columns: list[tuple[str, str]], only_a: str, only_b: str, tolerance: float
) -> str:
    """The number of rows of `only_a` that pair with one of `only_b`: same values in every
    other column, and in each float column equal (NULL, NaN included) or within `tolerance`
    relative to the larger magnitude. Rows pair in the order of their float values."""
    floats = [quote_identifier(col) for col, data_type in columns if data_type in FLOAT_TYPES]
    others = [quote_identifier(col) for col, data_type in columns if data_type not in FLOAT_TYPES]
    partition = f"partition by {', '.join(others)} " if others else ""
    numbered = "select *, row_number() over ({}order by {}) as pair_number from {}"
    order = ", ".join(floats)
    conditions = [f"a.{col} is not distinct from b.{col}" for col in others]
    conditions.append("a.pair_number = b.pair_number")
    within = [
        f"(a.{col} is not distinct from b.{col} or abs(a.{col} - b.{col})"
        f" <= {float(tolerance)!r} * greatest(abs(a.{col}), abs(b.{col})))"
        for col in floats
    ]
    return f"""
        select count(*) from ({numbered.format(partition, order, only_a)}) as a
        inner join ({numbered.format(partition, order, only_b)}) as b
            on {" and ".join(conditions)}
        where {" and ".join(within)}
    """


def _compare_relation(
    con,
    a_name: str,
    a_columns: list[tuple[str, str]],
    b_name: str,
    b_columns,
    float_tolerance: float | None = None,
) -> RelationResult:
    a_types, b_types = dict(a_columns), dict(b_columns)
    if set(a_types) != set(b_types):
        only_a = sorted(set(a_types) - set(b_types))
        only_b = sorted(set(b_types) - set(a_types))
        return RelationResult(
            a_name, b_name, problem=f"columns only in A {only_a}, only in B {only_b}"
        )
    retyped = [
        f"{col} {a_types[col]}/{b_types[col]}" for col in a_types if a_types[col] != b_types[col]
    ]
    if retyped:
        return RelationResult(a_name, b_name, problem="types differ: " + ", ".join(retyped))
    a_rel, b_rel = _qualified("warehouse_a", a_name), _qualified("warehouse_b", b_name)
    if not a_columns:  # every column ignored: only the row counts are left to compare
        rows_a, rows_b = con.execute(
            f"select (select count(*) from {a_rel}), (select count(*) from {b_rel})"
        ).fetchone()
        return RelationResult(
            a_name, b_name, rows_a, rows_b, max(rows_a - rows_b, 0), max(rows_b - rows_a, 0)
        )
    # Same column order on both sides (by name), whatever order each file stores them in.
    columns = ", ".join(quote_identifier(column) for column, _ in a_columns)
    has_floats = any(data_type in FLOAT_TYPES for _, data_type in a_columns)
    if not (float_tolerance and has_floats):
        rows_a, rows_b, only_a, only_b = con.execute(
            f"""
            select
                (select count(*) from {a_rel}),
                (select count(*) from {b_rel}),
                (select count(*) from (
                    select {columns} from {a_rel} except all select {columns} from {b_rel})),
                (select count(*) from (
                    select {columns} from {b_rel} except all select {columns} from {a_rel}))
            """
        ).fetchone()
        return RelationResult(a_name, b_name, rows_a, rows_b, only_a, only_b)
    # Exact first; only the rows left over on either side are paired within the tolerance.
    pairs = _tolerated_pairs_sql(a_columns, "only_a", "only_b", float_tolerance)
    rows_a, rows_b, only_a, only_b, tolerated = con.execute(
        f"""
        with
        only_a as materialized (
            select {columns} from {a_rel} except all select {columns} from {b_rel}
        ),
        only_b as materialized (
            select {columns} from {b_rel} except all select {columns} from {a_rel}
        )
        select
            (select count(*) from {a_rel}),
            (select count(*) from {b_rel}),
            (select count(*) from only_a),
            (select count(*) from only_b),
            ({pairs})
        """
    ).fetchone()
    return RelationResult(
        a_name, b_name, rows_a, rows_b, only_a - tolerated, only_b - tolerated, "", tolerated
    )


def compare(
    path_a: Path,
    path_b: Path,
    schemas: list[str] | None = None,
    mapping: dict[str, str] | None = None,
    only_common: bool = False,
    ignore_columns: frozenset[str] = frozenset(),
    ignore_relations: frozenset[str] = frozenset(),
    float_tolerance: float | None = None,
) -> list[RelationResult]:
    """Compare two DuckDB files; one result per relation (A's order, then B's extras).
    float_tolerance: DOUBLE/FLOAT values within this relative difference count as equal
    (None: exact)."""
    import duckdb

    mapping = mapping or {}
    for path in (path_a, path_b):
        if not path.is_file():
            raise CompareError(f"{path}: no such file")
    if path_a.resolve() == path_b.resolve():
        raise CompareError(f"{path_a}: both arguments name the same file")
    con = duckdb.connect()
    try:
        limit = os.environ.get("DUCKDB_MEMORY_LIMIT")
        if limit:
            con.execute(f"set memory_limit = {quote_literal(limit)}")
        for alias, path in (("warehouse_a", path_a), ("warehouse_b", path_b)):
            try:
                con.execute(f"attach {quote_literal(str(path))} as {alias} (read_only)")
            except duckdb.Error as exc:
                first_line = str(exc).splitlines()[0]
                raise CompareError(f"{path}: cannot open as DuckDB: {first_line}") from exc
        relations_a = _relations(con, "warehouse_a", schemas, ignore_columns, ignore_relations)
        relations_b = _relations(con, "warehouse_b", schemas, ignore_columns, ignore_relations)
        unknown = sorted(set(mapping) - set(relations_a))
        if unknown:
            raise CompareError(f"--map names relations missing from {path_a}: {unknown}")
        results: list[RelationResult] = []
        matched_b: set[str] = set()
        for a_name, a_columns in relations_a.items():
            b_name = mapping.get(a_name, a_name)
            if b_name not in relations_b:
                if not only_common:
                    results.append(RelationResult(a_name, None))
                continue
            matched_b.add(b_name)
            results.append(
                _compare_relation(
                    con, a_name, a_columns, b_name, relations_b[b_name], float_tolerance
                )
            )
        if not only_common:
            results.extend(
                RelationResult(None, b_name) for b_name in relations_b if b_name not in matched_b
            )
        return results
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="first warehouse (DuckDB file)")
    parser.add_argument("b", type=Path, help="second warehouse (DuckDB file)")
    parser.add_argument("--schemas", nargs="+", help="compare only these schemas")
    parser.add_argument(
        "--map", action="append", default=[], metavar="OLD=NEW", help="A's OLD is B's NEW"
    )
    parser.add_argument(
        "--only-common", action="store_true", help="ignore relations present on one side only"
    )
    parser.add_argument(
        "--ignore-columns", nargs="+", default=[], metavar="NAME", help="columns left out"
    )
    parser.add_argument(
        "--ignore-per-build",
        action="store_true",
        help="leave out PER_BUILD_COLUMNS and PER_BUILD_RELATIONS (what builds differ in)",
    )
    parser.add_argument(
        "--float-tolerance",
        type=float,
        default=None,
        metavar="REL",
        help="DOUBLE/FLOAT values within this relative difference are equal (default: exact)",
    )
    args = parser.parse_args(argv)
    if args.float_tolerance is not None and not 0 <= args.float_tolerance < 1:
        print("compare_warehouses: --float-tolerance must be in [0, 1)", file=sys.stderr)
        return 2
    ignore_columns = frozenset(args.ignore_columns)
    ignore_relations: frozenset[str] = frozenset()
    if args.ignore_per_build:
        ignore_columns |= PER_BUILD_COLUMNS
        ignore_relations = PER_BUILD_RELATIONS
    try:
        results = compare(
            args.a,
            args.b,
            args.schemas,
            parse_mapping(args.map),
            args.only_common,
            ignore_columns,
            ignore_relations,
            args.float_tolerance,
        )
    except CompareError as exc:
        print(f"compare_warehouses: {exc}", file=sys.stderr)
        return 2
    for result in results:
        print(result.line())
    differing = [result for result in results if not result.identical]
    print(
        f"{len(results)} relations: {len(results) - len(differing)} identical, "
        f"{len(differing)} different or missing"
    )
    if not results:
        print("compare_warehouses: no relations to compare", file=sys.stderr)
        return 2
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
