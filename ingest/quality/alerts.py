"""Deliver DQS alerts to an optional webhook.

The DQS gate itself lives in dbt (marts.data_quality_alerts, the singular test
assert_source_dqs_at_least_min_dqs and the raise_dqs_alerts on-run-end hook). dbt's Jinja
cannot make HTTP requests, so the dbt Python model `data_quality_alert_deliveries` (run
in-process by dbt-duckdb) calls `deliver_alerts` with the alert rows: when the environment
variable DQ_ALERT_WEBHOOK_URL is set, every source under min_dqs is POSTed as one JSON
object, and the outcome of each delivery becomes a row of the model.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ingest.quality.errors import AlertDeliveryError

WEBHOOK_ENV_VAR = "DQ_ALERT_WEBHOOK_URL"
TIMEOUT_SECONDS = 10.0
_REASON_PATTERN = re.compile(r"([a-z0-9_]+) \((\d+)\)")

DELIVERY_COLUMNS: dict[str, str] = {
    "invocation_id": "str",
    "source_name": "str",
    "batch_id": "str",
    "dqs": "float64",
    "min_dqs": "float64",
    "top_rejection_reasons": "str",
    "delivery_status": "str",
    "http_status": "Int64",
    "delivery_error": "str",
    "attempted_at": "datetime64[us]",
}


@dataclass(frozen=True)
class Alert:
    """One source whose latest batch scored under min_dqs."""

    source: str
    batch_id: str
    dqs: float | None
    min_dqs: float
    top_reasons: tuple[tuple[str, int], ...]
    invocation_id: str
    message: str

    def payload(self) -> dict[str, Any]:
        """The JSON document POSTed to the webhook."""
        return {
            "source": self.source,
            "dqs": self.dqs,
            "min_dqs": self.min_dqs,
            "top_reasons": [{"reason": reason, "rows": rows} for reason, rows in self.top_reasons],
            "batch_id": self.batch_id,
            "invocation_id": self.invocation_id,
            "message": self.message,
        }


def parse_top_reasons(text: str | None) -> tuple[tuple[str, int], ...]:
    """'out_of_range_price (120), invalid_date (40)' -> (('out_of_range_price', 120), ...)."""
    return tuple((code, int(rows)) for code, rows in _REASON_PATTERN.findall(text or ""))


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if number != number else number  # NaN (a null in a frame) -> None


def alerts_from_records(records: list[dict[str, Any]]) -> list[Alert]:
    """The alerts among rows of marts.data_quality_alerts (those under min_dqs)."""
    alerts = []
    for record in records:
        if not bool(record.get("is_below_min_dqs")):
            continue
        alerts.append(
            Alert(
                source=str(record["source_name"]),
                batch_id=str(record["batch_id"]),
                dqs=_number(record.get("dqs")),
                min_dqs=float(record["min_dqs"]),
                top_reasons=parse_top_reasons(record.get("top_rejection_reasons")),
                invocation_id=str(record.get("invocation_id") or ""),
                message=str(record.get("alert_message") or ""),
            )
        )
    return alerts


def post_alert(url: str, alert: Alert, *, timeout: float = TIMEOUT_SECONDS) -> int:
    """POST `alert` as JSON to `url` (http or https only); return the HTTP status."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in {"http", "https"}:
        raise AlertDeliveryError(url, f"unsupported URL scheme {scheme!r} (use http or https)")
    request = urllib.request.Request(
        url,
        data=json.dumps(alert.payload()).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "ml-data-pipeline-dq"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        raise AlertDeliveryError(url, f"HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise AlertDeliveryError(url, str(reason)) from None


def deliver_alerts(alerts_frame: Any, webhook_url: str | None) -> Any:
    """Deliver the alerts of a data_quality_alerts frame; one result row per alert.

    delivery_status is `sent`, `failed` (delivery_error says why; the build still fails
    through the DQS gate, never because of the webhook) or `not_configured` (no URL).
    """
    import pandas as pd

    alerts = alerts_from_records(alerts_frame.to_dict("records"))
    rows = []
    for alert in alerts:
        status, http_status, error = "not_configured", None, None
        if webhook_url:
            try:
                http_status = post_alert(webhook_url, alert)
                status = "sent"
            except AlertDeliveryError as delivery_error:
                status, error = "failed", delivery_error.detail
        rows.append(
            {
                "invocation_id": alert.invocation_id,
                "source_name": alert.source,
                "batch_id": alert.batch_id,
                "dqs": alert.dqs,
                "min_dqs": alert.min_dqs,
                "top_rejection_reasons": ", ".join(
                    f"{reason} ({count})" for reason, count in alert.top_reasons
                ),
                "delivery_status": status,
                "http_status": http_status,
                "delivery_error": error,
                "attempted_at": datetime.now(UTC).replace(tzinfo=None),
            }
        )
    frame = pd.DataFrame(rows, columns=list(DELIVERY_COLUMNS))
    return frame.astype(DELIVERY_COLUMNS)
