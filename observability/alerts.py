"""DQS alerts: what one alert says and how it is POSTed to a webhook.

The DQS gate itself lives in dbt: ``marts.data_quality_alerts`` records, per source, whether
its latest batch is under min_dqs and the alert message; the singular test
``assert_source_dqs_at_least_min_dqs`` fails the build and the ``raise_dqs_alerts``
on-run-end hook prints the messages. dbt never posts anything: after the build,
``python -m observability alerts`` (``observability.deliveries``) reads the pending alerts
and POSTs each one here, as one JSON object, to the URL in ``DQ_ALERT_WEBHOOK_URL``.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ingest.settings import ALERT_WEBHOOK_ENV
from observability.errors import AlertDeliveryError

WEBHOOK_ENV_VAR = ALERT_WEBHOOK_ENV
TIMEOUT_SECONDS = 10.0
_REASON_PATTERN = re.compile(r"([a-z0-9_]+) \((\d+)\)")


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

    @property
    def top_reasons_text(self) -> str:
        """The reasons as marts.data_quality_alerts writes them: 'reason (rows), ...'."""
        return ", ".join(f"{reason} ({rows})" for reason, rows in self.top_reasons)


def parse_top_reasons(text: str | None) -> tuple[tuple[str, int], ...]:
    """'out_of_range_price (120), invalid_date (40)' -> (('out_of_range_price', 120), ...)."""
    return tuple((code, int(rows)) for code, rows in _REASON_PATTERN.findall(text or ""))


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if number != number else number  # NaN (a null in a frame) -> None


def alerts_from_records(records: Iterable[Mapping[str, Any]]) -> list[Alert]:
    """The alerts among rows of marts.data_quality_alerts (those under min_dqs)."""
    return [
        Alert(
            source=str(record["source_name"]),
            batch_id=str(record["batch_id"]),
            dqs=_number(record.get("dqs")),
            min_dqs=float(record["min_dqs"]),
            top_reasons=parse_top_reasons(record.get("top_rejection_reasons")),
            invocation_id=str(record.get("invocation_id") or ""),
            message=str(record.get("alert_message") or ""),
        )
        for record in records
        if bool(record.get("is_below_min_dqs"))
    ]


def post_alert(url: str, alert: Alert, *, timeout: float = TIMEOUT_SECONDS) -> int:
    """POST `alert` as JSON to `url` (http or https only); return the HTTP status.

    Raises ``AlertDeliveryError`` when the URL is not http(s), the server cannot be reached
    or it answers with an error status.
    """
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
