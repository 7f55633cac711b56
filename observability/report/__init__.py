"""The data quality report: one self-contained HTML page built from the quality marts.

``python -m observability report [--database FILE] [--out reports/quality.html]`` reads a
built warehouse and writes a page that works offline: inline CSS and SVG charts, no script,
no font or image fetched (a Content-Security-Policy forbids it). It shows, per source, the
DQS of the latest batch against min_dqs and over every load batch, the rejected-row reasons
with their counts, the failing checks of the latest dbt invocation with samples of their
stored failing rows, and the pipeline metrics of the recent runs. Every value from the
warehouse is HTML-escaped.

Modules: ``data`` reads the figures, ``sections/`` renders one section each, ``markup``
holds the shared HTML helpers, ``page`` assembles and writes the page.
"""

from observability.report.data import ReportData, failing_rows_sample, read_report_data
from observability.report.page import DEFAULT_OUT, render_report, write_report

__all__ = [
    "DEFAULT_OUT",
    "ReportData",
    "failing_rows_sample",
    "read_report_data",
    "render_report",
    "write_report",
]
