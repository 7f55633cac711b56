"""marts.data_quality_scores / _rejections / _checks / pipeline_metrics on the suite build.

Every figure is recomputed here independently from the raw tables, the generator's fault
list and the hook-written history, and compared with what dbt built.
"""

from __future__ import annotations

import csv
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import Warehouse

SOURCES = ("sales", "products", "user_behavior", "transactions", "events", "customers")


def expected_dqs(valid: int, total: int) -> Decimal:
    return (Decimal(100) * valid / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def scores(warehouse: Warehouse) -> dict[tuple[str, str], tuple]:
    rows = warehouse.query(
        "select source_name, batch_id, total_rows, valid_rows, rejected_rows, "
        "staging_rejected_rows, quarantined_rows, dqs from marts.data_quality_scores"
    )
    return {(row[0], row[1]): row[2:] for row in rows}


def test_scores_equal_an_independent_count_of_raw_rows(built_warehouse: Warehouse) -> None:
    built = scores(built_warehouse)
    assert {source for source, _ in built} == set(SOURCES)
    for source in SOURCES:
        raw = dict(
            built_warehouse.query(
                f'select _batch_id, count(*) from raw."{source}" group by _batch_id'
            )
        )
        quarantined = dict(
            built_warehouse.query(
                "select _batch_id, count(*) from raw._quarantine where source = ? "
                "group by _batch_id",
                [source],
            )
        )
        rejected = dict(
            built_warehouse.query(
                f'select _batch_id, count(*) from staging."stg_{source}__rejected" '
                "group by _batch_id"
            )
        )
        for batch in set(raw) | set(quarantined):
            total = raw.get(batch, 0) + quarantined.get(batch, 0)
            valid = raw.get(batch, 0) - rejected.get(batch, 0)
            got_total, got_valid, got_rejected, got_staging, got_quarantined, got_dqs = built[
                (source, batch)
            ]
            assert (got_total, got_valid) == (total, valid), source
            assert got_rejected == total - valid
            assert (got_staging, got_quarantined) == (
                rejected.get(batch, 0),
                quarantined.get(batch, 0),
            )
            assert got_dqs == expected_dqs(valid, total), source


def test_total_rows_equal_the_ledger_rows_read(built_warehouse: Warehouse) -> None:
    ledger = dict(
        ((source, batch), int(rows))
        for source, batch, rows in built_warehouse.query(
            "select source, batch_id, sum(rows_read) from raw._load_ledger "
            "where status = 'loaded' group by source, batch_id having sum(rows_read) > 0"
        )
    )
    built = {key: value[0] for key, value in scores(built_warehouse).items()}
    assert built == ledger


def test_exactly_one_latest_batch_per_source(built_warehouse: Warehouse) -> None:
    rows = built_warehouse.query(
        "select source_name, count(*) filter (where is_latest_batch) "
        "from marts.data_quality_scores group by source_name"
    )
    assert sorted(rows) == sorted((source, 1) for source in SOURCES)


def test_every_injected_fault_class_is_counted_under_its_reason(
    built_warehouse: Warehouse,
) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    with (built_warehouse.landing / "_faults.csv").open(newline="", encoding="utf-8") as file:
        for fault in csv.DictReader(file):
            if fault["expected_reason"]:
                expected[(fault["source"], fault["expected_reason"])] += 1
    assert expected, "the suite data must carry faults"
    counted = Counter(
        {
            (source, reason): int(rows)
            for source, reason, rows in built_warehouse.query(
                "select source_name, rejection_reason, sum(rejected_rows) "
                "from marts.data_quality_rejections group by all"
            )
        }
    )
    mismatches = {
        key: {"rejected": counted[key], "injected": expected[key]}
        for key in set(counted) | set(expected)
        if counted[key] != expected[key]
    }
    assert not mismatches


def test_quarantined_lines_keep_the_loader_reason(built_warehouse: Warehouse) -> None:
    by_detail = built_warehouse.query(
        "select source_name, rejection_detail, sum(rejected_rows) "
        "from marts.data_quality_rejections where rejection_reason = 'quarantine' "
        "group by all order by all"
    )
    raw = built_warehouse.query(
        "select source, reason, count(*) from raw._quarantine group by all order by all"
    )
    assert [(s, d, int(n)) for s, d, n in by_detail] == [(s, r, int(n)) for s, r, n in raw]


def test_checks_record_the_suite_build_with_its_score(built_warehouse: Warehouse) -> None:
    invocations = built_warehouse.query(
        "select invocation_id, min(checks_passed), min(checks_run), min(checks_passed_pct), "
        "count(*) filter (where status = 'pass'), "
        "count(*) filter (where status in ('pass', 'warn', 'fail', 'error')) "
        "from marts.data_quality_checks group by invocation_id"
    )
    assert invocations, "the on-run-end hook recorded no test results"
    for _, passed, run, pct, counted_pass, counted_run in invocations:
        assert (passed, run) == (counted_pass, counted_run)
        assert pct == expected_dqs(counted_pass, counted_run)
    # Each test appears once per invocation with its model and severity.
    rows = built_warehouse.query(
        "select count(*), count(distinct invocation_id || unique_id), "
        "count(*) filter (where severity not in ('error', 'warn')), "
        "count(*) filter (where attached_node is null) from marts.data_quality_checks"
    )
    total, distinct, bad_severity, unattached = rows[0]
    assert total == distinct and bad_severity == 0 and unattached == 0
    gate = built_warehouse.query(
        "select status, tested_model from marts.data_quality_checks "
        "where node_name = 'assert_source_dqs_at_least_min_dqs'"
    )
    assert gate and set(gate) == {("pass", "data_quality_alerts")}


def test_pipeline_metrics_follow_the_documented_formulas(built_warehouse: Warehouse) -> None:
    rows = built_warehouse.query(
        "select batch_rows, load_seconds, build_seconds, warehouse_rows, "
        "load_throughput_rows_per_second, build_throughput_rows_per_second, "
        "pipeline_rows_per_hour, cost_per_hour, cost_efficiency_rows_per_hour_per_dollar, "
        "dqs, end_to_end_latency_seconds, wait_seconds, command "
        "from marts.pipeline_metrics where command = 'build'"
    )
    assert len(rows) >= 1
    ledger_rows = built_warehouse.query(
        "select sum(rows_read) from raw._load_ledger where status = 'loaded'"
    )[0][0]
    valid, total = built_warehouse.query(
        "select sum(valid_rows), sum(total_rows) from marts.data_quality_scores"
    )[0]
    for (
        batch_rows,
        load_s,
        build_s,
        warehouse_rows,
        load_t,
        build_t,
        per_hour,
        cost,
        ce,
        dqs,
        latency,
        wait,
        _,
    ) in rows:
        assert batch_rows == warehouse_rows == ledger_rows  # one load batch in the suite
        assert load_s > 0 and build_s > 0
        assert load_t == pytest.approx(batch_rows / load_s, abs=0.01)
        assert build_t == pytest.approx(warehouse_rows / build_s, abs=0.01)
        assert per_hour == pytest.approx(3600 * batch_rows / (load_s + build_s), abs=0.01)
        assert cost == Decimal("0.5")
        assert ce == pytest.approx(float(per_hour) / float(cost), rel=1e-6)
        assert latency == pytest.approx(load_s + wait + build_s, abs=0.01)
        assert dqs == expected_dqs(int(valid), int(total))
