"""Section: each source's DQS of its latest batch against min_dqs."""

from __future__ import annotations

from observability.report.data import ReportData
from observability.report.markup import esc, num, table


def render(data: ReportData) -> str:
    rows = []
    for row in data.latest:
        below = row["is_below_min_dqs"]
        status = (
            '<span class="bad">below min_dqs</span>'
            if below
            else ('<span class="ok">ok</span>' if below is not None else "")
        )
        rows.append(
            f'<tr data-source="{esc(row["source_name"])}">'
            f"<td>{esc(row['source_name'])}</td>"
            f'<td class="num dqs">{num(row["dqs"])}</td>'
            f'<td class="num">{num(row["min_dqs"])}</td><td>{status}</td>'
            f'<td class="num total">{num(row["total_rows"])}</td>'
            f'<td class="num valid">{num(row["valid_rows"])}</td>'
            f'<td class="num rejected">{num(row["rejected_rows"])}</td>'
            f"<td>{esc(row['top_rejection_reasons'])}</td>"
            f"<td>{esc(row['batch_id'])}</td></tr>"
        )
    return "<h2>Data quality score by source (latest batch)</h2>" + table(
        [
            "source",
            "DQS",
            "min_dqs",
            "status",
            "total rows",
            "valid rows",
            "rejected rows",
            "top rejection reasons",
            "batch",
        ],
        rows,
        table_id="latest-dqs",
    )
