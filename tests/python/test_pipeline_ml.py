"""Unit tests of pipeline_ml on tiny hand-made inputs whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from pipeline_ml import propensity, propensity_data, settings
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


def test_propensity_config_reads_the_models_one_mapping_as_dbt_renders_it() -> None:
    config = {"horizon_days": "7", "threshold": 0.25, "max_training_rows": "1000"}
    expected = propensity.PropensitySettings(horizon_days=7, threshold=0.25, max_training_rows=1000)
    assert settings.propensity_config(config) == expected
    assert settings.propensity_config(repr(config)) == expected
    with pytest.raises(InputError, match="horizon_days must be at least 1"):
        settings.propensity_config({**config, "horizon_days": 0})
    with pytest.raises(InputError, match="threshold must be a number"):
        settings.propensity_config({**config, "threshold": "half"})
    with pytest.raises(InputError, match="propensity must be a mapping"):
        settings.propensity_config(None)


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


def opened(
    table: pa.Table, model_settings: propensity.PropensitySettings = FAST
) -> propensity.TrainingSet:
    """The training set as the dbt model gets it: a DuckDB relation (the table, in DuckDB)."""
    con = duckdb.connect()
    return propensity.open_training_set(con.from_arrow(table), model_settings)


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
    metrics = propensity.evaluate(opened(table), FAST, built_at=datetime(2026, 1, 1))
    metrics = metrics.to_pylist()[0]
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
    first = propensity.predict(opened(table), FAST)
    second = propensity.predict(opened(table), FAST)
    assert first.equals(second)
    assert first.column("user_id").to_pylist() == list(range(300))
    values = np.asarray(first.column("propensity").to_numpy())
    assert ((values >= 0) & (values <= 1)).all()
    labels = np.asarray(first.column("predicted_label").to_numpy(zero_copy_only=False))
    assert (labels == (values >= 0.5)).all()
    assert set(first.column("trained_at").to_pylist()) == {datetime(2026, 10, 21)}
    metrics = propensity.evaluate(opened(table), FAST, built_at=datetime.now())
    assert set(first.column("model_version").to_pylist()) == set(
        metrics.column("model_version").to_pylist()
    )


def test_fit_refuses_a_single_label_class() -> None:
    with pytest.raises(InputError):
        propensity.fit(np.zeros((4, 2)), np.ones(4, dtype=bool), FAST)


def test_open_training_set_samples_users_deterministically() -> None:
    table = synthetic_training_set(n_users=200, days=10)
    small_cap = propensity.PropensitySettings(max_training_rows=500)
    first, second = opened(table, small_cap), opened(table, small_cap)
    assert 0 < first.sample_fraction < 1
    assert first.sample_fraction == second.sample_fraction
    assert first.rows_per_date.tolist() == second.rows_per_date.tolist()
    # 3 complete label days per user: the sample keeps whole users, under the cap.
    assert first.training_rows % 3 == 0 and 0 < first.training_rows <= 600
    assert first.scored_users == 200  # every user is still scored
    sampled = first.labelled.project("user_id").fetchnumpy()["user_id"]
    kept = np.unique(sampled, return_counts=True)[1]
    assert set(kept.tolist()) == {3}
    features, labels = propensity_data.read_labelled(first)
    again, again_labels = propensity_data.read_labelled(second)
    assert features.shape == (first.training_rows, len(propensity.FEATURE_COLUMNS))
    np.testing.assert_array_equal(features, again)
    np.testing.assert_array_equal(labels, again_labels)
    whole = opened(table)
    assert whole.sample_fraction == 1.0
    assert whole.training_rows == 600


def test_read_labelled_streams_the_ordered_rows_into_one_matrix(monkeypatch) -> None:
    table = synthetic_training_set(n_users=50, days=12, seed=3)
    # Nulls become NaN; a shuffled warehouse order must not change the rows' order.
    values = table.column("events_7d").to_numpy().copy()
    nulls = np.arange(values.size) % 5 == 0
    table = table.set_column(
        table.column_names.index("events_7d"), "events_7d", pa.array(values, mask=nulls)
    )
    shuffled = table.take(np.random.default_rng(0).permutation(table.num_rows))
    monkeypatch.setattr(propensity_data, "BATCH_ROWS", 7)  # many batches, ragged at the end
    training = opened(shuffled)
    features, labels = propensity_data.read_labelled(training)
    complete = np.asarray(table.column("is_label_complete").to_numpy(zero_copy_only=False))
    expected = table.filter(pa.array(complete))  # already in (user_id, label_date) order
    assert features.shape == (expected.num_rows, len(propensity.FEATURE_COLUMNS))
    for index, name in enumerate(propensity.FEATURE_COLUMNS):
        column = expected.column(name).cast(pa.float64()).to_numpy(zero_copy_only=False)
        np.testing.assert_array_equal(features[:, index], column, err_msg=name)
    assert np.isnan(features[:, propensity.FEATURE_COLUMNS.index("events_7d")]).any()
    label_values = expected.column("purchased_in_horizon").to_numpy(zero_copy_only=False)
    assert labels.tolist() == [bool(value) for value in label_values]
    # Only the rows of the asked label dates.
    day = training.label_dates[2]
    some, _ = propensity_data.read_labelled(training, np.array([day]))
    of_day = np.asarray(expected.column("label_date").to_numpy()) == day
    np.testing.assert_array_equal(some, features[of_day])


def test_predict_does_not_depend_on_the_batch_size(monkeypatch) -> None:
    table = synthetic_training_set(seed=2)
    whole = propensity.predict(opened(table), FAST)
    monkeypatch.setattr(propensity_data, "BATCH_ROWS", 64)
    batched = propensity.predict(opened(table), FAST)
    assert batched.equals(whole)
    metrics = propensity.evaluate(opened(table), FAST, built_at=datetime(2026, 1, 1))
    monkeypatch.setattr(propensity_data, "BATCH_ROWS", 131_072)
    assert metrics.equals(propensity.evaluate(opened(table), FAST, built_at=datetime(2026, 1, 1)))


def test_open_training_set_refuses_a_table_it_cannot_use() -> None:
    table = synthetic_training_set(n_users=20, days=10)
    with pytest.raises(InputError, match="sessions_7d"):
        opened(table.drop_columns(["sessions_7d"]))
    no_scoring = table.set_column(
        table.column_names.index("is_scoring_snapshot"),
        "is_scoring_snapshot",
        pa.array(np.zeros(table.num_rows, dtype=bool)),
    )
    with pytest.raises(InputError, match="scoring snapshot"):
        opened(no_scoring)
