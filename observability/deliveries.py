"""Deliver the pending DQS alerts after the build and record every outcome.

``python -m observability alerts`` runs this after ``dbt build`` (``make build``,
``deploy/run_pipeline.sh``). Pending = a row of ``marts.data_quality_alerts`` under
min_dqs whose source and batch have no ``sent`` row in ``audit.alert_deliveries`` yet: a
re-run never re-sends a delivered alert, a failed one is tried again, and a new bad batch
alerts again. Each attempt appends one row to ``audit.alert_deliveries`` (created if
missing, never updated or deleted) as soon as its POST returns, so a crash can re-send at
most the alert in flight (at-least-once). Without a webhook URL nothing is posted or
written: the command only says how many alerts are pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from observability.alerts import Alert, alerts_from_records, post_alert
from observability.errors import AlertDeliveryError, ReportDataError
from observability.warehouse import connect, records, table_exists

if TYPE_CHECKING:
    import duckdb

DELIVERIES_TABLE = "audit.alert_deliveries"

CREATE_DELIVERIES = """
create table if not exists audit.alert_deliveries (
    invocation_id varchar not null,
    source_name varchar not null,
    batch_id varchar not null,
    dqs double,
    min_dqs double not null,
    top_rejection_reasons varchar,
    alert_message varchar,
    delivery_status varchar not null check (delivery_status in ('sent', 'failed')),
    http_status integer,
    delivery_error varchar,
    attempted_at timestamp not null
)
"""

BELOW_MIN_DQS = """
select
    alerts.source_name,
    alerts.batch_id,
    alerts.dqs,
    alerts.min_dqs,
    alerts.is_below_min_dqs,
    alerts.top_rejection_reasons,
    alerts.alert_message,
    alerts.invocation_id
from marts.data_quality_alerts as alerts
where alerts.is_below_min_dqs
"""

NOT_SENT_YET = """
    and not exists (
        select 1
        from audit.alert_deliveries as deliveries
        where
            deliveries.source_name = alerts.source_name
            and deliveries.batch_id = alerts.batch_id
            and deliveries.delivery_status = 'sent'
    )
"""

INSERT_DELIVERY = """
insert into audit.alert_deliveries (
    invocation_id, source_name, batch_id, dqs, min_dqs, top_rejection_reasons,
    alert_message, delivery_status, http_status, delivery_error, attempted_at
) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


@dataclass(frozen=True)
class Delivery:
    """The outcome of POSTing one alert: `sent` (with the HTTP status) or `failed` (why)."""

    alert: Alert
    status: str
    http_status: int | None
    error: str | None
    attempted_at: datetime


def deliver(alert: Alert, webhook_url: str) -> Delivery:
    """POST one alert; a failure is returned as a `failed` delivery, never raised."""
    attempted_at = datetime.now(UTC).replace(tzinfo=None)
    try:
        return Delivery(alert, "sent", post_alert(webhook_url, alert), None, attempted_at)
    except AlertDeliveryError as error:
        return Delivery(alert, "failed", None, error.detail, attempted_at)


def ensure_deliveries_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists audit")
    con.execute(CREATE_DELIVERIES)


def require_alerts_mart(con: duckdb.DuckDBPyConnection, database: Path) -> None:
    if not table_exists(con, "marts", "data_quality_alerts"):
        raise ReportDataError(
            f"{database}: marts.data_quality_alerts not found: build the warehouse first "
            "(dbt build)"
        )


def pending_alerts(con: duckdb.DuckDBPyConnection, database: Path) -> list[Alert]:
    """The alerts under min_dqs whose source and batch were not delivered yet."""
    require_alerts_mart(con, database)
    sql = BELOW_MIN_DQS
    if table_exists(con, "audit", "alert_deliveries"):
        sql += NOT_SENT_YET
    return alerts_from_records(records(con, sql + "order by alerts.source_name"))


def record(con: duckdb.DuckDBPyConnection, delivery: Delivery) -> None:
    alert = delivery.alert
    con.execute(
        INSERT_DELIVERY,
        [
            alert.invocation_id,
            alert.source,
            alert.batch_id,
            alert.dqs,
            alert.min_dqs,
            alert.top_reasons_text,
            alert.message,
            delivery.status,
            delivery.http_status,
            delivery.error,
            delivery.attempted_at,
        ],
    )


@dataclass(frozen=True)
class DeliveryRun:
    """What one run did: the pending alerts and, when a webhook is configured, outcomes."""

    pending: list[Alert]
    deliveries: list[Delivery]

    @property
    def failed(self) -> list[Delivery]:
        return [delivery for delivery in self.deliveries if delivery.status == "failed"]


def deliver_pending(database: Path, webhook_url: str | None) -> DeliveryRun:
    """Deliver the pending alerts of `database` to `webhook_url` and record each outcome.

    Without a URL the warehouse is only read: the run lists the pending alerts.
    """
    con = connect(database, read_only=not webhook_url)
    try:
        if not webhook_url:
            return DeliveryRun(pending_alerts(con, database), [])
        require_alerts_mart(con, database)  # before anything is written
        ensure_deliveries_table(con)
        pending = pending_alerts(con, database)
        deliveries = []
        for alert in pending:  # one POST per source under min_dqs: a handful at most
            delivery = deliver(alert, webhook_url)
            record(con, delivery)
            deliveries.append(delivery)
        return DeliveryRun(pending, deliveries)
    finally:
        con.close()
