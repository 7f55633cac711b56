"""The page: the sections in order inside one self-contained HTML document, and writing it."""

from __future__ import annotations

import os
from pathlib import Path

from observability.report.data import ReportData, read_report_data
from observability.report.markup import CSS, esc
from observability.report.sections import SECTIONS
from observability.warehouse import connect

DEFAULT_OUT = Path("reports/quality.html")


def render_report(data: ReportData) -> str:
    """The page as one HTML string."""
    below = [row["source_name"] for row in data.latest if row.get("is_below_min_dqs")]
    banner = (
        f'<p class="bad" id="alert">Sources below min_dqs: {esc(", ".join(below))}</p>'
        if below
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Data quality report</title><style>{CSS}</style></head><body>"
        "<h1>Data quality report</h1>"
        f'<p class="meta">Warehouse {esc(data.database)}; generated '
        f"{esc(data.generated_at.isoformat())}. DQS = valid rows / total rows x 100.</p>"
        + banner
        + "".join(section(data) for section in SECTIONS)
        + "</body></html>\n"
    )


def write_report(database: Path, out: Path = DEFAULT_OUT) -> Path:
    """Read `database` and write the report to `out` (parent folders created).

    The page is written to a temporary file beside `out` and renamed over it, so a reader
    never sees half a page and a failed run leaves the previous page in place.
    """
    con = connect(database, read_only=True)
    try:
        data = read_report_data(con, str(database))
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    # A plain open (not mkstemp, which makes the file private) keeps the umask's mode.
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        partial.write_text(render_report(data), encoding="utf-8")
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out
