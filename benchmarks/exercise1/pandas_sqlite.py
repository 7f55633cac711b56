"""Contender (a): the design document's Exercise 1 ETL, pandas + SQLite, as written there.

    python benchmarks/exercise1/pandas_sqlite.py OUT.sqlite FILE.csv [FILE.csv ...]

The four functions below are the design's starter code (docs/design.md says what that
document is), kept as written apart from the print noise: each file is extracted with
`extract_sales_data`, the frames are concatenated, then transformed, validated and loaded
into SQLite with `replace`. It is the baseline a user would otherwise run, not project code.
"""

from __future__ import annotations

import sqlite3
import sys

import pandas as pd


def extract_sales_data(file_path):
    data = pd.read_csv(file_path)
    required_columns = ["date", "product_id", "quantity", "price", "customer_id"]
    missing_columns = set(required_columns) - set(data.columns)
    if missing_columns:
        raise ValueError(f"Missing required columns: {missing_columns}")
    data["date"] = pd.to_datetime(data["date"])
    return data


def transform_sales_data(data):
    transformed_data = data.copy()
    transformed_data["total_amount"] = transformed_data["quantity"] * transformed_data["price"]
    transformed_data["year"] = transformed_data["date"].dt.year
    transformed_data["month"] = transformed_data["date"].dt.month
    transformed_data["day"] = transformed_data["date"].dt.day
    transformed_data["day_of_week"] = transformed_data["date"].dt.dayofweek
    customer_stats = (
        transformed_data.groupby("customer_id")
        .agg({"total_amount": ["sum", "mean", "count"], "product_id": "nunique"})
        .round(2)
    )
    customer_stats.columns = ["total_spent", "avg_order_value", "order_count", "unique_products"]
    customer_stats = customer_stats.reset_index()
    transformed_data = transformed_data.merge(customer_stats, on="customer_id", how="left")
    product_stats = (
        transformed_data.groupby("product_id")
        .agg({"quantity": "sum", "total_amount": "sum", "customer_id": "nunique"})
        .round(2)
    )
    product_stats.columns = ["total_quantity_sold", "total_revenue", "unique_customers"]
    product_stats = product_stats.reset_index()
    return transformed_data.merge(product_stats, on="product_id", how="left")


def load_sales_data(data, db_path):
    conn = sqlite3.connect(db_path)
    data.to_sql("sales_data", conn, if_exists="replace", index=False)
    daily_summary = (
        data.groupby("date")
        .agg(
            {
                "total_amount": "sum",
                "quantity": "sum",
                "customer_id": "nunique",
                "product_id": "nunique",
            }
        )
        .reset_index()
    )
    daily_summary.columns = [
        "date",
        "daily_revenue",
        "daily_quantity",
        "daily_customers",
        "daily_products",
    ]
    daily_summary.to_sql("daily_summary", conn, if_exists="replace", index=False)
    customer_summary = (
        data.groupby("customer_id")
        .agg(
            {
                "total_amount": ["sum", "mean", "count"],
                "product_id": "nunique",
                "date": lambda x: (x.max() - x.min()).days,
            }
        )
        .round(2)
    )
    customer_summary.columns = [
        "total_spent",
        "avg_order_value",
        "order_count",
        "unique_products",
        "customer_lifetime_days",
    ]
    customer_summary = customer_summary.reset_index()
    customer_summary.to_sql("customer_summary", conn, if_exists="replace", index=False)
    conn.close()
    return True


def validate_sales_data(data):
    return {
        "total_records": len(data),
        "missing_values": int(data.isnull().sum().sum()),
        "duplicate_records": int(data.duplicated().sum()),
        "negative_prices": int((data["price"] < 0).sum()),
        "negative_quantities": int((data["quantity"] < 0).sum()),
    }


def main(argv: list[str]) -> int:
    db_path, files = argv[0], argv[1:]
    data = pd.concat([extract_sales_data(path) for path in files], ignore_index=True)
    validate_sales_data(data)
    transformed = transform_sales_data(data)
    load_sales_data(transformed, db_path)
    print(len(transformed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
