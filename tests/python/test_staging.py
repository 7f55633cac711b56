"""Staging on the suite's generated data (fault rate 0.05): nothing lost, faults rejected.

The generator writes `_faults.csv` (one line per injected fault: source, file, line, fault,
column, expected_reason). Every fault a staging rule covers must be in
`stg_<source>__rejected` with its reason; unparsable lines (`quarantine`) must be in
`raw._quarantine`; faults no rule covers (an exact duplicate sales line) stay valid; and no
line outside the faults file may be rejected.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import Warehouse

SOURCES = ("sales", "products", "user_behavior", "transactions", "events", "customers")

# The staged interface the feature models read (name -> DuckDB type), lineage last.
LINEAGE = {
    "_batch_id": "VARCHAR",
    "_source_file": "VARCHAR",
    "_row_number": "BIGINT",
    "_loaded_at": "TIMESTAMP",
}
STAGED_COLUMNS: dict[str, dict[str, str]] = {
    "sales": {
        "sale_id": "VARCHAR",
        "sale_date": "DATE",
        "product_id": "BIGINT",
        "customer_id": "BIGINT",
        "quantity": "INTEGER",
        "price": "DECIMAL(18,2)",
    },
    "products": {
        "product_id": "BIGINT",
        "product_name": "VARCHAR",
        "category": "VARCHAR",
        "price": "DECIMAL(18,2)",
        "rating": "DECIMAL(4,2)",
        "updated_at": "TIMESTAMP",
        "snapshot_date": "DATE",
    },
    "user_behavior": {
        "behavior_id": "VARCHAR",
        "user_id": "BIGINT",
        "page_views": "INTEGER",
        "session_duration": "INTEGER",
        "behavior_at": "TIMESTAMP",
    },
    "transactions": {
        "transaction_id": "BIGINT",
        "user_id": "BIGINT",
        "amount": "DECIMAL(18,2)",
        "transaction_at": "TIMESTAMP",
    },
    "events": {
        "event_id": "VARCHAR",
        "user_id": "BIGINT",
        "event_type": "VARCHAR",
        "event_at": "TIMESTAMP",
        "event_date": "DATE",
        "product_id": "BIGINT",
        "amount": "DECIMAL(18,2)",
        "page": "VARCHAR",
        "search_query": "VARCHAR",
        "data": "JSON",
    },
    "customers": {
        "customer_record_id": "VARCHAR",
        "customer_id": "BIGINT",
        "email": "VARCHAR",
        "full_name": "VARCHAR",
        "country": "VARCHAR",
        "signup_at": "TIMESTAMP",
        "has_marketing_consent": "BOOLEAN",
        "is_do_not_sell": "BOOLEAN",
        "updated_at": "TIMESTAMP",
    },
}

Line = tuple[str, int]  # (file relative to the landing root, 1-based line)


def relation(schema: str, table: str) -> str:
    """A quoted schema.table for SQL text (identifiers cannot be bound as parameters)."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in (schema, table))


def read_faults(landing: Path) -> list[dict[str, str]]:
    with (landing / "_faults.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def rejected_lines(warehouse: Warehouse, source: str) -> dict[Line, list[str]]:
    """(file, line) -> reason codes of every row of stg_<source>__rejected."""
    rows = warehouse.query(
        "select _source_file, _row_number, rejection_reasons "
        f"from {relation('staging', f'stg_{source}__rejected')}"
    )
    return {(file, int(line)): reasons.split(",") for file, line, reasons in rows}


def columns_of(warehouse: Warehouse, schema: str, table: str) -> dict[str, str]:
    rows = warehouse.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    )
    return dict(rows)


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES)
def test_every_raw_row_is_either_staged_or_rejected(
    built_warehouse: Warehouse, source: str
) -> None:
    """count(raw) = count(stg) + count(rejected), and the same lines, each exactly once."""
    key = "_batch_id, _source_file, _row_number"
    raw = built_warehouse.query(f"select {key} from {relation('raw', source)}")
    staged = built_warehouse.query(f"select {key} from {relation('staging', f'stg_{source}')}")
    rejected = built_warehouse.query(
        f"select {key} from {relation('staging', f'stg_{source}__rejected')}"
    )
    assert raw, f"raw.{source} is empty: the suite data should have rows"
    assert len(raw) == len(staged) + len(rejected)
    assert set(staged).isdisjoint(rejected)
    assert set(staged) | set(rejected) == set(raw)


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES)
def test_injected_faults_are_rejected_with_their_reason(
    built_warehouse: Warehouse, source: str
) -> None:
    faults = [
        fault
        for fault in read_faults(built_warehouse.landing)
        if fault["source"] == source and fault["expected_reason"] not in ("", "quarantine")
    ]
    rejected = rejected_lines(built_warehouse, source)
    missing = []
    wrong_reason = []
    for fault in faults:
        line = (fault["file"], int(fault["line"]))
        if line not in rejected:
            missing.append(fault)
        elif fault["expected_reason"] not in rejected[line]:
            wrong_reason.append((fault, rejected[line]))
    assert not missing, f"{len(missing)} injected faults were not rejected, e.g. {missing[:3]}"
    assert not wrong_reason, (
        f"{len(wrong_reason)} faults rejected without their reason, e.g. {wrong_reason[:3]}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES)
def test_no_line_outside_the_faults_file_is_rejected(
    built_warehouse: Warehouse, source: str
) -> None:
    fault_lines = {
        (fault["file"], int(fault["line"]))
        for fault in read_faults(built_warehouse.landing)
        if fault["source"] == source
    }
    clean_but_rejected = sorted(set(rejected_lines(built_warehouse, source)) - fault_lines)
    assert not clean_but_rejected, (
        f"{len(clean_but_rejected)} clean lines rejected, e.g. {clean_but_rejected[:5]}"
    )


@pytest.mark.slow
def test_faults_no_rule_covers_stay_valid(built_warehouse: Warehouse) -> None:
    """Faults with an empty expected_reason (e.g. an exact duplicate sales line) are kept."""
    by_source: dict[str, set[Line]] = defaultdict(set)
    for fault in read_faults(built_warehouse.landing):
        if fault["expected_reason"] == "":
            by_source[fault["source"]].add((fault["file"], int(fault["line"])))
    assert by_source, "the suite data should inject at least one fault no rule covers"
    for source, lines in by_source.items():
        staged = {
            (file, int(line))
            for file, line in built_warehouse.query(
                f"select _source_file, _row_number from {relation('staging', f'stg_{source}')}"
            )
        }
        assert lines <= staged, (
            f"{source}: kept faults missing from stg: {sorted(lines - staged)[:5]}"
        )


@pytest.mark.slow
def test_unparsable_lines_are_quarantined(built_warehouse: Warehouse) -> None:
    faults = [
        fault
        for fault in read_faults(built_warehouse.landing)
        if fault["expected_reason"] == "quarantine"
    ]
    assert faults, "the suite data should inject unparsable lines"
    quarantined = {
        (source, file, int(line))
        for source, file, line in built_warehouse.query(
            "select source, source_file, line_number from raw._quarantine"
        )
    }
    missing = [
        fault
        for fault in faults
        if (fault["source"], fault["file"], int(fault["line"])) not in quarantined
    ]
    assert not missing, f"{len(missing)} unparsable lines not quarantined, e.g. {missing[:3]}"


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES)
def test_staged_columns_are_the_interface(built_warehouse: Warehouse, source: str) -> None:
    """stg_<source> has exactly the documented columns and types, in order."""
    expected = {**STAGED_COLUMNS[source], **LINEAGE}
    assert columns_of(built_warehouse, "staging", f"stg_{source}") == expected


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES)
def test_rejected_rows_keep_the_raw_columns(built_warehouse: Warehouse, source: str) -> None:
    """stg_<source>__rejected = every raw column (as text) + the two reason columns."""
    raw = columns_of(built_warehouse, "raw", source)
    rejected = columns_of(built_warehouse, "staging", f"stg_{source}__rejected")
    assert rejected == {
        **raw,
        "rejection_reasons": "VARCHAR",
        "rejection_reason_count": "INTEGER",
    }
    counts = built_warehouse.query(
        f"select count(*) from {relation('staging', f'stg_{source}__rejected')} "
        "where rejection_reason_count <> len(string_split(rejection_reasons, ','))"
    )
    assert counts == [(0,)]


def utc_naive(text: str) -> datetime:
    """Python's own ISO-8601 reading of a raw timestamp, as a naive UTC datetime."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


@pytest.mark.slow
@pytest.mark.parametrize(
    ("source", "raw_column", "typed_column"),
    [
        ("events", "raw_timestamp", "event_at"),
        ("user_behavior", "raw_timestamp", "behavior_at"),
        ("transactions", "raw_timestamp", "transaction_at"),
        ("products", "raw_updated_at", "updated_at"),
    ],
)
def test_valid_timestamps_are_the_utc_instant_of_the_raw_text(
    built_warehouse: Warehouse, source: str, raw_column: str, typed_column: str
) -> None:
    """Offsets ('Z', '+02:00', '-05:00', '+05:30') convert to UTC; no offset means UTC."""
    rows = built_warehouse.query(
        f"select {raw_column}, {typed_column} "
        f"from {relation('staging', f'stg_{source}__validated')} "
        f"where rejection_reason_count = 0 and {raw_column} is not null"
    )
    assert rows
    wrong = [(text, staged) for text, staged in rows if utc_naive(text) != staged]
    assert not wrong, f"{len(wrong)} timestamps differ from Python's reading, e.g. {wrong[:3]}"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("source", "columns"),
    [
        ("sales", ("price",)),
        ("products", ("price", "rating")),
        ("transactions", ("amount",)),
    ],
)
def test_valid_decimals_keep_the_raw_value_exactly(
    built_warehouse: Warehouse, source: str, columns: tuple[str, ...]
) -> None:
    """Money and ratings are the exact decimal the file wrote: no float drift, no rounding."""
    for column in columns:
        rows = built_warehouse.query(
            f"select raw_{column}, {column} "
            f"from {relation('staging', f'stg_{source}__validated')} "
            "where rejection_reason_count = 0"
        )
        assert rows
        wrong = [(text, staged) for text, staged in rows if Decimal(text.strip()) != staged]
        assert not wrong, f"{source}.{column}: {len(wrong)} values changed, e.g. {wrong[:3]}"


def test_dbt_landed_sources_are_the_ingest_contracts() -> None:
    """dbt's one list of sources (var landed_sources) names the contracts, in their order."""
    import yaml

    from ingest.contracts import CONTRACTS

    project = yaml.safe_load((Path(__file__).parents[2] / "dbt_project.yml").read_text())
    assert project["vars"]["landed_sources"] == list(CONTRACTS)


def test_dbt_raw_source_columns_are_the_ingest_contracts() -> None:
    """The raw columns stg_<source>__rejected gives back (macro raw_contract_columns: the
    source's columns in _raw__sources.yml without the loader's `_` ones) are each contract's, in
    file order."""
    import yaml

    from ingest.contracts import CONTRACTS

    staging = Path(__file__).parents[2] / "models" / "staging"
    (raw,) = yaml.safe_load((staging / "_raw__sources.yml").read_text())["sources"]
    declared = {
        table["name"]: [column["name"] for column in table.get("columns", [])]
        for table in raw["tables"]
    }
    for name, contract in CONTRACTS.items():
        own = [column for column in declared[name] if not column.startswith("_")]
        assert own == list(contract.column_names), name
