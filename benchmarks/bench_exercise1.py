"""Benchmark 1: the design's Exercise 1, the same sales CSVs to the same three tables, 4 ways.

    python benchmarks/bench_exercise1.py --scale 10 [--repeat 1] [--workdir DIR]

Contenders, each in its own process under `/usr/bin/time -v`, alternating repeat by repeat:
  (a) pandas_sqlite: the design's pandas + SQLite ETL as written there, over every file;
  (b) polars:        the same work in Polars, written to DuckDB through Arrow;
  (c) duckdb_bare:   the same work in bare DuckDB SQL (the floor);
  (d) project:       `ingest load <landing>/sales` + `dbt build` of the sales path
                     (staging with validation and rejected rows, the intermediate models,
                     sales_data, daily_summary, customer_summary and all their tests).
Targets (issue 13, at scale 100): project wall <= 0.25 x pandas, peak <= 0.35 x pandas,
project faster than Polars, project <= 1.5 x the DuckDB floor.
Writes benchmarks/results/exercise1_scale<S>.json.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    PROJECT_DIR,
    PYTHON,
    Contender,
    Measurement,
    fresh,
    generate,
    ingest_command,
    target,
    timed,
    write_result,
)

HERE = Path(__file__).resolve().parent
# The sales path: everything the design's three tables are built from, with the tests whose
# parents are all selected (`cautious`: a relationship to the product catalog is left out,
# since only sales are loaded), and the rejected rows with their reconciliation test.
# `sales_features` is the model whose relation is the design's `sales_data` (its alias).
SALES_PATH_SELECTOR = "+sales_features +daily_summary +customer_summary stg_sales__rejected"
# The scripts of the contenders that are not this project (polars.py would shadow polars).
SCRIPTS = {
    "pandas_sqlite": "pandas_sqlite.py",
    "polars": "polars_etl.py",
    "duckdb_bare": "duckdb_bare.py",
}


def project_command(landing: Path, database: Path, target_path: Path) -> list[str]:
    dbt = Path(PYTHON).with_name("dbt")
    script = " && ".join(
        [
            shlex.join(ingest_command("load", str(landing / "sales"), "--database", str(database))),
            shlex.join(
                [
                    str(dbt),
                    "build",
                    "--quiet",
                    "--select",
                    SALES_PATH_SELECTOR,
                    "--indirect-selection",
                    "cautious",
                    "--target-path",
                    str(target_path),
                    "--vars",
                    "{min_dqs: 0}",
                ]
            ),
        ]
    )
    return ["bash", "-c", script]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--skip", action="append", default=[], help="contender to leave out (repeatable)"
    )
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-ex1-"))
    landing = workdir / f"landing-scale-{args.scale:g}"
    generate(landing, args.scale)
    files = sorted(str(path) for path in (landing / "sales").glob("*.csv"))
    if not files:
        raise SystemExit(f"no sales CSV files under {landing / 'sales'}")

    contenders = [
        Contender("pandas_sqlite", "(a) design's pandas + SQLite"),
        Contender("polars", "(b) Polars"),
        Contender("duckdb_bare", "(c) bare DuckDB SQL"),
        Contender("project", "(d) ingest load + dbt build"),
    ]
    contenders = [c for c in contenders if c.name not in args.skip]
    for repeat in range(args.repeat):
        for contender in contenders:
            suffix = ".sqlite" if contender.name == "pandas_sqlite" else ".duckdb"
            database = fresh(workdir / f"{contender.name}{suffix}")
            env = {"DUCKDB_PATH": str(database), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
            if contender.name == "project":
                command = project_command(landing, database, workdir / "target")
            else:
                command = [
                    PYTHON,
                    str(HERE / "exercise1" / SCRIPTS[contender.name]),
                    str(database),
                    *files,
                ]
            measurement, stdout = timed(command, env=env)
            contender.runs.append(measurement)
            if contender.rows is None:
                contender.rows = rows_of(contender.name, database, stdout)
            print(
                f"repeat {repeat + 1}: {contender.name:<14} {measurement.wall_seconds:8.2f} s wall"
                f" {measurement.cpu_seconds:8.2f} s cpu {measurement.peak_mb:8.0f} MB peak"
            )

    medians = {c.name: Measurement.median(c.runs) for c in contenders}
    ratios: dict[str, float] = {}
    targets = []
    if "project" in medians:
        project = medians["project"]
        for other in ("pandas_sqlite", "polars", "duckdb_bare"):
            if other in medians:
                ratios[f"project_over_{other}_wall"] = round(
                    project.wall_seconds / medians[other].wall_seconds, 3
                )
                ratios[f"project_over_{other}_peak"] = round(
                    project.peak_mb / medians[other].peak_mb, 3
                )
        if "pandas_sqlite" in medians:
            targets.append(
                target(
                    "project wall / pandas wall", ratios["project_over_pandas_sqlite_wall"], 0.25
                )
            )
            targets.append(
                target(
                    "project peak / pandas peak", ratios["project_over_pandas_sqlite_peak"], 0.35
                )
            )
        if "polars" in medians:
            targets.append(
                target("project wall / Polars wall", ratios["project_over_polars_wall"], 1.0)
            )
        if "duckdb_bare" in medians:
            targets.append(
                target(
                    "project wall / bare DuckDB wall", ratios["project_over_duckdb_bare_wall"], 1.5
                )
            )
    for key, value in ratios.items():
        print(f"{key}: {value}")
    write_result(
        f"exercise1_scale{args.scale:g}",
        {
            "scale": args.scale,
            "repeat": args.repeat,
            "files": len(files),
            "contenders": {c.name: c.summary() for c in contenders},
            "ratios": ratios,
            "targets": targets if args.scale >= 100 else [],
        },
    )
    return 0


def rows_of(name: str, database: Path, stdout: str) -> int | None:
    """Rows in the contender's sales_data table (the last line its script prints)."""
    if name != "project":
        lines = stdout.strip().splitlines()
        return int(lines[-1]) if lines and lines[-1].isdigit() else None
    import duckdb

    with duckdb.connect(str(database)) as con:
        found = con.execute(
            "select table_schema from information_schema.tables where table_name = 'sales_data'"
        ).fetchone()
        if found is None:
            return None
        relation = f'"{found[0]}"."sales_data"'  # schema read from the catalog, quoted
        return int(con.execute(f"select count(*) from {relation}").fetchone()[0])


if __name__ == "__main__":
    sys.exit(main())
