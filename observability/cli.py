"""Command line: ``python -m observability {report,alerts}``.

Argument parsing and printing only. Every expected error becomes one line on stderr
(``error: <what>``) and an exit code: 0 done, 1 the warehouse could not be read or an alert
could not be delivered (recorded; tried again by the next run), 2 usage error (including a
bad setting in the environment).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ingest.cli import add_database, exit_with, run_command
from ingest.errors import SettingsError
from ingest.settings import resolve
from observability.errors import ObservabilityError
from observability.report.page import DEFAULT_OUT


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m observability",
        description="Report on and alert about a built warehouse.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report = commands.add_parser("report", help="write the HTML data quality report")
    add_database(report)
    report.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"HTML file to write ({DEFAULT_OUT})"
    )
    alerts = commands.add_parser(
        "alerts",
        help="POST the pending DQS alerts to $DQ_ALERT_WEBHOOK_URL, record the outcomes",
    )
    add_database(alerts)
    return parser


def _cmd_report(args: argparse.Namespace) -> int:
    from observability.report import write_report

    path = write_report(args.database or resolve().database, args.out)
    print(f"wrote {path}")
    return 0


def _cmd_alerts(args: argparse.Namespace) -> int:
    from observability.alerts import WEBHOOK_ENV_VAR
    from observability.deliveries import deliver_pending

    settings = resolve()
    run = deliver_pending(args.database or settings.database, settings.alert_webhook_url)
    if not run.pending:
        print("no pending alerts")
        return 0
    if not settings.alert_webhook_url:
        sources = ", ".join(alert.source for alert in run.pending)
        print(f"{len(run.pending)} alert(s) pending ({sources}); {WEBHOOK_ENV_VAR} is not set")
        return 0
    for delivery in run.deliveries:
        alert = delivery.alert
        if delivery.status == "sent":
            print(f"sent: {alert.source} batch {alert.batch_id} (HTTP {delivery.http_status})")
        else:
            print(
                f"error: alert for {alert.source} batch {alert.batch_id} not delivered: "
                f"{delivery.error} (recorded; the next run tries again)",
                file=sys.stderr,
            )
    return 1 if run.failed else 0


COMMANDS = {"report": _cmd_report, "alerts": _cmd_alerts}


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(build_parser(), COMMANDS, argv, (ObservabilityError, SettingsError))


if __name__ == "__main__":
    exit_with(main)
