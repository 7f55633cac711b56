"""Unit tests of pipeline_ml on tiny hand-made inputs whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from pipeline_ml import propensity, settings
from pipeline_ml.errors import InputError, PipelineMLError

DAY = np.datetime64("2026-10-01", "D")
# Fewer boosting rounds than the default keep the suite fast; the behaviour is the same.
FAST = propensity.PropensitySettings(max_iter=20)


def test_settings_accept_text_as_dbt_renders_it() -> None:
    assert settings.as_int("7", "k", minimum=1) == 7
    assert settings.as_float("0.5", "t") == 0.5
    assert settings.as_mapping("{'page_view': 1}", "w") == {"page_view": 1}
    assert settings.as_day("None", "as_of") is None
    assert settings.as_day("2026-10-05T23:00:00-02:00", "as_of") == date(2026, 10, 6)
    with pytest.raises(PipelineMLError):
        settings.as_int("0", "k", minimum=1)
    with pytest.raises(PipelineMLError):
        settings.as_mapping("[1, 2]", "w")


# --- propensity ------------------------------------------------------------------------


def synthetic_training_set(n_users: int = 300, days: int = 20, seed: int = 0) -> pa.Table:
    """Label times day 1..days; labels depend on the features, the last day is scoring."""
    rng = np.random.default_rng(seed)
    user = np.repeat(np.arange(n_users), days)
    day = np.tile(np.arange(1, days + 1), n_users)
    activity = rng.poisson(3, n_users)[user] + rng.poisson(1, user.size)
    label_date = DAY + day.astype("timedelta64[D]")
    horizon = 7
    complete = day + horizon <= days
    label = rng.random(user.size) < 1 / (1 + np.exp(-(activity - 4)))
    columns: dict[str, object] = {
        "user_id": pa.array(user, pa.int64()),
        "label_date": pa.array(label_date),
        "label_at": pa.array(label_date.astype("datetime64[us]")),
        "is_label_complete": pa.array(complete),
        "is_scoring_snapshot": pa.array(day == days),
        "purchased_in_horizon": pa.array(np.where(complete, label, None), pa.bool_()),
    }
    for index, name in enumerate(propensity.FEATURE_COLUMNS):
        noise = rng.normal(0, 1, user.size)
        columns[name] = pa.array(activity + noise if index % 3 == 0 else noise)
    return pa.table(columns)


def test_time_split_holds_out_the_latest_labelled_date_with_an_embargo() -> None:
    days = DAY + np.arange(10).astype("timedelta64[D]")
    complete = np.arange(10) <= 6
    split = propensity.time_split(days, complete, horizon_days=3)
    assert split.holdout_label_date == days[6]
    assert np.flatnonzero(split.holdout).tolist() == [6]
    # Training label windows [d, d + 3) must end by day 6: days 0..3.
    assert np.flatnonzero(split.train).tolist() == [0, 1, 2, 3]
    assert split.is_embargoed
    short = propensity.time_split(days[:3], np.array([True, True, False]), horizon_days=3)
    assert np.flatnonzero(short.train).tolist() == [0]
    assert not short.is_embargoed
    with pytest.raises(InputError):
        propensity.time_split(days[:2], np.array([True, False]), horizon_days=3)


def test_evaluate_measures_auc_on_the_later_period_only() -> None:
    table = synthetic_training_set()
    metrics = propensity.evaluate(table, FAST, built_at=datetime(2026, 1, 1)).to_pylist()[0]
    label_date = np.asarray(table.column("label_date").to_numpy()).astype("datetime64[D]")
    complete = np.asarray(table.column("is_label_complete").to_numpy(zero_copy_only=False))
    holdout_day = label_date[complete].max()
    assert metrics["holdout_label_date"] == holdout_day.astype(date)
    assert metrics["holdout_rows"] == int((complete & (label_date == holdout_day)).sum())
    assert metrics["training_last_label_date"] < metrics["holdout_label_date"]
    assert metrics["training_last_label_date"] == (holdout_day - np.timedelta64(7, "D")).astype(
        date
    )
    assert metrics["is_embargoed"] is True
    assert metrics["training_rows"] == int(complete.sum())
    # The labels follow the activity features: the model must beat chance clearly.
    assert metrics["auc"] > 0.7
    assert metrics["features"].split(",") == list(propensity.FEATURE_COLUMNS)
    assert metrics["trained_at"] == datetime(2026, 10, 21)


def test_auc_is_none_for_a_single_class() -> None:
    assert propensity.auc(np.array([True, True]), np.array([0.1, 0.9])) is None
    assert propensity.auc(np.array([False, True]), np.array([0.1, 0.9])) == 1.0


def test_predict_is_deterministic_and_scores_the_latest_snapshot() -> None:
    table = synthetic_training_set(seed=1)
    first = propensity.predict(table, FAST)
    second = propensity.predict(table, FAST)
    assert first.equals(second)
    assert first.column("user_id").to_pylist() == list(range(300))
    values = np.asarray(first.column("propensity").to_numpy())
    assert ((values >= 0) & (values <= 1)).all()
    labels = np.asarray(first.column("predicted_label").to_numpy(zero_copy_only=False))
    assert (labels == (values >= 0.5)).all()
    assert set(first.column("trained_at").to_pylist()) == {datetime(2026, 10, 21)}
    metrics = propensity.evaluate(table, FAST, built_at=datetime.now())
    assert set(first.column("model_version").to_pylist()) == set(
        metrics.column("model_version").to_pylist()
    )


def test_fit_refuses_a_single_label_class() -> None:
    with pytest.raises(InputError):
        propensity.fit(np.zeros((4, 2)), np.ones(4, dtype=bool), FAST)


def test_read_training_set_samples_users_deterministically() -> None:
    con = duckdb.connect()
    con.register("training", synthetic_training_set(n_users=200, days=10))
    small_cap = propensity.PropensitySettings(max_training_rows=500)
    first = propensity.read_training_set(con.table("training"), small_cap)
    second = propensity.read_training_set(con.table("training"), small_cap)
    assert first.equals(second)
    fraction = propensity.sample_fraction(first)
    assert 0 < fraction < 1
    scoring = np.asarray(first.column("is_scoring_snapshot").to_numpy(zero_copy_only=False))
    assert int(scoring.sum()) == 200  # every user is still scored
    users = np.asarray(first.column("user_id").to_numpy())
    complete = np.asarray(first.column("is_label_complete").to_numpy(zero_copy_only=False))
    # A sampled user keeps all labelled rows (3 complete label days each).
    kept = np.unique(users[complete], return_counts=True)[1]
    assert set(kept.tolist()) == {3}
    whole = propensity.read_training_set(con.table("training"), FAST)
    assert propensity.sample_fraction(whole) == 1.0
    assert whole.num_rows == 2000
