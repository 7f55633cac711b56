"""Choose the recommender's hyperparameters on a validation split, never on the test split.

The test split of `marts.recommendation_metrics` holds out the last
`recommendation_test_days` days. The validation split is the same evaluation one holdout
earlier: the build's `as_of` moved back to the end of the day before the test holdout, so the
validation holdout ends where the test holdout starts and no test-window event is seen. For
each grid point this script rebuilds `int_as_of`, `features.user_product_interactions`,
`features.session_product_events` and
`marts.recommendation_metrics` with those vars (in-process dbtRunner) in a *copy* of the
warehouse (the warehouse itself is only read), and prints one line per grid point: the
best model, its hit rate at k and its lift over the best baseline.

    .venv/bin/python scripts/tune_recommendations.py [--database PATH] \
        [--half-life 3 7 14] [--popularity-exponent 0.5 1.0 1.5] [--split validation|test]

Pick the grid point with the best validation hit rate, set it in dbt_project.yml, and report
the test split of the real build (`--split test` re-measures the grid on the test split, for
the record only: choosing from it would leak). Exit codes: 0 done, 2 bad arguments or an
unusable warehouse, 1 a dbt run failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import duckdb

from ingest.settings import resolve

MODELS = "int_as_of user_product_interactions session_product_events recommendation_metrics"


def holdout_start(database: Path) -> date:
    """The first day of the test holdout of the warehouse's last build."""
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute(
            "select min(holdout_start_date) from features.user_product_interactions"
        ).fetchone()
    if row is None or row[0] is None:
        raise SystemExit("error: features.user_product_interactions is empty; run `make run`")
    return row[0]


def run_point(copy: Path, as_of: str | None, half_life: float, exponent: float) -> list[tuple]:
    from dbt.cli.main import dbtRunner

    variables = {
        "recommendation_half_life_days": half_life,
        "recommendation_popularity_exponent": exponent,
    }
    if as_of is not None:
        variables["as_of"] = as_of
    os.environ["DUCKDB_PATH"] = str(copy)
    result = dbtRunner().invoke(["run", "-q", "-s", *MODELS.split(), "--vars", repr(variables)])
    if not result.success:
        raise RuntimeError(f"dbt run failed at half-life {half_life}, exponent {exponent}")
    with duckdb.connect(str(copy)) as con:
        return con.execute(
            "select method, method_kind, hit_rate, lift_over_best_baseline, evaluated_users,"
            " cutoff_date from marts.recommendation_metrics order by hit_rate desc, method"
        ).fetchall()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=None)
    parser.add_argument("--half-life", type=float, nargs="+", default=[3.0, 7.0, 14.0])
    parser.add_argument("--popularity-exponent", type=float, nargs="+", default=[0.5, 1.0, 1.5])
    parser.add_argument("--split", choices=("validation", "test"), default="validation")
    args = parser.parse_args(argv)
    database = args.database or resolve().database
    if not Path(database).is_file():
        print(f"error: no warehouse at {database}; run `make run` first", file=sys.stderr)
        return 2
    start = holdout_start(Path(database))
    as_of = None
    if args.split == "validation":
        as_of = f"{start - timedelta(days=1)} 23:59:59"
    os.environ.setdefault("DBT_PROFILES_DIR", str(Path(__file__).resolve().parent.parent))
    with tempfile.TemporaryDirectory(prefix="tune-recommendations-") as scratch:
        copy = Path(scratch) / "warehouse.duckdb"
        shutil.copyfile(database, copy)
        print(f"split={args.split} as_of={as_of or 'the build as_of'}")
        for half_life in args.half_life:
            for exponent in args.popularity_exponent:
                try:
                    rows = run_point(copy, as_of, half_life, exponent)
                except RuntimeError as error:
                    print(f"error: {error}", file=sys.stderr)
                    return 1
                best = next(row for row in rows if row[1] == "model")
                baseline = next(row for row in rows if row[1] == "baseline")
                print(
                    f"half_life={half_life:g} exponent={exponent:g} cutoff={best[5]}"
                    f" users={best[4]} best_model={best[0]} hit@k={best[2]:.3f}"
                    f" lift={best[3]:.3f} best_baseline={baseline[0]} hit@k={baseline[2]:.3f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
