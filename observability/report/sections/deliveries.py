"""Section: the latest DQS alert deliveries to the webhook (audit.alert_deliveries)."""

from __future__ import annotations

from observability.report.data import ReportData
from observability.report.markup import esc, num, table


def render(data: ReportData) -> str:
    if not data.deliveries:
        return ""
    rows = []
    for row in data.deliveries:
        css = "ok" if row["delivery_status"] == "sent" else "bad"
        rows.append(
            f'<tr data-source="{esc(row["source_name"])}">'
            f"<td>{esc(row['attempted_at'])}</td><td>{esc(row['source_name'])}</td>"
            f"<td>{esc(row['batch_id'])}</td>"
            f'<td><span class="{css}">{esc(row["delivery_status"])}</span></td>'
            f'<td class="num">{num(row["http_status"])}</td>'
            f"<td>{esc(row['delivery_error'])}</td></tr>"
        )
    return (
        "<h2>Alert deliveries (recent)</h2>"
        '<p class="meta">Webhook POSTs of the alerts under min_dqs, made after each build by '
        "<code>python -m observability alerts</code>; a failed one is tried again.</p>"
        + table(
            ["attempted at", "source", "batch", "status", "HTTP", "error"],
            rows,
            table_id="alert-deliveries",
        )
    )
