"""SQL helpers: identifiers are quoted here, values always travel as parameters."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """Quote ``name`` as a DuckDB identifier (double quotes, embedded quotes doubled)."""
    if "\x00" in name:
        raise ValueError(f"identifier contains a NUL byte: {name!r}")
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, table: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(table)}"
