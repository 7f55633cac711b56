"""Helpers for the ingest tests: tiny landing folders written by hand in tmp_path."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb

SALES_HEADER = "date,product_id,quantity,price,customer_id"


def write(path: Path, content: str | bytes, *, compress: bool = False) -> Path:
    """Write ``content`` to ``path`` (creating folders); gzip it when ``compress``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


def query(database: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(database)) as con:
        return con.execute(sql, params or []).fetchall()


def count(database: Path, table: str, where: str = "true", params: list | None = None) -> int:
    return query(database, f"select count(*) from {table} where {where}", params)[0][0]
