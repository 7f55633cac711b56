"""HTML building blocks shared by the report's sections: escaping, numbers, tables, CSS."""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
.meta { color: #666; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left;
         vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #006b3c; font-weight: 600; } .bad { color: #b00020; font-weight: 600; }
.warn { color: #a05a00; font-weight: 600; }
.sample { font-size: 0.8rem; } .chart { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; font-size: 0.8rem; background: #f8f8f8; padding: 0.4rem; }
"""


def esc(value: object) -> str:
    """`value` as HTML text (None -> empty); every warehouse value goes through it."""
    return html.escape("" if value is None else str(value), quote=True)


def num(value: object, digits: int = 2) -> str:
    """A number with thousands separators (integers) or `digits` decimals; None -> empty."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value) if not isinstance(value, Decimal) else value:,.{digits}f}"  # type: ignore[arg-type]


def cells(*values: object) -> str:
    """One ``<td>`` cell per value, escaped."""
    return "".join(f"<td>{esc(value)}</td>" for value in values)


def num_cells(*values: object) -> str:
    """One right-aligned ``<td class="num">`` cell per number (``num`` formatting)."""
    return "".join(f'<td class="num">{num(value)}</td>' for value in values)


def table(headers: Sequence[str], rows: Sequence[str], *, table_id: str = "") -> str:
    """A table with escaped headers around already rendered `<tr>` rows."""
    head = "".join(f"<th>{esc(header)}</th>" for header in headers)
    ident = f' id="{esc(table_id)}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
