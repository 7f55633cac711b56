"""Choose the recommender's hyperparameters on a validation split, never on the test split.

The test split of `marts.recommendation_metrics` holds out the last
`recommendation_test_days` days. The validation split is the same evaluation one holdout
earlier: the build's `as_of` moved back to the end of the day before the test holdout, so the
validation holdout ends where the test holdout starts and no test-window event is seen. For
a *copy* of the warehouse (the warehouse itself is only read) this script rebuilds
`int_as_of`, `features.user_product_interactions` and `features.session_product_events`
once for the split, then `marts.recommendation_metrics` for each grid point with its vars
(in-process dbtRunner), and prints one line per grid point: the best model, its hit rate at
k and its lift over the best baseline, and the session mixture's hit rate.

    .venv/bin/python scripts/tune_recommendations.py [--database PATH] \
        [--half-life 3 7 14] [--popularity-exponent 0.5 1.0 1.5] [--split validation|test] \
        [--follow-up 0.1] [--resume 0.3] [--alike-share 0.2]

The grid is every combination of the lists (item-item: half-life, popularity exponent;
session mixture: follow-up and resume weights, alike share; defaults: dbt_project.yml's).

Pick the grid point with the best validation hit rate, set it in dbt_project.yml, and report
the test split of the real build (`--split test` re-measures the grid on the test split, for
the record only: choosing from it would leak). Exit codes: 0 done, 2 bad arguments or an
unusable warehouse, 1 a dbt run failed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import duckdb

from ingest.settings import resolve

UPSTREAM = ("int_as_of", "user_product_interactions", "session_product_events")
ITEM_ITEM_VARS = ("recommendation_half_life_days", "recommendation_popularity_exponent")
MIXTURE_VARS = (
    "recommendation_session_follow_up_weight",
    "recommendation_session_resume_weight",
    "recommendation_session_alike_share",
)


def holdout_start(database: Path) -> date:
    """The first day of the test holdout of the warehouse's last build."""
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute(
            "select min(holdout_start_date) from features.user_product_interactions"
        ).fetchone()
    if row is None or row[0] is None:
        raise SystemExit("error: features.user_product_interactions is empty; run `make run`")
    return row[0]


def run_dbt(copy: Path, models: tuple[str, ...], variables: dict[str, object]) -> None:
    from dbt.cli.main import dbtRunner

    os.environ["DUCKDB_PATH"] = str(copy)
    result = dbtRunner().invoke(["run", "-q", "-s", *models, "--vars", repr(variables)])
    if not result.success:
        raise RuntimeError(f"dbt run of {' '.join(models)} failed with vars {variables}")


def run_point(copy: Path, split_vars: dict[str, object], point: dict[str, float]) -> list[tuple]:
    run_dbt(copy, ("recommendation_metrics",), {**split_vars, **point})
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
    parser.add_argument("--follow-up", type=float, nargs="+", default=[0.1])
    parser.add_argument("--resume", type=float, nargs="+", default=[0.3])
    parser.add_argument("--alike-share", type=float, nargs="+", default=[0.2])
    args = parser.parse_args(argv)
    database = args.database or resolve().database
    if not Path(database).is_file():
        print(f"error: no warehouse at {database}; run `make run` first", file=sys.stderr)
        return 2
    start = holdout_start(Path(database))
    split_vars: dict[str, object] = {}
    if args.split == "validation":
        split_vars["as_of"] = f"{start - timedelta(days=1)} 23:59:59"
    grid = [
        dict(zip(ITEM_ITEM_VARS, pair, strict=True)) | dict(zip(MIXTURE_VARS, weights, strict=True))
        for pair in itertools.product(args.half_life, args.popularity_exponent)
        for weights in itertools.product(args.follow_up, args.resume, args.alike_share)
    ]
    os.environ.setdefault("DBT_PROFILES_DIR", str(Path(__file__).resolve().parent.parent))
    with tempfile.TemporaryDirectory(prefix="tune-recommendations-") as scratch:
        copy = Path(scratch) / "warehouse.duckdb"
        shutil.copyfile(database, copy)
        print(f"split={args.split} as_of={split_vars.get('as_of', 'the build as_of')}")
        try:
            run_dbt(copy, UPSTREAM, split_vars)
            for point in grid:
                rows = run_point(copy, split_vars, point)
                best = next(row for row in rows if row[1] == "model")
                baseline = next(row for row in rows if row[1] == "baseline")
                mixture = next((row for row in rows if row[0] == "session_mixture"), None)
                print(
                    " ".join(
                        f"{name.removeprefix('recommendation_')}={value:g}"
                        for name, value in point.items()
                    )
                    + f" cutoff={best[5]} users={best[4]} best_model={best[0]}"
                    f" hit@k={best[2]:.3f} lift={best[3]:.3f} best_baseline={baseline[0]}"
                    f" hit@k={baseline[2]:.3f}"
                    + (f" session_mixture_hit@k={mixture[2]:.3f}" if mixture else ""),
                    flush=True,
                )
        except RuntimeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
