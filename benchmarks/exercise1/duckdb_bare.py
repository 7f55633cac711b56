"""Contender (c): the same Exercise 1 work in bare DuckDB SQL, the floor.

    python benchmarks/exercise1/duckdb_bare.py OUT.duckdb FILE.csv [FILE.csv ...]

One typed `read_csv` over every file with the columns pinned, then three set-based
`create table` statements. No validation, lineage, quarantine or tests: what the project
adds on top of this is what its ratio to this floor costs.
"""

from __future__ import annotations

import sys

import duckdb

COLUMNS = {
    "date": "DATE",
    "product_id": "BIGINT",
    "quantity": "INTEGER",
    "price": "DECIMAL(18,2)",
    "customer_id": "BIGINT",
}

SQL = """
create table sales as
select * from read_csv($files, columns = $columns, header = true, delim = ',', quote = '"');

create table sales_data as
with enriched as (
    select *, quantity * price as total_amount,
        year(date) as year, month(date) as month, day(date) as day,
        isodow(date) - 1 as day_of_week
    from sales
),
customer_stats as (
    select customer_id, round(sum(total_amount), 2) as total_spent,
        round(avg(total_amount), 2) as avg_order_value, count(*) as order_count,
        count(distinct product_id) as unique_products
    from enriched group by customer_id
),
product_stats as (
    select product_id, sum(quantity) as total_quantity_sold,
        round(sum(total_amount), 2) as total_revenue,
        count(distinct customer_id) as unique_customers
    from enriched group by product_id
)
select enriched.*, customer_stats.* exclude (customer_id), product_stats.* exclude (product_id)
from enriched
left join customer_stats on enriched.customer_id = customer_stats.customer_id
left join product_stats on enriched.product_id = product_stats.product_id;

create table daily_summary as
select date, sum(total_amount) as daily_revenue, sum(quantity) as daily_quantity,
    count(distinct customer_id) as daily_customers, count(distinct product_id) as daily_products
from sales_data group by date;

create table customer_summary as
select customer_id, round(sum(quantity * price), 2) as total_spent,
    round(avg(quantity * price), 2) as avg_order_value, count(*) as order_count,
    count(distinct product_id) as unique_products,
    datediff('day', min(date), max(date)) as customer_lifetime_days
from sales group by customer_id;
"""


def main(argv: list[str]) -> int:
    db_path, files = argv[0], argv[1:]
    with duckdb.connect(db_path) as con:
        statements = [text for text in SQL.split(";") if text.strip()]
        con.execute(statements[0], {"files": files, "columns": COLUMNS})
        for statement in statements[1:]:
            con.execute(statement)
        print(con.execute("select count(*) from sales_data").fetchone()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
