"""Section: the latest DQS alert deliveries to the webhook (audit.alert_deliveries)."""

from __future__ import annotations

from observability.report.data import ReportData
from observability.report.markup import cells, esc, num_cells, table


def render(data: ReportData) -> str:
    if not data.deliveries:
        return ""
    rows = []
    for row in data.deliveries:
        css = "ok" if row["delivery_status"] == "sent" else "bad"
        rows.append(
            f'<tr data-source="{esc(row["source_name"])}">'
            f"{cells(row['attempted_at'], row['source_name'], row['batch_id'])}"
            f'<td><span class="{css}">{esc(row["delivery_status"])}</span></td>'
            f"{num_cells(row['http_status'])}{cells(row['delivery_error'])}</tr>"
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
