"""The intermediate and feature models: incremental builds, and the design's pandas semantics.

`test_incremental_build_equals_full_refresh` builds the large facts (int_sales_enriched,
int_events_sessionized) and what reads them in two incremental steps over its own small
landing data (days 1..N-1, then day N plus a late file for an earlier day), then rebuilds
everything with --full-refresh and asserts both give the same rows. The other tests recompute
the design's per-row features in pandas from the staged rows of the suite warehouse.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import (
    SUITE_DATABASE,
    SUITE_DBT_VARS,
    Warehouse,
    run_dbt,
    run_ingest,
    seed_parse_state,
)

from ingest.load import load_paths

# Models that must agree between incremental and full builds, with their keys.
COMPARED_MODELS = {
    "intermediate.int_events_sessionized": "event_id",
    "intermediate.int_sales_enriched": "sale_id",
    "features.user_event_features": "user_id",
    "marts.daily_summary": "date",
    "marts.customer_summary": "customer_id",
}
SELECTION = "+user_event_features +daily_summary +customer_summary"
FACTS = {
    "intermediate.int_events_sessionized": "event_id",
    "intermediate.int_sales_enriched": "sale_id",
}

DAYS = [date(2026, 10, 1) + timedelta(days=offset) for offset in range(4)]
EVENT_TYPES = ("page_view", "click", "add_to_cart", "purchase", "search")


def _event(user_id: int, event_type: str, at: datetime, rng: random.Random) -> dict:
    data: dict[str, object] = {"product_id": rng.randint(1, 40)}
    if event_type == "purchase":
        data["amount"] = f"{rng.randint(100, 99999) / 100:.2f}"
    return {
        "user_id": user_id,
        "event_type": event_type,
        "timestamp": at.isoformat(),
        "data": data,
    }


def _write_events(path: Path, events: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(event) + "\n" for event in events), encoding="utf-8")


def _write_sales(path: Path, rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["date,product_id,quantity,price,customer_id"]
    lines += [",".join(str(value) for value in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _random_events(rng: random.Random, midnight: datetime, count: int) -> list[dict]:
    """``count`` events of users 1..25 at random times of the day starting at ``midnight``."""
    return [
        _event(
            rng.randint(1, 25),
            rng.choice(EVENT_TYPES),
            midnight + timedelta(seconds=rng.randint(0, 86399)),
            rng,
        )
        for _ in range(count)
    ]


def write_incremental_landing(root: Path, seed: int = 3) -> list[list[Path]]:
    """Small landing data for DAYS, as the files of three loads: days 1..N-1, day N, late.

    Cases: sessions over midnight into the last day, equal timestamps, gaps of exactly 30 and
    30:01 minutes across the load boundary, an invalid event and sales row (not staged), and
    a late events and sales file for the second day that arrives after the last day.
    """
    rng = random.Random(seed)
    first: list[Path] = []
    second: list[Path] = []
    for day in DAYS:
        is_last = day == DAYS[-1]
        midnight = datetime.combine(day, datetime.min.time())
        events = _random_events(rng, midnight, 150)
        if day == DAYS[-2]:
            # user 901 ends the day at 23:50; user 902 at 23:40; user 903 twice at 23:59:59
            events.append(_event(901, "click", midnight + timedelta(hours=23, minutes=50), rng))
            events.append(_event(902, "click", midnight + timedelta(hours=23, minutes=40), rng))
            for _ in range(2):
                events.append(_event(903, "search", midnight + timedelta(seconds=86399), rng))
        if is_last:
            # 901: 30:00 later, same session; 902: 30:01 later, a new one; 903: 1 s later
            events.append(_event(901, "purchase", midnight + timedelta(minutes=20), rng))
            events.append(_event(902, "click", midnight + timedelta(minutes=10, seconds=1), rng))
            events.append(_event(903, "page_view", midnight, rng))
            events.append({"user_id": "x", "event_type": "click", "timestamp": "bad", "data": {}})
        events_file = root / "events" / day.isoformat() / f"events_{day.isoformat()}T12.jsonl"
        _write_events(events_file, events)
        sales = [
            (
                day.isoformat(),
                rng.randint(1, 40),
                rng.randint(1, 5),
                f"{rng.randint(1, 50000) / 100:.2f}",
                rng.randint(1, 25),
            )
            for _ in range(60)
        ]
        if is_last:
            sales.append((day.isoformat(), 1, 0, "9.99", 1))  # quantity 0: rejected
        sales_file = root / "sales" / f"sales_{day.isoformat()}.csv"
        _write_sales(sales_file, sales)
        (second if is_last else first).extend([events_file, sales_file])

    late_day = DAYS[1]
    late_midnight = datetime.combine(late_day, datetime.min.time())
    late_events = _random_events(rng, late_midnight, 30)
    late_events_file = root / "events" / late_day.isoformat() / "events_late.jsonl"
    _write_events(late_events_file, late_events)
    late_sales_file = root / "sales" / "late" / f"sales_{late_day.isoformat()}.csv"
    _write_sales(late_sales_file, [(late_day.isoformat(), 2, 1, "0.01", 2)])
    return [first, second, [late_events_file, late_sales_file]]


def _dbt(args: list[str], database: Path, target_path: Path) -> None:
    """dbt with the suite's vars: a warehouse named like the suite's then starts from the
    suite's parse state (see conftest.run_dbt)."""
    result = run_dbt([*args, "--vars", SUITE_DBT_VARS], database=database, target_path=target_path)
    assert result.success, f"dbt {' '.join(args)} failed: {result.exception or result.result}"


def _rowids(con, relation: str, key: str) -> dict[str, int]:
    """Each row's physical id, plus the table's catalog oid (a rebuilt table gets a new one)."""
    schema, name = relation.split(".")
    oid = con.execute(
        "select table_oid from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, name],
    ).fetchall()[0][0]
    rows = con.execute(f"select {key}, rowid from {relation}").fetchall()
    return {"table oid": oid, **dict(rows)}


def _differences(con, relation: str, copy: str) -> tuple[int, int]:
    only_copy = con.execute(
        f"select count(*) from (select * from {copy} except all select * from {relation})"
    ).fetchall()[0][0]
    only_relation = con.execute(
        f"select count(*) from (select * from {relation} except all select * from {copy})"
    ).fetchall()[0][0]
    return only_copy, only_relation


@pytest.mark.slow
def test_incremental_build_equals_full_refresh(tmp_path: Path, suite_parse_state: Path) -> None:
    landing = tmp_path / "landing"
    first, second, late = write_incremental_landing(landing)
    database = tmp_path / SUITE_DATABASE
    target_path = seed_parse_state(tmp_path / "target", suite_parse_state)
    run_args = ["run", "--select", SELECTION]

    run_ingest("load", *map(str, first), "--database", str(database))
    # the seed and the models in one invocation (dbt's fixed cost is several seconds)
    _dbt(
        [
            "build",
            "--select",
            f"accepted_event_types {SELECTION}",
            "--exclude-resource-type",
            "test",
            "--exclude-resource-type",
            "unit_test",
        ],
        database,
        target_path,
    )
    with duckdb.connect(str(database)) as con:
        events_before = con.execute(
            "select count(*) from intermediate.int_events_sessionized"
        ).fetchall()[0][0]
        rowids_before = {model: _rowids(con, model, key) for model, key in FACTS.items()}

    # In-process: dbt ran in this process and holds the file, so a loader subprocess could
    # not take the write lock.
    assert not load_paths(second, database).failed
    _dbt(run_args, database, target_path)  # a new day: appended, numbering continued
    with duckdb.connect(str(database)) as con:
        # the midnight cases, numbered across the two loads
        sessions = dict(
            con.execute(
                "select user_id, max(session_number) from intermediate.int_events_sessionized "
                "where user_id in (901, 902, 903) group by user_id"
            ).fetchall()
        )
        rowids_after = {model: _rowids(con, model, key) for model, key in FACTS.items()}
    assert sessions == {901: 1, 902: 2, 903: 1}
    # A new day only adds rows: the table is the same one and every row built before keeps
    # its physical row id (DuckDB's rowid), i.e. was neither deleted nor rewritten, so the
    # run cost that day alone.
    for model, before in rowids_before.items():
        after = rowids_after[model]
        assert len(after) > len(before), model
        assert {key: after[key] for key in before} == before, model
    assert not load_paths(late, database).failed
    _dbt(run_args, database, target_path)  # a late file: rebuilt from its day on
    # Corrected files: a new version at the path of day 3's events and of its sales, each
    # without a third of its lines. The load replaces the old versions' raw rows (the same
    # ids for the lines kept); the run rebuilds from that day with the new versions only.
    corrected = [path for path in first if DAYS[2].isoformat() in path.name]
    assert len(corrected) == 2
    for path in corrected:
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(line for number, line in enumerate(lines, 1) if number % 3))
    assert not load_paths(corrected, database).failed
    _dbt(run_args, database, target_path)

    with duckdb.connect(str(database)) as con:
        # the second run really was incremental: it kept the first run's table
        model_kinds = dict(
            con.execute(
                "select table_name, table_type from information_schema.tables "
                "where table_schema = 'intermediate'"
            ).fetchall()
        )
        assert model_kinds["int_events_sessionized"] == "BASE TABLE"
        con.execute("create schema incremental_copy")
        for relation in COMPARED_MODELS:
            name = relation.split(".")[1]
            con.execute(f"create table incremental_copy.{name} as select * from {relation}")
        events_after = con.execute(
            "select count(*) from intermediate.int_events_sessionized"
        ).fetchall()[0][0]
    assert events_after > events_before

    _dbt([*run_args, "--full-refresh"], database, target_path)
    with duckdb.connect(str(database)) as con:
        for relation, key in COMPARED_MODELS.items():
            copy = "incremental_copy." + relation.split(".")[1]
            rows = con.execute(f"select count(*), count(distinct {key}) from {copy}").fetchall()
            assert rows[0][0] > 0 and rows[0][0] == rows[0][1], relation
            assert _differences(con, relation, copy) == (0, 0), relation


def _read(warehouse: Warehouse, sql: str) -> pd.DataFrame:
    with warehouse.connect() as con:
        return con.execute(sql).df()


def test_product_features_bins_as_pandas_cut(built_warehouse: Warehouse) -> None:
    current = _read(
        built_warehouse,
        "select product_id, cast(price as double) as price from intermediate.int_products_current",
    )
    built = _read(
        built_warehouse, "select product_id, price_category from features.product_features"
    )
    expected = pd.cut(
        current["price"],
        bins=[0, 50, 200, float("inf")],
        labels=["budget", "mid-range", "premium"],
    ).astype(object)
    expected_map = dict(zip(current["product_id"], expected, strict=True))
    assert len(built) == len(current)
    for product_id, category in zip(built["product_id"], built["price_category"], strict=True):
        want = expected_map[product_id]
        assert (category if isinstance(category, str) else None) == (
            want if isinstance(want, str) else None
        ), product_id


def test_transaction_features_as_pandas(built_warehouse: Warehouse) -> None:
    staged = _read(
        built_warehouse, "select transaction_id, transaction_at from staging.stg_transactions"
    )
    built = _read(
        built_warehouse,
        "select transaction_id, hour_of_day, day_of_week, is_weekend "
        "from features.transaction_features",
    ).set_index("transaction_id")
    assert len(built) == len(staged) > 0
    staged = staged.set_index("transaction_id").loc[built.index]
    assert (built["hour_of_day"] == staged["transaction_at"].dt.hour).all()
    assert (built["day_of_week"] == staged["transaction_at"].dt.day_of_week).all()
    assert (built["is_weekend"] == staged["transaction_at"].dt.day_of_week.isin([5, 6])).all()


def test_user_behavior_features_median_as_pandas(built_warehouse: Warehouse) -> None:
    staged = _read(
        built_warehouse,
        "select behavior_id, page_views, session_duration from staging.stg_user_behavior",
    )
    with built_warehouse.connect() as con:
        built = {
            behavior_id: (score, active)
            for behavior_id, score, active in con.execute(
                "select behavior_id, engagement_score, is_active_user "
                "from features.user_behavior_features"
            ).fetchall()
        }
    # exact decimals: tenths as integers
    tenths = staged["page_views"].astype("int64") * 3 + staged["session_duration"] * 7
    median = tenths.median()  # the mean of the two middle values, as the design's pandas
    assert len(built) == len(staged) > 0
    for behavior_id, score in zip(staged["behavior_id"], tenths, strict=True):
        built_score, built_active = built[behavior_id]
        assert built_score == Decimal(int(score)) / 10
        assert built_active == (score > median)


CATALOG_CHECKS = [
    f"{model}__product_in_catalog_{severity}"
    for model in ("sales_features", "product_summary")
    for severity in ("warn", "error")
]


def _catalog_check_statuses(database: Path, target_path: Path) -> dict[str, str]:
    result = run_dbt(
        ["test", "--select", *CATALOG_CHECKS, "--vars", SUITE_DBT_VARS],
        database=database,
        target_path=target_path,
    )
    assert result.result is not None, result.exception
    # the tests' statuses (the project's on-run-end hooks report too)
    statuses = {str(run.node.name): str(run.status) for run in result.result}
    return {name: statuses[name] for name in CATALOG_CHECKS}


def test_sales_of_products_without_a_valid_catalog_row_warn_and_a_lost_catalog_fails(
    built_warehouse: Warehouse, tmp_path: Path
) -> None:
    """Sales and the catalog are validated apart. A product whose only catalog row was
    rejected (scale 500 has one: launched on the last day, its one row faulty) has valid sales
    and no parent: they warn and the build goes on. More than 1% of such rows (a catalog that
    lost products) fails it."""
    copy = built_warehouse.copy_to(tmp_path)
    database, target_path = copy.database, copy.target_path
    assert set(_catalog_check_statuses(database, target_path).values()) == {"pass"}

    with duckdb.connect(str(database)) as con:
        # The catalog as a table of its own, to delete products from (the model is a view).
        con.execute(
            "create table intermediate.catalog as select * from intermediate.int_products_current"
        )
        con.execute("drop view intermediate.int_products_current")
        con.execute("alter table intermediate.catalog rename to int_products_current")
        # The least-sold product: its sales are far under 1% of all sales, and one product
        # of the ~200 sold is under 1% of product_summary.
        sold = con.execute(
            "select product_id, count(*) over () from marts.product_summary "
            "order by total_quantity_sold, product_id limit 1"
        ).fetchall()
        product_id, sold_products = sold[0]
        assert sold_products > 100
        con.execute(
            "delete from intermediate.int_products_current where product_id = ?", [product_id]
        )
    assert _catalog_check_statuses(database, target_path) == {
        "sales_features__product_in_catalog_warn": "warn",
        "sales_features__product_in_catalog_error": "pass",
        "product_summary__product_in_catalog_warn": "warn",
        "product_summary__product_in_catalog_error": "pass",
    }

    with duckdb.connect(str(database)) as con:
        # The best sellers: a tenth of the products and far more than 1% of the sales.
        con.execute(
            "delete from intermediate.int_products_current where product_id in ("
            "select product_id from marts.product_summary "
            "order by total_quantity_sold desc limit ?)",
            [sold_products // 10],
        )
    assert _catalog_check_statuses(database, target_path) == {
        "sales_features__product_in_catalog_warn": "warn",
        "sales_features__product_in_catalog_error": "fail",
        "product_summary__product_in_catalog_warn": "warn",
        "product_summary__product_in_catalog_error": "fail",
    }
