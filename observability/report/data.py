"""What the report shows, read from the built warehouse in one pass."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from observability.errors import ReportDataError
from observability.report.models_data import ModelsData, read_models_data
from observability.warehouse import quote_identifier, records, records_if_exists, table_exists

if TYPE_CHECKING:
    import duckdb

SAMPLE_ROWS = 5
RECENT_RUNS = 10
RECENT_BATCHES = 200  # of the stream, for the streaming section
_RELATION = re.compile(r'^(?:"((?:[^"]|"")*)"\.)?"((?:[^"]|"")*)"\."((?:[^"]|"")*)"$')


@dataclass
class ReportData:
    """What the page shows, read from the warehouse (one field or more per section)."""

    generated_at: datetime
    database: str
    latest: list[dict[str, Any]]
    batches: list[dict[str, Any]]
    reasons: list[dict[str, Any]]
    checks_invocation: dict[str, Any] | None
    problem_checks: list[dict[str, Any]]
    check_runs: list[dict[str, Any]]
    metrics: list[dict[str, Any]]
    samples: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = field(default_factory=dict)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    # marts.stream_metrics, recent built batches (read_stream_metrics).
    stream: list[dict[str, Any]] = field(default_factory=list)
    models: ModelsData | None = None


def failing_rows_sample(
    con: duckdb.DuckDBPyConnection, relation_name: str | None, limit: int = SAMPLE_ROWS
) -> tuple[list[str], list[tuple[Any, ...]]] | None:
    """Up to `limit` rows of a store_failures table named by dbt ('"db"."audit"."t"').

    The name is parsed and checked against information_schema before it is quoted into
    the query, so a stored name can never change the statement.
    """
    match = _RELATION.match(relation_name or "")
    if not match:
        return None
    schema, table = (part.replace('""', '"') for part in match.group(2, 3))
    if not table_exists(con, schema, table):
        return None
    cursor = con.execute(
        f"select * from {quote_identifier(schema)}.{quote_identifier(table)} limit ?",  # noqa: S608
        [limit],
    )
    return [column[0] for column in cursor.description], cursor.fetchall()


def _read_scores(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(latest batch per source with its gate, every batch's DQS)."""
    batches = records(
        con,
        "select source_name, batch_id, batch_loaded_at, total_rows, valid_rows, "
        "rejected_rows, staging_rejected_rows, quarantined_rows, dqs, is_latest_batch "
        "from marts.data_quality_scores order by batch_loaded_at, batch_id, source_name",
    )
    if table_exists(con, "marts", "data_quality_alerts"):
        latest = records(
            con,
            "select source_name, batch_id, batch_loaded_at, total_rows, valid_rows, "
            "rejected_rows, dqs, min_dqs, is_below_min_dqs, top_rejection_reasons "
            "from marts.data_quality_alerts order by source_name",
        )
    else:
        latest = [
            {**row, "min_dqs": None, "is_below_min_dqs": None, "top_rejection_reasons": ""}
            for row in batches
            if row["is_latest_batch"]
        ]
    return latest, batches


def _read_reasons(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return records(
        con,
        "select source_name, rejected_by, rejection_reason, rejection_detail, "
        "cast(sum(rejected_rows) as bigint) as rejected_rows "
        "from marts.data_quality_rejections "
        "group by source_name, rejected_by, rejection_reason, rejection_detail "
        "order by source_name, rejected_rows desc, rejection_reason, rejection_detail",
    )


@dataclass
class _Checks:
    invocation: dict[str, Any] | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    samples: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = field(default_factory=dict)


def _read_checks(con: duckdb.DuckDBPyConnection) -> _Checks:
    """The recent invocations' scores and the latest one's problem checks with samples."""
    checks = _Checks()
    if not table_exists(con, "marts", "data_quality_checks"):
        return checks
    checks.runs = records(
        con,
        "select invocation_id, min(run_started_at) as run_started_at, "
        "min(command) as command, min(checks_passed) as checks_passed, "
        "min(checks_run) as checks_run, min(checks_passed_pct) as checks_passed_pct "
        "from marts.data_quality_checks group by invocation_id "
        "order by run_started_at desc limit ?",
        [RECENT_RUNS],
    )
    if not checks.runs:
        return checks
    checks.invocation = checks.runs[0]
    checks.problems = records(
        con,
        "select unique_id, test_name, node_name, tested_model, severity, status, "
        "failures, message, failures_relation from marts.data_quality_checks "
        "where invocation_id = ? and status not in ('pass', 'skipped') "
        "order by case status when 'error' then 0 when 'fail' then 1 else 2 end, "
        "node_name",
        [checks.invocation["invocation_id"]],
    )
    for check in checks.problems:
        sample = failing_rows_sample(con, check["failures_relation"])
        if sample is not None:
            checks.samples[check["unique_id"]] = sample
    return checks


def _read_metrics(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return records_if_exists(
        con,
        "marts",
        "pipeline_metrics",
        "select * from marts.pipeline_metrics order by run_started_at desc limit ?",
        [RECENT_RUNS],
    )


def read_deliveries(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The latest webhook delivery attempts (``python -m observability alerts``)."""
    return records_if_exists(
        con,
        "audit",
        "alert_deliveries",
        "select attempted_at, source_name, batch_id, delivery_status, http_status, "
        "delivery_error from audit.alert_deliveries order by attempted_at desc limit ?",
        [RECENT_RUNS],
    )


def read_stream_metrics(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The most recent built batches of marts.stream_metrics (which the stream's builds record,
    ``ingest.stream``), oldest first; none when the warehouse never streamed."""
    return records_if_exists(
        con,
        "marts",
        "stream_metrics",
        "select * from (select batch_id, stream_mode, stream_source, messages,"
        " rows_quarantined, lag_messages, landed_at, features_built_at, build_seconds,"
        " latency_p50_seconds, latency_p95_seconds, latency_max_seconds,"
        " is_within_latency_target from marts.stream_metrics"
        " where features_built_at is not null order by landed_at desc limit ?)"
        " order by landed_at",
        [RECENT_BATCHES],
    )


def read_report_data(con: duckdb.DuckDBPyConnection, database: str) -> ReportData:
    """Read every figure of the report; the quality marts must have been built."""
    for table in ("data_quality_scores", "data_quality_rejections"):
        if not table_exists(con, "marts", table):
            raise ReportDataError(
                f"{database}: marts.{table} not found: build the warehouse first (dbt build)"
            )
    latest, batches = _read_scores(con)
    checks = _read_checks(con)
    return ReportData(
        generated_at=datetime.now(UTC).replace(microsecond=0),
        database=database,
        latest=latest,
        batches=batches,
        reasons=_read_reasons(con),
        checks_invocation=checks.invocation,
        problem_checks=checks.problems,
        check_runs=checks.runs,
        metrics=_read_metrics(con),
        samples=checks.samples,
        deliveries=read_deliveries(con),
        stream=read_stream_metrics(con),
        models=read_models_data(con),
    )
