"""End-to-end checks of the ML models on the suite's built warehouse (`built_warehouse`).

The training set is checked against an independent pandas recomputation from the staged
rows (point in time: nothing at or after the label time counts); the Python models' tables
are checked for their contracts and re-derived in-process from the same inputs, which also
shows that a second training gives identical results.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from pipeline_ml import consent, interactions, propensity, recommend, sessions
from pipeline_ml.recommend import RecommenderSettings

HORIZON_DAYS = 7  # the default of the purchase_label_horizon_days var


@pytest.fixture(scope="module")
def staged(built_warehouse) -> dict[str, pd.DataFrame]:
    with built_warehouse.connect() as con:
        return {
            "events": con.sql(
                "select event_id, user_id, event_type, event_at, event_date, product_id, amount"
                " from staging.stg_events"
            ).df(),
            "transactions": con.sql(
                "select user_id, amount, transaction_at from staging.stg_transactions"
            ).df(),
            "sales": con.sql(
                "select customer_id as user_id, sale_date, quantity * price as amount"
                " from staging.stg_sales"
            ).df(),
            "training": con.sql("select * from features.purchase_training_set").df(),
        }


def _sessions_started(user_events: pd.DataFrame) -> pd.Series:
    """Event times that start a session (gap to the previous event > 30 minutes)."""
    ordered = user_events.sort_values(["event_at", "event_id"])
    gap = ordered["event_at"].diff()
    return ordered.loc[gap.isna() | (gap > pd.Timedelta(minutes=30)), "event_at"]


def _expected_row(staged: dict[str, pd.DataFrame], user_id: int, label_at: pd.Timestamp) -> dict:
    events = staged["events"]
    mine = events[events["user_id"] == user_id]
    before = mine[mine["event_at"] < label_at]

    def window(frame: pd.DataFrame, column: str, days: int) -> pd.DataFrame:
        return frame[
            (frame[column] >= label_at - timedelta(days=days)) & (frame[column] < label_at)
        ]

    def count(frame: pd.DataFrame, event_type: str | None = None) -> int:
        return int(len(frame) if event_type is None else (frame["event_type"] == event_type).sum())

    last7, last28 = window(before, "event_at", 7), window(before, "event_at", 28)
    starts = _sessions_started(mine)
    starts = starts[starts < label_at]
    transactions = staged["transactions"]
    my_transactions = transactions[transactions["user_id"] == user_id]
    sales = staged["sales"]
    my_sales = sales[sales["user_id"] == user_id].assign(
        sale_at=lambda frame: pd.to_datetime(frame["sale_date"])
    )
    first_days = [
        *mine["event_date"].map(pd.Timestamp),
        *my_transactions["transaction_at"].dt.normalize(),
        *my_sales["sale_at"],
    ]
    purchases = before[before["event_type"] == "purchase"]
    after = mine[
        (mine["event_at"] >= label_at)
        & (mine["event_at"] < label_at + timedelta(days=HORIZON_DAYS))
        & (mine["event_type"] == "purchase")
    ]
    return {
        "days_since_first_seen": (label_at - min(first_days)).days,
        "days_since_last_event": (
            (label_at - pd.Timestamp(before["event_date"].max())).days if len(before) else None
        ),
        "days_since_last_purchase": (
            (label_at - pd.Timestamp(purchases["event_date"].max())).days
            if len(purchases)
            else None
        ),
        "events_7d": count(last7),
        "events_28d": count(last28),
        "events_total": count(before),
        "page_view_events_28d": count(last28, "page_view"),
        "click_events_28d": count(last28, "click"),
        "search_events_28d": count(last28, "search"),
        "add_to_cart_events_7d": count(last7, "add_to_cart"),
        "add_to_cart_events_28d": count(last28, "add_to_cart"),
        "purchase_events_7d": count(last7, "purchase"),
        "purchase_events_28d": count(last28, "purchase"),
        "purchase_events_total": count(before, "purchase"),
        "purchase_value_28d": last28.loc[last28["event_type"] == "purchase", "amount"].sum(),
        "purchase_value_total": purchases["amount"].sum(),
        "sessions_7d": int((starts >= label_at - timedelta(days=7)).sum()),
        "sessions_28d": int((starts >= label_at - timedelta(days=28)).sum()),
        "active_days_28d": int(last28["event_date"].nunique()),
        "distinct_products_total": int(before["product_id"].dropna().nunique()),
        "transactions_28d": len(window(my_transactions, "transaction_at", 28)),
        "transaction_amount_28d": window(my_transactions, "transaction_at", 28)["amount"].sum(),
        "sales_lines_28d": len(window(my_sales, "sale_at", 28)),
        "sales_amount_28d": window(my_sales, "sale_at", 28)["amount"].sum(),
        "label": len(after) > 0,
    }


def test_training_set_grain_label_times_and_completeness(staged) -> None:
    training = staged["training"]
    assert not training.duplicated(["user_id", "label_date"]).any()
    assert (training["label_at"] == pd.to_datetime(training["label_date"])).all()
    last_event_day = pd.Timestamp(staged["events"]["event_date"].max())
    data_end = last_event_day + timedelta(days=1)
    # The scoring snapshot is the end of the last data day, and only it.
    assert (training["is_scoring_snapshot"] == (training["label_at"] == data_end)).all()
    complete = training["label_window_end_at"] <= data_end
    assert (training["is_label_complete"] == complete).all()
    assert training.loc[~complete, "purchased_in_horizon"].isna().all()
    assert training.loc[complete, "purchased_in_horizon"].notna().all()
    assert complete.any() and (~complete).any()
    # Every user with a valid event before a label time has a row at it.
    first_event = staged["events"].groupby("user_id")["event_date"].min().map(pd.Timestamp)
    at_end = set(training.loc[training["is_scoring_snapshot"], "user_id"])
    assert set(first_event.index) <= at_end


def test_training_set_features_use_only_rows_before_the_label_time(staged) -> None:
    training = staged["training"]
    events = staged["events"]
    # Rows whose user was active on the label day itself: a leak of an event at or after
    # label_at would change their counts, so they make the check bite.
    active = events[["user_id", "event_date"]].drop_duplicates()
    active["label_date"] = active["event_date"]
    leaky = training.merge(active, on=["user_id", "label_date"])
    assert len(leaky) >= 10
    sample = pd.concat(
        [
            leaky.sample(n=min(40, len(leaky)), random_state=1),
            training.sample(n=20, random_state=2),
        ]
    )
    for row in sample.itertuples(index=False):
        expected = _expected_row(staged, int(row.user_id), pd.Timestamp(row.label_at))
        label = expected.pop("label")
        got = row._asdict()
        for name, value in expected.items():
            actual = got[name]
            if value is None:
                assert pd.isna(actual), (name, row.user_id, row.label_at)
            else:
                assert float(actual) == pytest.approx(float(value)), (
                    name,
                    row.user_id,
                    row.label_at,
                    actual,
                    value,
                )
        if row.is_label_complete:
            assert bool(row.purchased_in_horizon) == label, (row.user_id, row.label_at)


def test_recommendations_contract(built_warehouse, staged) -> None:
    with built_warehouse.connect() as con:
        recs = con.sql("select * from marts.product_recommendations").df()
        catalog = set(
            con.sql(
                "select product_id from intermediate.int_products_current"
                " where is_in_latest_snapshot"
            ).df()["product_id"]
        )
    assert len(recs) > 0
    events = staged["events"]
    bought = events.loc[events["event_type"] == "purchase", ["user_id", "product_id"]]
    clash = recs.merge(bought.dropna().drop_duplicates(), on=["user_id", "product_id"])
    assert clash.empty, "a product the user already bought was recommended"
    assert set(recs["product_id"]) <= catalog
    assert (recs["score"] > 0).all()
    per_user = recs.sort_values(["user_id", "rank"]).groupby("user_id")
    assert per_user["rank"].apply(lambda ranks: list(ranks) == list(range(1, len(ranks) + 1))).all()
    assert per_user["score"].apply(lambda scores: scores.is_monotonic_decreasing).all()
    assert per_user.size().max() <= 10
    assert set(recs["user_id"]) <= set(events["user_id"])


def test_recommendations_rebuild_identically_in_process(built_warehouse) -> None:
    settings = RecommenderSettings()  # the defaults are the vars' defaults
    with built_warehouse.connect() as con:
        stored = con.sql(
            "select user_id, rank, product_id, score from marts.product_recommendations"
            " order by user_id, rank"
        ).df()
        chosen = con.sql(
            "select method from marts.recommendation_metrics where is_chosen"
        ).fetchall()
        log = interactions.read_interaction_log(
            con.table("features.user_product_interactions"), test_days=7
        )
        as_of = con.sql("select cast(as_of_at as date) from intermediate.int_as_of")
        catalog = con.sql(
            "select product_id, category from intermediate.int_products_current"
            " where is_in_latest_snapshot"
        ).fetchnumpy()
        as_of_day = as_of.fetchall()[0][0]
        session_log = sessions.read_session_log(con.table("features.session_product_events"))
        suppressed = consent.suppressed_user_ids(
            con.table("intermediate.int_customers_consent_as_of")
        )
    assert len(chosen) == 1
    again = recommend.recommend_everyone(
        chosen[0][0],
        log,
        settings,
        reference_day=as_of_day,
        catalog=(catalog["product_id"], catalog["category"]),
        session_log=session_log,
    )
    # The model leaves out customers who opted out (docs/privacy.md).
    again_arrow = consent.without_users(again.to_arrow(), suppressed)
    again_frame = again_arrow.to_pandas().sort_values(["user_id", "rank"])
    assert stored["user_id"].tolist() == again_frame["user_id"].tolist()
    assert stored["product_id"].tolist() == again_frame["product_id"].tolist()
    np.testing.assert_allclose(stored["score"], again_frame["score"])


def test_recommendation_metrics_compare_models_with_three_baselines(built_warehouse) -> None:
    with built_warehouse.connect() as con:
        metrics = con.sql("select * from marts.recommendation_metrics").df()
        holdout_start = con.sql(
            "select min(holdout_start_date) from features.user_product_interactions"
        ).fetchall()[0][0]
    assert sorted(metrics["method"]) == sorted(recommend.METHODS)
    assert metrics["evaluated_users"].nunique() == 1 and metrics["evaluated_users"].iloc[0] > 0
    rate = metrics["users_with_hit"] / metrics["evaluated_users"]
    np.testing.assert_allclose(metrics["hit_rate"], rate)
    assert (pd.to_datetime(metrics["cutoff_date"]) == pd.Timestamp(holdout_start)).all()
    assert metrics["is_chosen"].sum() == 1
    chosen = metrics[metrics["is_chosen"]].iloc[0]
    assert chosen["method_kind"] == "model"
    models = metrics[metrics["method_kind"] == "model"]
    assert chosen["hit_rate"] == models["hit_rate"].max()
    baselines = metrics[metrics["method_kind"] == "baseline"]
    best = baselines["hit_rate"].max()
    np.testing.assert_allclose(metrics["lift_over_best_baseline"], metrics["hit_rate"] / best)
    for column in ("recall", "ndcg", "catalogue_coverage", "user_coverage"):
        assert metrics[column].between(0, 1).all(), column


def test_propensity_tables_agree_and_training_is_deterministic(built_warehouse, staged) -> None:
    with built_warehouse.connect() as con:
        predictions = con.sql("select * from marts.purchase_propensity order by user_id").df()
        metrics = con.sql("select * from marts.propensity_model_metrics").df()
        settings = propensity.PropensitySettings(horizon_days=HORIZON_DAYS)
        training = propensity.open_training_set(
            con.table("features.purchase_training_set"), settings
        )
        suppressed = consent.suppressed_user_ids(
            con.table("intermediate.int_customers_consent_as_of")
        )
        # A second training on the same data gives the very same predictions.
        again = consent.without_users(propensity.predict(training, settings), suppressed)
    assert len(metrics) == 1
    row = metrics.iloc[0]
    assert set(predictions["model_version"]) == {row["model_version"]}
    # Evaluation on a later period than any training row.
    assert row["holdout_label_date"] > row["training_last_label_date"]
    assert row["holdout_rows"] > 0 and row["evaluation_training_rows"] > 0
    assert row["auc"] is None or 0.0 <= row["auc"] <= 1.0
    scoring = staged["training"][staged["training"]["is_scoring_snapshot"]]
    # Every scored user but the customers who opted out (docs/privacy.md).
    assert suppressed.size and not set(predictions["user_id"]) & set(suppressed)
    expected_users = sorted(set(scoring["user_id"]) - set(suppressed.tolist()))
    assert sorted(predictions["user_id"]) == expected_users
    assert row["trained_at"] == scoring["label_at"].iloc[0]
    again = again.to_pandas()
    assert again["user_id"].tolist() == predictions["user_id"].tolist()
    assert again["propensity"].tolist() == predictions["propensity"].tolist()
    assert again["model_version"].tolist() == predictions["model_version"].tolist()
