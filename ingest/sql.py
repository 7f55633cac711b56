"""SQL helpers: identifiers are quoted here, values always travel as parameters."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """Quote ``name`` as a DuckDB identifier (double quotes, embedded quotes doubled)."""
    if "\x00" in name:
        raise ValueError(f"identifier contains a NUL byte: {name!r}")
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, table: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(table)}"


def quote_literal(value: str) -> str:
    """Quote ``value`` as a SQL string literal, for the few places that take no parameters
    (lambdas, DDL); single quotes are doubled."""
    if "\x00" in value:
        raise ValueError("string literal contains a NUL byte")
    return "'" + value.replace("'", "''") + "'"
