"""The summaries and user features equal the design's computation done in pandas.

Each test reads the valid staged rows (stg_sales, stg_events) of the suite warehouse into
pandas, recomputes a model the way the design's pandas code does (groupby / agg, the
30-minute session loop, timedelta.days) and compares it with the built table. Money is
compared exactly: amounts are read as whole cents (integers) and the model's DECIMAL values
as Python Decimals.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from conftest import PROJECT_DIR, Warehouse

CENT = Decimal("0.01")


def _cents_to_decimal(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def _model_rows(warehouse: Warehouse, relation: str, key: str) -> dict:
    """The model's rows as {key: {column: python value}}, DECIMALs as Decimal."""
    with warehouse.connect() as con:
        cursor = con.execute(f"select * from {relation}")
        columns = [description[0] for description in cursor.description]
        rows = cursor.fetchall()
    return {row[columns.index(key)]: dict(zip(columns, row, strict=True)) for row in rows}


@pytest.fixture(scope="module")
def staged_sales(built_warehouse: Warehouse) -> pd.DataFrame:
    with built_warehouse.connect() as con:
        sales = con.execute(
            "select sale_id, sale_date, product_id, customer_id, quantity, "
            "cast(price * 100 as bigint) as price_cents from staging.stg_sales"
        ).df()
    assert len(sales) > 0
    sales["total_cents"] = sales["quantity"].astype("int64") * sales["price_cents"]
    return sales


@pytest.fixture(scope="module")
def staged_events(built_warehouse: Warehouse) -> pd.DataFrame:
    with built_warehouse.connect() as con:
        events = con.execute(
            "select event_id, user_id, event_type, event_at, "
            "cast(amount * 100 as bigint) as amount_cents from staging.stg_events"
        ).df()
    assert len(events) > 0
    return events


def test_daily_summary_equals_pandas(built_warehouse: Warehouse, staged_sales) -> None:
    expected = staged_sales.groupby("sale_date").agg(
        daily_revenue=("total_cents", "sum"),
        daily_quantity=("quantity", "sum"),
        daily_customers=("customer_id", "nunique"),
        daily_products=("product_id", "nunique"),
    )
    built = _model_rows(built_warehouse, "marts.daily_summary", "date")
    assert len(built) == len(expected)
    for sale_date, row in expected.iterrows():
        got = built[pd.Timestamp(sale_date).date()]
        assert got["daily_revenue"] == _cents_to_decimal(row["daily_revenue"]), sale_date
        assert got["daily_quantity"] == row["daily_quantity"]
        assert got["daily_customers"] == row["daily_customers"]
        assert got["daily_products"] == row["daily_products"]


def test_customer_summary_equals_pandas(built_warehouse: Warehouse, staged_sales) -> None:
    expected = staged_sales.groupby("customer_id").agg(
        total_cents=("total_cents", "sum"),
        order_count=("total_cents", "count"),
        unique_products=("product_id", "nunique"),
        first_date=("sale_date", "min"),
        last_date=("sale_date", "max"),
    )
    built = _model_rows(built_warehouse, "marts.customer_summary", "customer_id")
    assert len(built) == len(expected)
    for customer_id, row in expected.iterrows():
        got = built[customer_id]
        total = _cents_to_decimal(row["total_cents"])
        # the design's mean rounded to 2 decimals, done exactly (half away from zero)
        mean = (total / int(row["order_count"])).quantize(CENT, rounding=ROUND_HALF_UP)
        assert got["total_spent"] == total, customer_id
        assert got["avg_order_value"] == mean, customer_id
        assert got["order_count"] == row["order_count"]
        assert got["unique_products"] == row["unique_products"]
        lifetime = (pd.Timestamp(row["last_date"]) - pd.Timestamp(row["first_date"])).days
        assert got["customer_lifetime_days"] == lifetime


def test_product_summary_equals_pandas(built_warehouse: Warehouse, staged_sales) -> None:
    expected = staged_sales.groupby("product_id").agg(
        total_quantity_sold=("quantity", "sum"),
        total_revenue=("total_cents", "sum"),
        unique_customers=("customer_id", "nunique"),
    )
    built = _model_rows(built_warehouse, "marts.product_summary", "product_id")
    assert len(built) == len(expected)
    for product_id, row in expected.iterrows():
        got = built[product_id]
        assert got["total_quantity_sold"] == row["total_quantity_sold"]
        assert got["total_revenue"] == _cents_to_decimal(row["total_revenue"]), product_id
        assert got["unique_customers"] == row["unique_customers"]


def test_sales_data_rows_equal_pandas(built_warehouse: Warehouse, staged_sales) -> None:
    built = _model_rows(built_warehouse, "features.sales_data", "sale_id")
    assert len(built) == len(staged_sales)
    dates = pd.to_datetime(staged_sales["sale_date"])
    customer_totals = staged_sales.groupby("customer_id")["total_cents"].sum()
    product_customers = staged_sales.groupby("product_id")["customer_id"].nunique()
    for index, sale in staged_sales.iterrows():
        got = built[sale["sale_id"]]
        assert got["total_amount"] == _cents_to_decimal(sale["total_cents"])
        assert (got["year"], got["month"], got["day"], got["day_of_week"]) == (
            dates[index].year,
            dates[index].month,
            dates[index].day,
            dates[index].day_of_week,
        )
        assert got["total_spent"] == _cents_to_decimal(customer_totals[sale["customer_id"]])
        assert got["unique_customers"] == product_customers[sale["product_id"]]


def _accepted_event_types() -> list[str]:
    with open(PROJECT_DIR / "seeds" / "accepted_event_types.csv", newline="") as handle:
        return sorted(row["event_type"] for row in csv.DictReader(handle))


def design_user_features(events: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The design's calculate_features per user (with as_of instead of datetime.now())."""
    events = events[events["event_at"] <= as_of].sort_values(["user_id", "event_at", "event_id"])
    gap = events.groupby("user_id")["event_at"].diff()
    events = events.assign(
        session_number=(gap.isna() | (gap > pd.Timedelta(minutes=30)))
        .astype(int)
        .groupby(events["user_id"])
        .cumsum(),
        days_to_as_of=(as_of - events["event_at"]).dt.days,
        purchase_cents=events["amount_cents"].where(events["event_type"] == "purchase", 0),
    )
    grouped = events.groupby("user_id")
    features = pd.DataFrame(
        {
            "total_events": grouped.size(),
            "unique_event_types": grouped["event_type"].nunique(),
            "span_days": (grouped["event_at"].max() - grouped["event_at"].min()).dt.days,
            "last_activity_days": (as_of - grouped["event_at"].max()).dt.days,
            "recent_activity_7d": grouped["days_to_as_of"].apply(lambda days: (days <= 7).sum()),
            "total_sessions": grouped["session_number"].max(),
            "total_value_cents": grouped["purchase_cents"].sum(),
        }
    )
    features["avg_events_per_day"] = features["total_events"] / features["span_days"].clip(lower=1)
    features["avg_session_length"] = features["total_events"] / features["total_sessions"]
    counts = pd.crosstab(events["user_id"], events["event_type"])
    for event_type in _accepted_event_types():
        features[f"{event_type}_count"] = counts.get(event_type, 0)
        features[f"{event_type}_count"] = features[f"{event_type}_count"].fillna(0)
        features[f"{event_type}_ratio"] = features[f"{event_type}_count"] / features["total_events"]
    return features


def test_user_event_features_equal_pandas(built_warehouse: Warehouse, staged_events) -> None:
    as_of = staged_events["event_at"].max()  # the default as_of: the latest valid event
    expected = design_user_features(staged_events, as_of)
    built = _model_rows(built_warehouse, "features.user_event_features", "user_id")
    assert len(built) == len(expected) > 0
    exact = [
        "total_events",
        "unique_event_types",
        "last_activity_days",
        "recent_activity_7d",
        "total_sessions",
    ]
    ratios = ["avg_events_per_day", "avg_session_length"]
    for event_type in _accepted_event_types():
        exact.append(f"{event_type}_count")
        ratios.append(f"{event_type}_ratio")
    for user_id, row in expected.iterrows():
        got = built[user_id]
        for column in exact:
            assert got[column] == row[column], (user_id, column)
        for column in ratios:
            assert got[column] == pytest.approx(row[column], rel=1e-12), (user_id, column)
        total_value = _cents_to_decimal(row["total_value_cents"])
        assert got["total_value"] == total_value, user_id
        assert got["avg_value_per_event"] == pytest.approx(
            float(total_value) / row["total_events"], rel=1e-12
        )


def test_predictions_and_segments_follow_the_design_rules(
    built_warehouse: Warehouse, staged_events
) -> None:
    as_of = staged_events["event_at"].max()
    features = design_user_features(staged_events, as_of)
    latest = (
        staged_events[staged_events["event_at"] <= as_of]
        .sort_values(["user_id", "event_at", "event_id"])
        .groupby("user_id")["event_type"]
        .last()
    )
    predictions = _model_rows(built_warehouse, "marts.user_engagement_predictions", "user_id")
    segments = _model_rows(built_warehouse, "marts.user_value_segments", "user_id")
    assert len(predictions) == len(segments) == len(features)
    for user_id, row in features.iterrows():
        # make_prediction, in exact decimals
        score = Decimal(0)
        score += Decimal("0.3") if row["total_events"] > 10 else 0
        score += Decimal("0.3") if row["recent_activity_7d"] > 5 else 0
        score += Decimal("0.2") if row["avg_events_per_day"] > 2 else 0
        score += Decimal("0.2") if row["total_sessions"] > 3 else 0
        label = (
            "high_engagement"
            if score >= Decimal("0.8")
            else "medium_engagement"
            if score >= Decimal("0.5")
            else "low_engagement"
        )
        got = predictions[user_id]
        assert (got["score"], got["prediction"]) == (score, label), user_id
        assert got["confidence"] == min(score + Decimal("0.2"), Decimal(1))
        # the streaming value score at the latest event
        value = (
            Decimal(int(row["total_events"])) * Decimal("0.1")
            + Decimal(int(row["unique_event_types"])) * Decimal("0.2")
            + _cents_to_decimal(row["total_value_cents"]) * Decimal("0.001")
            + (Decimal("0.5") if latest[user_id] == "purchase" else 0)
        )
        segment = (
            "high_value_user"
            if value > Decimal("0.7")
            else "medium_value_user"
            if value > Decimal("0.3")
            else "low_value_user"
        )
        assert (segments[user_id]["score"], segments[user_id]["segment"]) == (value, segment)
