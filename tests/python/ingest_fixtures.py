"""Helpers for the ingest tests: tiny landing folders written by hand in tmp_path."""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def holding(database: Path, *, read_only: bool) -> Iterator[int]:
    """Another process with the warehouse open (for writing, or read-only); yields its pid."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == '1');"
            " print('ready', flush=True); sys.stdin.read()",
            str(database),
            "1" if read_only else "0",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        yield holder.pid
    finally:
        holder.communicate(input="", timeout=30)
