"""DQS alerts: the min_dqs gate fails `dbt build` naming the source, its DQS and top reasons,
and the optional webhook receives one JSON alert per source (a real HTTP server on
127.0.0.1 records the requests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import PROJECT_DIR, Warehouse
from test_quality_history import copy_warehouse

from ingest.quality import alerts
from ingest.quality.errors import AlertDeliveryError

HIGH_MIN_DQS = "99.99"


@dataclass
class Recorder:
    url: str
    requests: list[dict[str, Any]]
    status: int = 204


@contextmanager
def serve_webhook() -> Iterator[Recorder]:
    """A real HTTP server on 127.0.0.1 that records every POST."""
    recorder = Recorder(url="", requests=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            recorder.requests.append(
                {
                    "path": self.path,
                    "content_type": self.headers["Content-Type"],
                    "json": json.loads(body),
                }
            )
            self.send_response(recorder.status)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}/dq-alerts"
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def webhook() -> Iterator[Recorder]:
    with serve_webhook() as recorder:
        yield recorder


def alert_frame(**overrides: Any) -> pd.DataFrame:
    row = {
        "source_name": "sales",
        "batch_id": "b1",
        "dqs": 91.2,
        "min_dqs": 95.0,
        "is_below_min_dqs": True,
        "top_rejection_reasons": "out_of_range_price (120), invalid_date (40)",
        "alert_message": "source sales DQS 91.20 < min_dqs 95.00: top reasons ...",
        "invocation_id": "inv-1",
    }
    row.update(overrides)
    return pd.DataFrame([row])


def test_parse_top_reasons() -> None:
    assert alerts.parse_top_reasons("out_of_range_price (120), quarantine (4)") == (
        ("out_of_range_price", 120),
        ("quarantine", 4),
    )
    assert alerts.parse_top_reasons("") == ()
    assert alerts.parse_top_reasons(None) == ()


def test_deliver_posts_one_json_alert_per_source(webhook: Recorder) -> None:
    frame = pd.concat([alert_frame(), alert_frame(source_name="events", is_below_min_dqs=False)])
    delivered = alerts.deliver_alerts(frame, webhook.url)
    assert list(delivered["delivery_status"]) == ["sent"]
    assert list(delivered["http_status"]) == [204]
    assert len(webhook.requests) == 1
    request = webhook.requests[0]
    assert request["path"] == "/dq-alerts"
    assert request["content_type"] == "application/json"
    assert request["json"] == {
        "source": "sales",
        "dqs": 91.2,
        "min_dqs": 95.0,
        "top_reasons": [
            {"reason": "out_of_range_price", "rows": 120},
            {"reason": "invalid_date", "rows": 40},
        ],
        "batch_id": "b1",
        "invocation_id": "inv-1",
        "message": "source sales DQS 91.20 < min_dqs 95.00: top reasons ...",
    }


def test_a_failing_webhook_is_recorded_not_raised(webhook: Recorder) -> None:
    webhook.status = 500
    delivered = alerts.deliver_alerts(alert_frame(), webhook.url)
    assert list(delivered["delivery_status"]) == ["failed"]
    assert "HTTP 500" in delivered["delivery_error"].iloc[0]
    assert len(webhook.requests) == 1


def test_only_http_urls_are_posted_to(tmp_path: Path) -> None:
    target = tmp_path / "not-a-webhook"
    with pytest.raises(AlertDeliveryError, match="unsupported URL scheme 'file'"):
        alerts.post_alert(
            f"file://{target}", alerts.alerts_from_records(alert_frame().to_dict("records"))[0]
        )


def test_without_a_url_alerts_are_not_configured_and_no_alert_is_empty() -> None:
    delivered = alerts.deliver_alerts(alert_frame(), None)
    assert list(delivered["delivery_status"]) == ["not_configured"]
    empty = alerts.deliver_alerts(alert_frame(is_below_min_dqs=False), None)
    assert empty.empty and list(empty.columns) == list(alerts.DELIVERY_COLUMNS)


@pytest.fixture(scope="module")
def gated_build(
    built_warehouse: Warehouse,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Warehouse, subprocess.CompletedProcess[str], Recorder]]:
    """The quality nodes rebuilt with min_dqs 99.99 (a real `dbt build` subprocess, so the
    test sees what a user sees) and a webhook configured."""
    copy = copy_warehouse(built_warehouse, tmp_path_factory.mktemp("gated"))
    with serve_webhook() as recorder:
        completed = _gated_dbt_build(copy, recorder)
        yield copy, completed, recorder


def _gated_dbt_build(copy: Warehouse, recorder: Recorder) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DUCKDB_PATH": str(copy.database),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        alerts.WEBHOOK_ENV_VAR: recorder.url,
        "NO_COLOR": "1",
    }
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [
            str(dbt),
            "build",
            "--no-use-colors",
            "--select",
            "path:models/marts/quality",
            "path:tests/marts/quality",
            "--vars",
            f"{{min_dqs: {HIGH_MIN_DQS}}}",
            "--target-path",
            str(copy.target_path),
            "--log-path",
            str(copy.target_path),
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def below(copy: Warehouse) -> list[tuple[str, Any, str]]:
    return copy.query(
        "select source_name, dqs, top_rejection_reasons from marts.data_quality_alerts "
        f"where dqs < {HIGH_MIN_DQS} order by source_name"
    )


def test_build_under_min_dqs_fails_naming_source_dqs_and_reasons(gated_build) -> None:
    copy, completed, _ = gated_build
    assert completed.returncode != 0
    output = completed.stdout + completed.stderr
    failing = below(copy)
    assert failing, "the suite data has faults: some source must be under 99.99"
    for source, dqs, reasons in failing:
        assert f"source {source} DQS {dqs:.2f} < min_dqs {HIGH_MIN_DQS}: top reasons " in output
        assert reasons and reasons in output
    assert "assert_source_dqs_at_least_min_dqs" in output
    stored = copy.query(
        "select source_name from audit.assert_source_dqs_at_least_min_dqs order by 1"
    )
    assert [name for (name,) in stored] == [source for source, _, _ in failing]


def test_build_under_min_dqs_posts_the_webhook(gated_build) -> None:
    copy, _, recorder = gated_build
    failing = below(copy)
    received = sorted(
        (request["json"] for request in recorder.requests), key=lambda alert: alert["source"]
    )
    assert [alert["source"] for alert in received] == [source for source, _, _ in failing]
    invocation = copy.query("select distinct invocation_id from marts.data_quality_alerts")
    for alert, (_, dqs, reasons) in zip(received, failing, strict=True):
        assert alert["dqs"] == pytest.approx(float(dqs))
        assert alert["min_dqs"] == pytest.approx(float(HIGH_MIN_DQS))
        assert alert["invocation_id"] == invocation[0][0]
        assert ", ".join(f"{r['reason']} ({r['rows']})" for r in alert["top_reasons"]) == reasons
    statuses = copy.query(
        "select distinct delivery_status from marts.data_quality_alert_deliveries"
    )
    assert statuses == [("sent",)]
