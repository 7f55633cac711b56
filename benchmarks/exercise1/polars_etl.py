"""Contender (b): the same Exercise 1 work in Polars, what users pick instead of pandas today.

    python benchmarks/exercise1/polars_etl.py OUT.duckdb FILE.csv [FILE.csv ...]

A lazy scan of every file, the design's transformation (amount, date parts, customer and
product aggregates joined back) and its two summaries, collected with Polars' engine and
written as the same three tables into a DuckDB file through Arrow (Polars has no SQLite
writer of its own; Arrow into DuckDB is the cheapest honest sink for it).
"""

from __future__ import annotations

import sys

import duckdb
import polars as pl


def main(argv: list[str]) -> int:
    db_path, files = argv[0], argv[1:]
    sales = pl.scan_csv(
        files,
        schema={
            "date": pl.Date,
            "product_id": pl.Int64,
            "quantity": pl.Int64,
            "price": pl.Float64,
            "customer_id": pl.Int64,
        },
    ).with_columns(
        total_amount=pl.col("quantity") * pl.col("price"),
        year=pl.col("date").dt.year(),
        month=pl.col("date").dt.month(),
        day=pl.col("date").dt.day(),
        day_of_week=pl.col("date").dt.weekday() - 1,
    )
    customer_stats = sales.group_by("customer_id").agg(
        total_spent=pl.col("total_amount").sum().round(2),
        avg_order_value=pl.col("total_amount").mean().round(2),
        order_count=pl.len(),
        unique_products=pl.col("product_id").n_unique(),
        customer_lifetime_days=(pl.col("date").max() - pl.col("date").min()).dt.total_days(),
    )
    product_stats = sales.group_by("product_id").agg(
        total_quantity_sold=pl.col("quantity").sum(),
        total_revenue=pl.col("total_amount").sum().round(2),
        unique_customers=pl.col("customer_id").n_unique(),
    )
    sales_data = sales.join(
        customer_stats.drop("customer_lifetime_days"), on="customer_id", how="left"
    ).join(product_stats, on="product_id", how="left")
    daily_summary = sales.group_by("date").agg(
        daily_revenue=pl.col("total_amount").sum(),
        daily_quantity=pl.col("quantity").sum(),
        daily_customers=pl.col("customer_id").n_unique(),
        daily_products=pl.col("product_id").n_unique(),
    )
    frames = pl.collect_all([sales_data, daily_summary, customer_stats])
    with duckdb.connect(db_path) as con:
        for name, frame in zip(
            ("sales_data", "daily_summary", "customer_summary"), frames, strict=True
        ):
            con.register("frame_view", frame.to_arrow())
            # `name` is one of the three literals above, never input.
            con.execute(f'create or replace table "{name}" as select * from frame_view')
            con.unregister("frame_view")
    print(frames[0].height)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
