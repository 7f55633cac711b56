"""The prediction log, drift and realised performance on a copy of the suite warehouse.

A second build (with --full-refresh, which must not wipe the history) adds a second
generation; on the same data every PSI is 0, and a negative threshold turns the drift test
into a warning. A generation logged a week before the end of the data gets its labels, and
its realised AUC and precision match a pandas/scikit-learn recomputation.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import PROJECT_DIR, SUITE_DBT_VARS, Warehouse
from sklearn.metrics import roc_auc_score

pytestmark = pytest.mark.slow

MONITORING = (
    "prediction_log model_distribution_log model_drift propensity_realised_performance"
    " user_predictions_latest"
)


def dbt(
    args: list[str], database: Path, target: str = "target"
) -> subprocess.CompletedProcess[str]:
    """dbt in a subprocess: this process already holds the suite warehouse's DuckDB open,
    and an in-process run on a copy of it did not see the copy's tables. Run as
    conftest.run_dbt does (from the copy's folder, by its bare name), so that the suite
    build's parse state in `target` serves when the vars are the suite's."""
    env = {**os.environ, "DUCKDB_PATH": database.name, "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(database.parent / target),
            "--log-path",
            str(database.parent / "logs"),
        ],
        cwd=database.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def rebuilt(built_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = built_warehouse.copy_to(tmp_path_factory.mktemp("prediction_log")).database
    result = dbt(
        [
            "build",
            "--full-refresh",
            "--select",
            *MONITORING.split(),
            "--vars",
            "{min_dqs: 50, drift_psi_threshold: -1}",
        ],
        database,
        # Other vars than the suite's: dbt parses the project again, into a folder of its own.
        target="target_drift",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    # The drift test warns (every PSI is 0 > -1) without failing the build.
    assert "WARN 1 accepted_values_model_drift_is_drifted" in result.stdout, result.stdout[-3000:]
    return database


def test_a_second_build_appends_a_second_generation(
    built_warehouse: Warehouse, rebuilt: Path
) -> None:
    with duckdb.connect(str(built_warehouse.database)) as con:
        first = con.sql("select * from marts.prediction_log order by all").df()
    with duckdb.connect(str(rebuilt)) as con:
        log = con.sql("select * from marts.prediction_log order by all").df()
        latest = con.sql("select * from marts.user_predictions_latest").df()
    generations = log.groupby("invocation_id")["built_at"].agg(["nunique", "max"])
    assert len(generations) == 2 and (generations["nunique"] == 1).all()
    assert set(log["model"]) == {"purchase_propensity", "engagement_rules"}
    # The first generation is kept as it was.
    kept = log[log["invocation_id"].isin(first["invocation_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, first)
    # Same code and parameters: the same model_version in both generations.
    assert log.groupby("model")["model_version"].nunique().eq(1).all()
    assert (latest["last_updated"] == generations["max"].max()).all()
    assert len(latest) == len(first)


def test_drift_against_the_previous_build_is_zero_on_the_same_data(rebuilt: Path) -> None:
    with duckdb.connect(str(rebuilt)) as con:
        drift = con.sql("select * from marts.model_drift").df()
    latest = drift[drift["is_latest_build"]]
    assert {"propensity", "events_28d"} <= set(latest["variable"])
    assert latest["psi"].notna().all()
    assert latest["psi"].abs().max() < 1e-9
    assert drift[~drift["is_latest_build"]]["psi"].isna().all()  # the first build


def test_realised_performance_once_the_label_window_has_passed(rebuilt: Path) -> None:
    with duckdb.connect(str(rebuilt)) as con:
        # A generation logged 7 days before the end of the data: its window has passed.
        con.execute(
            """
            insert into marts.prediction_log
            select model, model_version, as_of - interval 7 day, user_id, score,
                   predicted_label, built_at - interval 1 day, 'week-old-generation'
            from marts.prediction_log
            where model = 'purchase_propensity'
              and invocation_id = (select min(invocation_id) from marts.prediction_log)
            """
        )
        logged = con.sql(
            "select * from marts.prediction_log where invocation_id = 'week-old-generation'"
        ).df()
        purchases = con.sql(
            "select user_id, event_at from intermediate.int_events_sessionized"
            " where event_type = 'purchase'"
        ).df()
    result = dbt(
        ["run", "--select", "propensity_realised_performance", "--vars", SUITE_DBT_VARS],
        rebuilt,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    with duckdb.connect(str(rebuilt)) as con:
        performance = con.sql("select * from marts.propensity_realised_performance").df()
    row = performance.set_index("invocation_id").loc["week-old-generation"]
    assert bool(row["is_label_complete"])
    as_of = logged["as_of"].iloc[0]
    window = purchases[
        (purchases["event_at"] >= as_of) & (purchases["event_at"] < as_of + pd.Timedelta(days=7))
    ]
    labels = logged["user_id"].isin(window["user_id"])
    assert row["buyers"] == labels.sum() and row["labelled_users"] == len(logged)
    assert row["realised_auc"] == pytest.approx(roc_auc_score(labels, logged["score"]))
    predicted = logged["predicted_label"] == "purchase"
    if predicted.any():
        assert row["realised_precision"] == pytest.approx(labels[predicted].mean())
    # The current generations' windows reach past the data: no labels yet.
    assert not performance.drop(index="week-old-generation", errors="ignore").empty
    others = performance[performance["invocation_id"] != "week-old-generation"]
    assert (~others["is_label_complete"]).all() and others["realised_auc"].isna().all()
