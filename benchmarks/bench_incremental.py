"""Benchmark 4: one new day of every source, built incrementally, against the full build.

    python benchmarks/bench_incremental.py --scale 10 [--days 28] [--workdir DIR]

Generates `days + 1` days, lands and builds the first `days` (the full build, timed), then
lands the files of the last day and builds again (the incremental build, timed), then runs
`dbt build --full-refresh` into a copy of the same warehouse and compares every table and view
of the staging, intermediate, features and marts schemas with scripts/compare_warehouses.py
(EXCEPT ALL both ways), leaving out what two builds differ in by design: its
PER_BUILD_COLUMNS (built_at, invocation ids, model_version, snapshot validity times...) and
PER_BUILD_RELATIONS (the histories of the builds and the comparisons with the previous
build), each with its reason in the results, and counting DOUBLE/FLOAT values within
FLOAT_TOLERANCE (relative) as equal: sums whose order differs between builds. For each
relation that still differs, the columns whose values differ are listed. Where the new
day's build spends its time (models, tests, the slowest nodes) comes from its
run_results.json.
Target (issue 13): the new day lands and builds in <= 15 % of the full build's time, with
tables equal to a full refresh. Writes benchmarks/results/incremental_scale<S>.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import PROJECT_DIR, PYTHON, generate, target, timed, write_result  # noqa: E402
from bench_pipeline import slowest_nodes  # noqa: E402

sys.path.insert(0, str(PROJECT_DIR / "scripts"))

import compare_warehouses  # noqa: E402

COMPARED_SCHEMAS = ["staging", "intermediate", "features", "marts"]
# Relative: far above the rounding of a sum taken in another order, far below any real change.
FLOAT_TOLERANCE = 1e-9


def load_and_build(landing: Path, database: Path, target_path: Path) -> tuple[float, float]:
    dbt = str(Path(PYTHON).with_name("dbt"))
    env = {"DUCKDB_PATH": str(database), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    load, _ = timed(
        [PYTHON, "-m", "ingest", "load", str(landing), "--database", str(database)], env=env
    )
    build, _ = timed(
        [dbt, "build", "--quiet", "--target-path", str(target_path), "--vars", "{min_dqs: 0}"],
        env=env,
    )
    return load.wall_seconds + build.wall_seconds, max(load.peak_mb, build.peak_mb)


def time_by_kind(run_results: Path) -> dict[str, object]:
    """Sum of execution_time per resource type, and the slowest nodes, of one dbt build."""
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    seconds: dict[str, float] = {}
    for result in results:
        kind = result["unique_id"].split(".", 1)[0]
        seconds[kind] = seconds.get(kind, 0.0) + result["execution_time"]
    return {
        "seconds_by_kind": {kind: round(value, 1) for kind, value in sorted(seconds.items())},
        "nodes_by_kind": {
            kind: sum(r["unique_id"].startswith(kind + ".") for r in results) for kind in seconds
        },
        "slowest": slowest_nodes(run_results, 15),
    }


def differing_columns(left: Path, right: Path, relation: str, columns: list[str]) -> list[str]:
    """The columns of `relation` whose multiset of values differs between the two files."""
    import duckdb

    quote = compare_warehouses.quote_identifier
    con = duckdb.connect()
    try:
        for alias, path in (("a", left), ("b", right)):
            literal = compare_warehouses.quote_literal(str(path))
            con.execute(f"attach {literal} as {alias} (read_only)")
        schema, table = relation.split(".", 1)
        a_rel, b_rel = (f"{alias}.{quote(schema)}.{quote(table)}" for alias in ("a", "b"))
        return [
            column
            for column in columns
            if con.execute(
                f"select count(*) from (select {quote(column)} from {a_rel}"
                f" except all select {quote(column)} from {b_rel})"
            ).fetchone()[0]
        ]
    finally:
        con.close()


def compare(left: Path, right: Path) -> dict[str, object]:
    results = compare_warehouses.compare(
        left,
        right,
        COMPARED_SCHEMAS,
        ignore_columns=compare_warehouses.PER_BUILD_COLUMNS,
        ignore_relations=compare_warehouses.PER_BUILD_RELATIONS,
        float_tolerance=FLOAT_TOLERANCE,
    )
    import duckdb

    with duckdb.connect(str(left), read_only=True) as con:
        columns_of = {
            f"{schema}.{table}": column
            for schema, table, column in con.execute(
                "select table_schema, table_name, list(column_name order by ordinal_position)"
                " from information_schema.columns group by all"
            ).fetchall()
        }
    differ = []
    for result in results:
        if result.identical:
            continue
        entry: dict[str, object] = {"relation": result.a_name or result.b_name}
        entry["result"] = result.line()
        if result.a_name and result.b_name and not result.problem:
            kept = [
                column
                for column in columns_of[result.a_name]
                if column not in compare_warehouses.PER_BUILD_COLUMNS
            ]
            entry["columns_differing"] = differing_columns(left, right, result.a_name, kept)
        differ.append(entry)
    return {
        "relations": len(results),
        "float_tolerance": FLOAT_TOLERANCE,
        "within_float_tolerance": [
            result.line() for result in results if result.identical and result.tolerated_rows
        ],
        "differ": differ,
        "left_out_relations": compare_warehouses.PER_BUILD_RELATION_REASONS,
        "left_out_columns": compare_warehouses.PER_BUILD_COLUMN_REASONS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    everything = root / "landing-all"
    generate(everything, args.scale, days=args.days + 1)
    last_day = (date(2026, 10, 1) + timedelta(days=args.days)).isoformat()
    landing = root / "landing"
    shutil.rmtree(landing, ignore_errors=True)
    held_back = []
    for path in sorted(everything.rglob("*")):
        if path.is_file() and not path.name.startswith((".", "_")):
            destination = landing / path.relative_to(everything)
            if last_day in str(path.relative_to(everything)):
                held_back.append((path, destination))
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
    database = root / "warehouse.duckdb"
    for leftover in (database, root / "warehouse.duckdb.wal"):
        leftover.unlink(missing_ok=True)
    full_seconds, full_peak = load_and_build(landing, database, root / "target")
    print(f"full build of {args.days} days: {full_seconds:.1f} s")
    for source, destination in held_back:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    incremental_seconds, incremental_peak = load_and_build(landing, database, root / "target")
    incremental_profile = time_by_kind(root / "target" / "run_results.json")
    print(f"one new day ({len(held_back)} files): {incremental_seconds:.1f} s")
    refreshed = root / "refreshed.duckdb"
    shutil.copy2(database, refreshed)
    dbt = str(Path(PYTHON).with_name("dbt"))
    timed(
        [
            dbt,
            "build",
            "--quiet",
            "--full-refresh",
            "--target-path",
            str(root / "target"),
            "--vars",
            "{min_dqs: 0}",
        ],
        env={"DUCKDB_PATH": str(refreshed), "DBT_PROFILES_DIR": str(PROJECT_DIR)},
    )
    comparison = compare(database, refreshed)
    ratio = incremental_seconds / full_seconds
    print(f"ratio {ratio:.3f}; new day's build: {incremental_profile['seconds_by_kind']}")
    for entry in comparison["differ"]:
        print(f"  {entry['result']}; columns: {entry.get('columns_differing')}")
    write_result(
        f"incremental_scale{args.scale:g}",
        {
            "scale": args.scale,
            "days": args.days,
            "new_day_files": len(held_back),
            "full": {"wall_seconds": round(full_seconds, 2), "peak_mb": round(full_peak, 1)},
            "incremental": {
                "wall_seconds": round(incremental_seconds, 2),
                "peak_mb": round(incremental_peak, 1),
                "dbt": incremental_profile,
            },
            "ratio": round(ratio, 3),
            "comparison": comparison,
            "targets": [
                target("new day / full build", ratio, 0.15),
                target(
                    "tables differing from a full refresh",
                    len(comparison["differ"]),
                    0,
                    unit="tables",
                ),
            ],
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
