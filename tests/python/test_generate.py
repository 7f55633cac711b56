"""The synthetic data generator: deterministic, realistic, consistent, and honest about faults.

Small runs (a few thousand rows) in-process; every check reads the files as a consumer would.
The fault checks re-implement the staging rules of the reason-code convention in plain
Python, so a fault that would not produce its expected_reason, or a clean row that would be
rejected, fails here.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow.parquet as pq
import pytest

from ingest.contracts import CONTRACTS
from ingest.errors import IngestError
from ingest.generate import GenerateError, GenerateResult, generate

if TYPE_CHECKING:
    from conftest import Warehouse

START = date(2026, 10, 1)
CATEGORIES = {"electronics", "clothing", "books", "home", "sports"}
EVENT_TYPES = {"page_view", "click", "add_to_cart", "purchase", "search"}
SESSION_GAP = 1800


def _digest(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[0].split(","), [line.split(",") for line in lines[1:]]


def _files(root: Path, source: str) -> list[Path]:
    pattern = "**/*.jsonl" if source == "events" else "*.*"
    return sorted((root / source).glob(pattern))


def _faults(root: Path) -> list[dict[str, str]]:
    with open(root / "_faults.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateResult]:
    out = tmp_path_factory.mktemp("clean") / "landing"
    return out, generate(out, scale=0.3, seed=5, days=14, start_date=START)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateResult]:
    out = tmp_path_factory.mktemp("faulty") / "landing"
    return out, generate(out, scale=0.05, seed=3, days=7, start_date=START, fault_rate=0.05)


# --- determinism and the output folder ---------------------------------------------------


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    first = _digest(generate(tmp_path / "a", scale=0.02, seed=9, days=3, fault_rate=0.1).out)
    second = _digest(generate(tmp_path / "b", scale=0.02, seed=9, days=3, fault_rate=0.1).out)
    assert len(first) > 10
    assert first == second


def test_different_seed_gives_different_data(tmp_path: Path) -> None:
    first = _digest(generate(tmp_path / "a", scale=0.02, seed=1, days=2).out)
    second = _digest(generate(tmp_path / "b", scale=0.02, seed=2, days=2).out)
    for name in (
        "sales/sales_2026-10-01.csv",
        "products/products_2026-10-01.csv",
        "transactions/transactions_2026-10-01.parquet",
    ):
        assert first[name] != second[name], name


def test_fewer_days_give_the_first_files_of_a_longer_run(tmp_path: Path) -> None:
    short = _digest(generate(tmp_path / "short", scale=0.02, seed=4, days=2).out)
    long = _digest(generate(tmp_path / "long", scale=0.02, seed=4, days=4).out)
    data = [name for name in short if not name.startswith("_")]
    assert data and all(short[name] == long[name] for name in data)


def test_fault_rate_leaves_the_clean_rows_alone(tmp_path: Path) -> None:
    clean_out = generate(tmp_path / "clean", scale=0.05, seed=4, days=1).out
    faulty_out = generate(tmp_path / "faulty", scale=0.05, seed=4, days=1, fault_rate=0.1).out
    name = "sales/sales_2026-10-01.csv"
    clean_lines = (clean_out / name).read_text().splitlines()
    faulty_lines = (faulty_out / name).read_text().splitlines()
    touched = {int(f["line"]) for f in _faults(faulty_out) if f["file"] == name}
    assert touched
    for number, line in enumerate(clean_lines, start=1):
        if number not in touched:
            assert faulty_lines[number - 1] == line


def test_rerun_replaces_its_own_files_and_keeps_foreign_ones(tmp_path: Path) -> None:
    out = tmp_path / "landing"
    generate(out, scale=0.02, seed=1, days=3, fault_rate=0.05)
    foreign = out / "sales" / "my_own_sales.csv"
    foreign.write_text("date,product_id,quantity,price,customer_id\n")
    result = generate(out, scale=0.02, seed=1, days=2, fault_rate=0.05)
    assert not (out / "sales" / "sales_2026-10-03.csv").exists()
    assert not (out / "events" / "2026-10-03").exists()
    assert "sales/sales_2026-10-03.csv" in result.removed
    assert foreign.exists()
    fresh = _digest(generate(tmp_path / "fresh", scale=0.02, seed=1, days=2, fault_rate=0.05).out)
    again = _digest(out)
    again.pop("sales/my_own_sales.csv")
    assert again == fresh
    assert not list(out.rglob(".*.tmp")) and not list(out.rglob(".faults_*"))
    written = {path.relative_to(out).as_posix() for path in result.files}
    assert written == set(fresh)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"scale": 0}, "scale"),
        ({"scale": -1.0}, "scale"),
        ({"scale": math.nan}, "scale"),
        ({"days": 0}, "days"),
        ({"fault_rate": -0.01}, "fault_rate"),
        ({"fault_rate": 0.51}, "fault_rate"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_arguments_raise_a_one_line_error(
    tmp_path: Path, arguments: dict, message: str
) -> None:
    with pytest.raises(GenerateError) as raised:
        generate(tmp_path / "out", **arguments)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, IngestError)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "landing"
    target.write_text("not a folder")
    with pytest.raises(GenerateError, match="not a folder"):
        generate(target, scale=0.02, days=1)


def test_tiny_scale_writes_no_empty_or_header_only_file(tmp_path: Path) -> None:
    out = generate(tmp_path / "tiny", scale=0.001, seed=2, days=3).out
    for path in out.rglob("*"):
        if path.is_file() and not path.name.startswith("_"):
            minimum = 1 if path.suffix in {".jsonl", ".parquet"} else 2
            rows = (
                pq.read_metadata(path).num_rows
                if path.suffix == ".parquet"
                else len(path.read_text().splitlines())
            )
            assert rows >= minimum, path


# --- layout, schemas and consistency ------------------------------------------------------


def test_files_follow_the_landing_layout_and_contracts(clean: tuple[Path, GenerateResult]) -> None:
    out, _ = clean
    names = {
        "sales": r"sales_2026-10-\d\d\.csv",
        "products": r"products_2026-10-\d\d\.csv",
        "user_behavior": r"user_behavior_2026-10-\d\d\.csv",
        "transactions": r"transactions_2026-10-\d\d\.parquet",
    }
    for source, pattern in names.items():
        files = _files(out, source)
        assert len(files) == 14, source
        for path in files:
            assert re.fullmatch(pattern, path.name)
            if path.suffix == ".csv":
                header, _ = _csv_rows(path)
                assert tuple(header) == CONTRACTS[source].column_names
            else:
                schema = pq.read_schema(path)
                assert tuple(schema.names) == CONTRACTS[source].column_names
                assert [str(field.type) for field in schema] == [
                    "int64",
                    "int64",
                    "decimal128(18, 2)",
                    "timestamp[us]",
                ]
    events = _files(out, "events")
    assert len(events) > 14 * 20
    for path in events:
        day = path.parent.name
        assert re.fullmatch(rf"events_{day}T([01]\d|2[0-3])\.jsonl", path.name)
        for line in path.read_text().splitlines()[:3]:
            assert tuple(json.loads(line)) == CONTRACTS["events"].column_names


def test_volumes_scale_with_the_arguments(clean: tuple[Path, GenerateResult]) -> None:
    _, result = clean
    sources = result.manifest["sources"]
    expected = 0.3 * 100_000 / 28 * 14  # scale 1 is ~100k over 28 days
    assert 0.85 * expected < sources["sales"]["rows"] < 1.15 * expected
    assert 0.85 * expected < sources["events"]["rows"] < 1.15 * expected
    assert result.manifest["universe"]["users"] == 2_400


def test_ids_are_consistent_across_sources(clean: tuple[Path, GenerateResult]) -> None:
    out, result = clean
    universe = result.manifest["universe"]
    users = range(universe["user_id_min"], universe["user_id_max"] + 1)
    for path in _files(out, "sales"):
        day = path.name.removeprefix("sales_").removesuffix(".csv")
        _, catalog = _csv_rows(out / "products" / f"products_{day}.csv")
        catalog_ids = {row[0] for row in catalog}
        _, rows = _csv_rows(path)
        assert {row[0] for row in rows} == {day}
        assert {row[1] for row in rows} <= catalog_ids
        assert all(int(row[4]) in users for row in rows)
    for path in _files(out, "user_behavior"):
        assert all(int(row[0]) in users for row in _csv_rows(path)[1])
    for path in _files(out, "transactions"):
        assert all(user in users for user in pq.read_table(path)["user_id"].to_pylist())


def _catalog_prices(out: Path) -> dict[str, dict[str, str]]:
    prices: dict[str, dict[str, str]] = {}
    for path in _files(out, "products"):
        day = path.name.removeprefix("products_").removesuffix(".csv")
        prices[day] = {row[0]: row[3] for row in _csv_rows(path)[1]}
    return prices


def _events(out: Path) -> list[dict]:
    return [
        json.loads(line) for path in _files(out, "events") for line in path.read_text().splitlines()
    ]


def _utc(text: str) -> datetime:
    """An event timestamp (ISO-8601 with an offset or Z) as a naive UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)


def test_sales_and_purchases_use_the_catalog_price_of_the_day(
    clean: tuple[Path, GenerateResult],
) -> None:
    out, _ = clean
    prices = _catalog_prices(out)
    for path in _files(out, "sales"):
        for day, product, quantity, price, _customer in _csv_rows(path)[1]:
            assert price == prices[day][product]
            assert int(quantity) > 0
    purchases = [event for event in _events(out) if event["event_type"] == "purchase"]
    assert len(purchases) > 100
    for event in purchases:
        day = _utc(event["timestamp"]).date().isoformat()
        data = event["data"]
        unit = Decimal(prices[day][str(data["product_id"])])
        assert Decimal(str(data["amount"])) == data["quantity"] * unit


def test_transactions_are_the_payments_of_the_purchases(clean: tuple[Path, GenerateResult]) -> None:
    out, _ = clean
    purchases = Counter(
        (event["user_id"], Decimal(str(event["data"]["amount"])))
        for event in _events(out)
        if event["event_type"] == "purchase"
    )
    payments: Counter[tuple[int, Decimal]] = Counter()
    ids: list[int] = []
    for path in _files(out, "transactions"):
        table = pq.read_table(path).to_pylist()
        payments.update((row["user_id"], row["amount"]) for row in table)
        ids.extend(row["transaction_id"] for row in table)
    assert payments == purchases
    assert len(ids) == len(set(ids))


def test_catalog_changes_prices_and_grows(clean: tuple[Path, GenerateResult]) -> None:
    out, _ = clean
    snapshots = [{row[0]: row for row in _csv_rows(path)[1]} for path in _files(out, "products")]
    assert len(snapshots[-1]) > len(snapshots[0])  # new products appeared
    changed = 0
    for before, after in zip(snapshots, snapshots[1:], strict=False):
        assert set(before) <= set(after)  # a snapshot is the full catalog
        for product, row in before.items():
            if row[3] != after[product][3]:
                changed += 1
                assert after[product][5] > row[5]  # updated_at moved
                assert after[product][5][:10] > row[5][:10]
    assert changed > 10
    categories = {row[2] for snapshot in snapshots for row in snapshot.values()}
    assert categories == CATEGORIES


def test_product_popularity_is_skewed(clean: tuple[Path, GenerateResult]) -> None:
    out, _ = clean
    counts = Counter(row[1] for path in _files(out, "sales") for row in _csv_rows(path)[1])
    ranked = sorted(counts.values(), reverse=True)
    top = ranked[: max(1, len(ranked) // 10)]
    assert sum(top) > 0.35 * sum(ranked)


def test_weekly_and_daily_seasonality(clean: tuple[Path, GenerateResult]) -> None:
    out, _ = clean
    per_day = {path.name[6:16]: len(_csv_rows(path)[1]) for path in _files(out, "sales")}
    weekend = [n for day, n in per_day.items() if date.fromisoformat(day).weekday() >= 5]
    weekday = [n for day, n in per_day.items() if date.fromisoformat(day).weekday() < 5]
    assert sum(weekend) / len(weekend) > 1.1 * sum(weekday) / len(weekday)
    per_hour = Counter(
        int(path.stem[-2:]) for path in _files(out, "events") for _ in path.read_text().splitlines()
    )
    night = sum(per_hour[hour] for hour in (2, 3, 4))
    evening = sum(per_hour[hour] for hour in (18, 19, 20))
    assert evening > 4 * night


def test_events_form_sessions_that_match_user_behavior(clean: tuple[Path, GenerateResult]) -> None:
    out, _ = clean
    by_user: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    offsets: Counter[str] = Counter()
    for event in _events(out):
        offsets[event["timestamp"][19:] or "naive"] += 1
        by_user[event["user_id"]].append((_utc(event["timestamp"]), event["event_type"]))
    assert {"Z", "+00:00", "+02:00", "-05:00"} <= set(offsets)
    sessions = set()
    gaps: Counter[float] = Counter()
    for user, events in by_user.items():
        events.sort()
        start, last, views = events[0][0], events[0][0], 0
        for index, (stamp, kind) in enumerate(events):
            gap = (stamp - last).total_seconds()
            gaps[gap] += 1
            if index and gap > SESSION_GAP:
                sessions.add((user, start, views, int((last - start).total_seconds())))
                start, views = stamp, 0
            views += kind == "page_view"
            last = stamp
        sessions.add((user, start, views, int((last - start).total_seconds())))
    assert gaps[SESSION_GAP] > 0 and gaps[SESSION_GAP - 1] > 0 and gaps[SESSION_GAP + 1] > 0
    assert sum(n for gap, n in gaps.items() if gap > 3 * 3600) > 100  # hours between visits
    visits = set()
    for path in _files(out, "user_behavior"):
        for user, views, duration, stamp in _csv_rows(path)[1]:
            visits.add((int(user), datetime.fromisoformat(stamp), int(views), int(duration)))
            assert 0 <= int(duration) <= 7200 and 1 <= int(views) <= 1000
    assert visits == sessions


# --- faults ---------------------------------------------------------------------------------

INT = re.compile(r"-?\d+")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _check_number(
    row: dict,
    column: str,
    pattern: re.Pattern[str],
    low: Decimal | None,
    high: Decimal | None,
    reasons: list[str],
    low_inclusive: bool = True,
) -> None:
    value = row.get(column)
    if value is None or value == "":
        reasons.append(f"missing_{column}")
    elif not pattern.fullmatch(str(value)):
        reasons.append(f"invalid_{column}")
    else:
        number = Decimal(str(value))
        too_low = low is not None and (number < low if low_inclusive else number <= low)
        if too_low or (high is not None and number > high):
            reasons.append(f"out_of_range_{column}")


def _check_time(row: dict, column: str, reasons: list[str], required: bool = True) -> None:
    value = row.get(column)
    if value is None or value == "":
        if required:
            reasons.append(f"missing_{column}")
        return
    try:
        if column == "date":
            if not re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                raise ValueError(value)
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        reasons.append(f"invalid_{column}")


def _csv_reasons(source: str, row: dict) -> list[str]:
    """The staging rules of the reason-code convention, in plain Python."""
    reasons: list[str] = []
    zero, none = Decimal(0), None
    if source == "sales":
        _check_time(row, "date", reasons)
        _check_number(row, "product_id", INT, none, none, reasons)
        _check_number(row, "quantity", INT, zero, none, reasons, low_inclusive=False)
        _check_number(row, "price", NUMBER, zero, Decimal(10_000), reasons, low_inclusive=False)
        _check_number(row, "customer_id", INT, none, none, reasons)
    elif source == "products":
        _check_number(row, "product_id", INT, none, none, reasons)
        if not row["category"]:
            reasons.append("missing_category")
        elif row["category"] not in CATEGORIES:
            reasons.append("unknown_category")
        # A catalog price of 0 is allowed (stg_products rejects only negative prices).
        _check_number(row, "price", NUMBER, zero, Decimal(10_000), reasons)
        _check_number(row, "rating", NUMBER, zero, Decimal(5), reasons)
        _check_time(row, "updated_at", reasons, required=False)
    elif source == "user_behavior":
        _check_number(row, "user_id", INT, none, none, reasons)
        _check_number(row, "page_views", INT, zero, Decimal(1_000), reasons)
        _check_number(row, "session_duration", INT, zero, Decimal(7_200), reasons)
        _check_time(row, "timestamp", reasons)
    return reasons


def _event_reasons(line: str) -> list[str]:
    try:
        event = json.loads(line)
    except ValueError:
        return ["quarantine"]
    reasons: list[str] = []
    user = event.get("user_id")
    if user is None:
        reasons.append("missing_user_id")
    elif not isinstance(user, int):
        reasons.append("invalid_user_id")
    kind = event.get("event_type")
    if kind is None:
        reasons.append("missing_event_type")
    elif kind not in EVENT_TYPES:
        reasons.append("unknown_event_type")
    stamp = event.get("timestamp")
    if stamp is None:
        reasons.append("missing_timestamp")
    else:
        try:
            _utc(stamp)
        except ValueError:
            reasons.append("invalid_timestamp")
    data = event.get("data")
    if data is None:
        reasons.append("missing_data")
    elif not isinstance(data, dict):
        reasons.append("invalid_data")
    elif kind == "purchase":
        amount = data.get("amount")
        if amount is None:
            reasons.append("missing_amount")
        elif not isinstance(amount, int | float):
            reasons.append("invalid_amount")
        elif amount <= 0:
            reasons.append("out_of_range_amount")
    return reasons


def _observed_reasons(out: Path) -> dict[tuple[str, str, int], str]:
    """What the staging rules say about every row of every file: reason codes joined."""
    observed: dict[tuple[str, str, int], str] = {}
    for source in ("sales", "products", "user_behavior"):
        for path in _files(out, source):
            name = path.relative_to(out).as_posix()
            header, rows = _csv_rows(path)
            keys: dict[tuple[str, str], int] = {}
            for line, fields in enumerate(rows, start=2):
                if len(fields) != len(header):
                    observed[(source, name, line)] = "quarantine"
                    continue
                reasons = _csv_reasons(source, dict(zip(header, fields, strict=True)))
                observed[(source, name, line)] = ",".join(reasons)
                if source == "user_behavior" and fields[0] and fields[3]:
                    key = (fields[0], fields[3])
                    if key in keys:  # the later copy is kept, the earlier rejected
                        earlier = (source, name, keys[key])
                        observed[earlier] = ",".join(filter(None, [observed[earlier], "duplicate"]))
                    keys[key] = line
    ids: dict[int, tuple[str, int]] = {}
    for path in _files(out, "transactions"):
        name = path.relative_to(out).as_posix()
        for line, row in enumerate(pq.read_table(path).to_pylist(), start=1):
            reasons = [f"missing_{column}" for column, value in row.items() if value is None]
            if row["amount"] is not None and row["amount"] <= 0:
                reasons.append("out_of_range_amount")
            observed[("transactions", name, line)] = ",".join(reasons)
            if row["transaction_id"] is not None:
                if row["transaction_id"] in ids:
                    earlier = ("transactions", *ids[row["transaction_id"]])
                    observed[earlier] = ",".join(filter(None, [observed[earlier], "duplicate"]))
                ids[row["transaction_id"]] = (name, line)
    for path in _files(out, "events"):
        name = path.relative_to(out).as_posix()
        for line, text in enumerate(path.read_text().splitlines(), start=1):
            observed[("events", name, line)] = ",".join(_event_reasons(text))
    return observed


def test_each_fault_gives_exactly_its_expected_reason_and_clean_rows_none(
    faulty: tuple[Path, GenerateResult],
) -> None:
    out, _ = faulty
    observed = _observed_reasons(out)
    expected = {key: "" for key in observed}
    for fault in _faults(out):
        if fault["source"] == "customers":
            # Checked against the dbt rules themselves: test_staging's fault tests.
            continue
        key = (fault["source"], fault["file"], int(fault["line"]))
        assert key in observed, key
        expected[key] = fault["expected_reason"]
    mismatches = {
        key: (expected[key], reason) for key, reason in observed.items() if expected[key] != reason
    }
    assert not mismatches, list(mismatches.items())[:10]


def test_exact_duplicate_sales_lines_are_the_recorded_copies(
    faulty: tuple[Path, GenerateResult],
) -> None:
    out, _ = faulty
    recorded = {
        (f["file"], int(f["line"]))
        for f in _faults(out)
        if f["source"] == "sales" and f["fault"] == "duplicate_row"
    }
    found = set()
    for path in _files(out, "sales"):
        name = path.relative_to(out).as_posix()
        seen: set[str] = set()
        for line, text in enumerate(path.read_text().splitlines()[1:], start=2):
            if text in seen:
                found.add((name, line))
            seen.add(text)
    assert recorded and found == recorded


def _each(fault: str, reason: str, *columns: str) -> set[tuple[str, str, str]]:
    """``fault`` in each of ``columns``, which staging must reject as ``<reason>_<column>``."""
    return {(fault, column, f"{reason}_{column}") for column in columns}


# Every fault class per source and the reason staging must give it.
EXPECTED_KINDS = {
    "sales": {
        *_each("null_value", "missing", "date", "product_id", "quantity", "price", "customer_id"),
        *_each("unparsable_number", "invalid", "product_id", "quantity", "price", "customer_id"),
        ("unparsable_date", "date", "invalid_date"),
        *_each("non_positive_value", "out_of_range", "quantity", "price"),
        ("duplicate_row", "", ""),
        ("wrong_column_count", "", "quarantine"),
    },
    "products": {
        *_each("null_value", "missing", "product_id", "category", "price", "rating"),
        *_each("unparsable_number", "invalid", "product_id", "price", "rating"),
        ("unparsable_date", "updated_at", "invalid_updated_at"),
        ("non_positive_value", "price", "out_of_range_price"),
        *_each("out_of_range_value", "out_of_range", "price", "rating"),
        ("unknown_category", "category", "unknown_category"),
        ("wrong_column_count", "", "quarantine"),
    },
    "user_behavior": {
        *_each("null_value", "missing", "user_id", "page_views", "session_duration", "timestamp"),
        *_each("unparsable_number", "invalid", "user_id", "page_views", "session_duration"),
        ("unparsable_date", "timestamp", "invalid_timestamp"),
        *_each("out_of_range_value", "out_of_range", "page_views", "session_duration"),
        ("duplicate_row", "", "duplicate"),
        ("wrong_column_count", "", "quarantine"),
    },
    "transactions": {
        *_each("null_value", "missing", "transaction_id", "user_id", "amount", "timestamp"),
        ("non_positive_value", "amount", "out_of_range_amount"),
        ("duplicate_row", "transaction_id", "duplicate"),
    },
    "events": {
        *_each("null_value", "missing", "user_id", "event_type", "timestamp", "data"),
        *_each("unparsable_number", "invalid", "user_id", "amount"),
        ("unparsable_date", "timestamp", "invalid_timestamp"),
        ("unknown_event_type", "event_type", "unknown_event_type"),
        ("data_not_an_object", "data", "invalid_data"),
        ("missing_amount", "amount", "missing_amount"),
        ("non_positive_value", "amount", "out_of_range_amount"),
        ("malformed_json", "", "quarantine"),
    },
    "customers": {
        *_each(
            "null_value",
            "missing",
            *("customer_id", "email", "signup_at", "marketing_consent", "updated_at"),
        ),
        ("unparsable_number", "customer_id", "invalid_customer_id"),
        ("invalid_email", "email", "invalid_email"),
        *_each("unparsable_date", "invalid", "signup_at", "updated_at"),
        *_each("unparsable_boolean", "invalid", "marketing_consent", "do_not_sell"),
        ("duplicate_row", "", "duplicate"),
        ("wrong_column_count", "", "quarantine"),
    },
}


def test_every_fault_class_is_injected_at_five_percent(faulty: tuple[Path, GenerateResult]) -> None:
    out, _ = faulty
    found: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for fault in _faults(out):
        found[fault["source"]].add((fault["fault"], fault["column"], fault["expected_reason"]))
    assert dict(found) == EXPECTED_KINDS


def test_manifest_counts_match_the_fault_list_and_the_rate(
    faulty: tuple[Path, GenerateResult],
) -> None:
    out, result = faulty
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest == result.manifest
    assert manifest["arguments"] == {
        "scale": 0.05,
        "seed": 3,
        "days": 7,
        "start_date": "2026-10-01",
        "fault_rate": 0.05,
    }
    faults = _faults(out)
    keys = [(f["source"], f["file"], int(f["line"])) for f in faults]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    by_class = Counter((f["source"], f["fault"]) for f in faults)
    by_file = Counter(f["file"] for f in faults)
    for source, summary in manifest["sources"].items():
        assert summary["faulty_rows"] == sum(n for (s, _), n in by_class.items() if s == source)
        for fault, count in summary["faults"].items():
            assert by_class[(source, fault)] == count
        for entry in summary["files"]:
            assert by_file[entry["file"]] == entry["faults"]
            path = out / entry["file"]
            rows = (
                pq.read_metadata(path).num_rows
                if path.suffix == ".parquet"
                else len(path.read_text().splitlines()) - (path.suffix == ".csv")
            )
            assert rows == entry["rows"]
        assert summary["rows"] == sum(entry["rows"] for entry in summary["files"])
    for source in ("sales", "events"):
        summary = manifest["sources"][source]
        assert 0.03 < summary["faulty_rows"] / summary["rows"] < 0.08, source


def test_no_faults_at_rate_zero(clean: tuple[Path, GenerateResult]) -> None:
    out, result = clean
    assert _faults(out) == []
    assert all(summary["faulty_rows"] == 0 for summary in result.manifest["sources"].values())
    assert set(_observed_reasons(out).values()) == {""}


def test_start_date_and_days_set_the_file_dates(tmp_path: Path) -> None:
    out = generate(tmp_path / "out", scale=0.02, days=2, start_date=date(2027, 2, 28)).out
    days = [path.name for path in _files(out, "sales")]
    assert days == ["sales_2027-02-28.csv", "sales_2027-03-01.csv"]
    last = START + timedelta(days=1)
    assert not (out / "sales" / f"sales_{last.isoformat()}.csv").exists()


@pytest.mark.slow
def test_loader_and_staging_reject_exactly_the_injected_faults(built_warehouse: Warehouse) -> None:
    """The manifest's promise, end to end: every quarantine line lands in raw._quarantine,
    every other fault is rejected by staging with its expected_reason, nothing else is."""
    faults = _faults(built_warehouse.landing)
    expected_quarantine = {
        (f["source"], f["file"], int(f["line"]))
        for f in faults
        if f["expected_reason"] == "quarantine"
    }
    expected_rejected = {
        (f["source"], f["file"], int(f["line"])): f["expected_reason"]
        for f in faults
        if f["expected_reason"] not in ("", "quarantine")
    }
    quarantined = set(
        built_warehouse.query("select source, source_file, line_number from raw._quarantine")
    )
    assert expected_quarantine and quarantined == expected_quarantine
    rejected: dict[tuple[str, str, int], str] = {}
    for source in CONTRACTS:
        rows = built_warehouse.query(
            # source comes from the fixed contracts, quoted as an identifier
            f"select _source_file, _row_number, rejection_reasons "
            f'from staging."stg_{source}__rejected"'
        )
        rejected.update({(source, file, line): reasons for file, line, reasons in rows})
    assert rejected == expected_rejected
