"""DQS alerts: the min_dqs gate fails `dbt build` naming the source, its DQS and top reasons;
dbt posts nothing, and after the build `python -m observability alerts` POSTs one JSON alert
per source not delivered yet and records every outcome in audit.alert_deliveries (a real
HTTP server on 127.0.0.1 records the requests)."""

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

import duckdb
import pytest
from conftest import PROJECT_DIR, Warehouse
from test_quality_history import warehouse_with

from observability import alerts, deliveries
from observability.errors import AlertDeliveryError
from observability.report.data import read_deliveries

HIGH_MIN_DQS = "99.99"


@dataclass
class Recorder:
    url: str
    requests: list[dict[str, Any]]
    status: int = 204
    during_build: list[dict[str, Any]] | None = None


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


ALERT_ROW: dict[str, Any] = {
    "source_name": "sales",
    "batch_id": "b1",
    "dqs": 91.2,
    "min_dqs": 95.0,
    "is_below_min_dqs": True,
    "top_rejection_reasons": "out_of_range_price (120), invalid_date (40)",
    "alert_message": "source sales DQS 91.20 < min_dqs 95.00: top reasons ...",
    "invocation_id": "inv-1",
}
EXPECTED_PAYLOAD = {
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


def an_alert(**overrides: Any) -> alerts.Alert:
    [alert] = alerts.alerts_from_records([{**ALERT_ROW, **overrides}])
    return alert


def test_parse_top_reasons() -> None:
    assert alerts.parse_top_reasons("out_of_range_price (120), quarantine (4)") == (
        ("out_of_range_price", 120),
        ("quarantine", 4),
    )
    assert alerts.parse_top_reasons("") == ()
    assert alerts.parse_top_reasons(None) == ()


def test_only_rows_under_min_dqs_are_alerts() -> None:
    rows = [ALERT_ROW, {**ALERT_ROW, "source_name": "events", "is_below_min_dqs": False}]
    assert [alert.source for alert in alerts.alerts_from_records(rows)] == ["sales"]


def test_deliver_posts_one_json_alert(webhook: Recorder) -> None:
    delivery = deliveries.deliver(an_alert(), webhook.url)
    assert (delivery.status, delivery.http_status, delivery.error) == ("sent", 204, None)
    assert len(webhook.requests) == 1
    request = webhook.requests[0]
    assert request["path"] == "/dq-alerts"
    assert request["content_type"] == "application/json"
    assert request["json"] == EXPECTED_PAYLOAD


def test_a_failing_webhook_is_returned_not_raised(webhook: Recorder) -> None:
    webhook.status = 500
    delivery = deliveries.deliver(an_alert(), webhook.url)
    assert (delivery.status, delivery.http_status) == ("failed", None)
    assert "HTTP 500" in delivery.error
    assert len(webhook.requests) == 1


def test_an_unreachable_webhook_is_a_failed_delivery() -> None:
    with serve_webhook() as recorder:
        url = recorder.url
    delivery = deliveries.deliver(an_alert(), url)  # the server is gone
    assert delivery.status == "failed" and delivery.error


def test_only_http_urls_are_posted_to(tmp_path: Path) -> None:
    target = tmp_path / "not-a-webhook"
    with pytest.raises(AlertDeliveryError, match="unsupported URL scheme 'file'"):
        alerts.post_alert(f"file://{target}", an_alert())
    assert not target.exists()


# --- python -m observability alerts on a small warehouse --------------------------------


@pytest.fixture
def alerts_warehouse(tmp_path: Path) -> Path:
    """A warehouse whose marts.data_quality_alerts has sales under min_dqs, events not."""
    return warehouse_with(
        tmp_path / "alerts.duckdb",
        "create schema marts",
        "create table marts.data_quality_alerts as select * from (values "
        "('sales', 'b1', 91.2, 95.0, true, "
        "'out_of_range_price (120), invalid_date (40)', "
        "'source sales DQS 91.20 < min_dqs 95.00: top reasons ...', 'inv-1'), "
        "('events', 'b1', 99.5, 95.0, false, '', null, 'inv-1')) as t("
        "source_name, batch_id, dqs, min_dqs, is_below_min_dqs, top_rejection_reasons, "
        "alert_message, invocation_id)",
    )


def run_alerts(database: Path, url: str | None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != alerts.WEBHOOK_ENV_VAR}
    if url is not None:
        env[alerts.WEBHOOK_ENV_VAR] = url
    return subprocess.run(
        [sys.executable, "-m", "observability", "alerts", "--database", str(database)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def recorded(database: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database)) as con:
        return con.execute(
            "select source_name, batch_id, delivery_status, http_status, invocation_id "
            "from audit.alert_deliveries order by attempted_at"
        ).fetchall()


def test_alerts_command_sends_once_and_records_the_delivery(
    alerts_warehouse: Path, webhook: Recorder
) -> None:
    first = run_alerts(alerts_warehouse, webhook.url)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "sent: sales batch b1 (HTTP 204)\n"
    assert [request["json"] for request in webhook.requests] == [EXPECTED_PAYLOAD]
    assert recorded(alerts_warehouse) == [("sales", "b1", "sent", 204, "inv-1")]

    again = run_alerts(alerts_warehouse, webhook.url)
    assert (again.returncode, again.stdout) == (0, "no pending alerts\n")
    assert len(webhook.requests) == 1  # a re-run does not re-send
    assert len(recorded(alerts_warehouse)) == 1

    with duckdb.connect(str(alerts_warehouse)) as con:
        shown = read_deliveries(con)
    assert [(row["source_name"], row["delivery_status"]) for row in shown] == [("sales", "sent")]


def test_a_failed_delivery_is_recorded_and_retried(
    alerts_warehouse: Path, webhook: Recorder
) -> None:
    webhook.status = 503
    failed = run_alerts(alerts_warehouse, webhook.url)
    assert failed.returncode == 1
    [line] = failed.stderr.strip().splitlines()
    assert line.startswith("error: alert for sales batch b1 not delivered: HTTP 503")
    assert webhook.url not in failed.stderr  # a webhook URL may carry a token
    assert recorded(alerts_warehouse) == [("sales", "b1", "failed", None, "inv-1")]

    webhook.status = 200
    retried = run_alerts(alerts_warehouse, webhook.url)
    assert retried.returncode == 0, retried.stderr
    assert len(webhook.requests) == 2
    # Append-only: the failed attempt stays, the delivery follows it.
    assert [row[2] for row in recorded(alerts_warehouse)] == ["failed", "sent"]


def test_a_new_bad_batch_alerts_again(alerts_warehouse: Path, webhook: Recorder) -> None:
    assert run_alerts(alerts_warehouse, webhook.url).returncode == 0
    with duckdb.connect(str(alerts_warehouse)) as con:
        con.execute("update marts.data_quality_alerts set batch_id = 'b2', invocation_id = 'inv-2'")
    assert run_alerts(alerts_warehouse, webhook.url).returncode == 0
    assert [request["json"]["batch_id"] for request in webhook.requests] == ["b1", "b2"]
    assert [row[:3] for row in recorded(alerts_warehouse)] == [
        ("sales", "b1", "sent"),
        ("sales", "b2", "sent"),
    ]


def test_without_a_webhook_nothing_is_posted_or_written(alerts_warehouse: Path) -> None:
    result = run_alerts(alerts_warehouse, None)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"1 alert(s) pending (sales); {alerts.WEBHOOK_ENV_VAR} is not set\n")
    with duckdb.connect(str(alerts_warehouse)) as con:
        schemas = con.execute("select schema_name from information_schema.schemata").fetchall()
    assert ("audit",) not in schemas


def test_alerts_on_an_unbuilt_or_missing_warehouse_say_so(
    tmp_path: Path, webhook: Recorder
) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = run_alerts(empty, webhook.url)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {empty}: marts.data_quality_alerts not found: build the warehouse first "
        "(dbt build)"
    ]
    with duckdb.connect(str(empty)) as con:  # nothing written
        assert con.execute("select count(*) from information_schema.tables").fetchone() == (0,)
    missing = run_alerts(tmp_path / "missing.duckdb", webhook.url)
    assert missing.returncode == 1
    assert missing.stderr == f"error: {tmp_path / 'missing.duckdb'}: no such warehouse file\n"
    assert not (tmp_path / "missing.duckdb").exists()
    assert webhook.requests == []


def test_make_build_delivers_the_alerts_after_dbt_build_whatever_its_result() -> None:
    dry_run = subprocess.run(
        ["make", "-n", "--no-print-directory", "build"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    build = dry_run.index("dbt build || status=$?")
    deliver = dry_run.index("-m observability alerts --database")
    assert build < deliver
    assert "exit $status" in dry_run[deliver:]  # the build's result is dbt's


# --- the real gate: dbt build, then the alerts command ----------------------------------


@pytest.fixture(scope="module")
def gated_build(
    built_warehouse: Warehouse,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Warehouse, subprocess.CompletedProcess[str], Recorder]]:
    """The quality nodes rebuilt with min_dqs 99.99 (a real `dbt build` subprocess, so the
    test sees what a user sees) with a webhook configured in dbt's environment too: the
    recorder's requests during the build are kept apart from those of the alerts command."""
    copy = built_warehouse.copy_to(tmp_path_factory.mktemp("gated"))
    with serve_webhook() as recorder:
        completed = _gated_dbt_build(copy, recorder)
        recorder.during_build = list(recorder.requests)
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


@pytest.mark.slow
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


def test_dbt_posts_nothing_and_the_alerts_command_posts_after_the_build(gated_build) -> None:
    copy, _, recorder = gated_build
    assert recorder.during_build == []  # no model has side effects outside the warehouse
    result = run_alerts(copy.database, recorder.url)
    assert result.returncode == 0, result.stderr
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
        "select source_name, delivery_status from audit.alert_deliveries order by 1"
    )
    assert statuses == [(source, "sent") for source, _, _ in failing]
