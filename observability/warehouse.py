"""Opening the built warehouse and the small query helpers the report and the alerts share."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.settings import resolve
from observability.errors import WarehouseError

if TYPE_CHECKING:
    import duckdb


def connect(database: Path, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open an existing warehouse with the settings' memory limit (``ingest.settings``).

    Read-only when asked; a file this process already holds open is shared as it is.
    """
    import duckdb

    if not database.is_file():
        raise WarehouseError(database, "no such warehouse file")
    try:
        return resolve().connect(database, read_only=read_only)
    except duckdb.Error as error:
        text = str(error).strip()
        raise WarehouseError(
            database, f"cannot open: {text.splitlines()[0] if text else error!r}"
        ) from None


def records(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """The rows of a query as dicts keyed by column name."""
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def records_if_exists(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """``records`` of ``sql``, or no rows while ``schema.table`` does not exist (a warehouse
    that never streamed, or was never built with the alerts)."""
    return records(con, sql, params) if table_exists(con, schema, table) else []


def quote_identifier(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
