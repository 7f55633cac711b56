"""Section: rejected rows by source and reason, over every batch (bar chart and table)."""

from __future__ import annotations

from observability.charts import Point, bar_chart
from observability.report.data import ReportData
from observability.report.markup import esc, num, table


def render(data: ReportData) -> str:
    parts = ["<h2>Rejected rows by reason</h2>"]
    parts.append(
        '<p class="meta">All batches. A row rejected for several reasons counts once under '
        "each; <code>quarantine</code> = lines the loader could not parse.</p>"
    )
    totals: dict[tuple[str, str], int] = {}
    for row in data.reasons:
        key = (row["source_name"], row["rejection_reason"])
        totals[key] = totals.get(key, 0) + int(row["rejected_rows"])
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    parts.append(
        '<figure id="reasons-chart">'
        + bar_chart(
            [
                Point(f"{source}: {reason}", float(rows), group=source)
                for (source, reason), rows in ranked
            ],
            title="Rejected rows by source and reason",
            groups=list(dict.fromkeys(row["source_name"] for row in data.batches)),
        )
        + "</figure>"
    )
    rows = [
        f'<tr data-source="{esc(row["source_name"])}" '
        f'data-reason="{esc(row["rejection_reason"])}">'
        f"<td>{esc(row['source_name'])}</td><td>{esc(row['rejected_by'])}</td>"
        f"<td>{esc(row['rejection_reason'])}</td><td>{esc(row['rejection_detail'])}</td>"
        f'<td class="num rows">{num(row["rejected_rows"])}</td></tr>'
        for row in data.reasons
    ]
    parts.append(
        table(["source", "rejected by", "reason", "detail", "rows"], rows, table_id="reasons")
    )
    return "".join(parts)
