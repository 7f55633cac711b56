"""Access (GDPR art. 15): everything the warehouse holds about one person, as one JSON file.

``export_user(con, user_id)`` collects the person's raw rows per source (the contract's
subject column equals the id), the quarantined lines that mention the id, and the rows of
every model table or view outside the raw schema that has a ``user_id`` or ``customer_id``
column equal to the id: staging, features, segments, predictions and recommendations.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ingest.contracts import CONTRACTS, RAW_SCHEMA
from ingest.errors import PrivacyError
from ingest.ledger import QUARANTINE, require_tables, utc_now
from ingest.privacy.erase import id_token_pattern, relations
from ingest.sql import qualified, quote_ident

PERSON_COLUMNS = ("user_id", "customer_id")


def _rows(result: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def collect(con: duckdb.DuckDBPyConnection, user_id: int) -> dict[str, Any]:
    # Read only: an export works on a read-only copy and never creates anything.
    require_tables(con, "the warehouse")
    landed = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = ?", [RAW_SCHEMA]
        ).fetchall()
    }
    raw: dict[str, list[dict[str, Any]]] = {}
    for contract in CONTRACTS.values():
        if contract.subject_column is None:
            continue
        if contract.table not in landed:  # a source never loaded holds nothing about anyone
            raw[contract.name] = []
            continue
        raw[contract.name] = _rows(
            con.execute(
                f"select * from {qualified(RAW_SCHEMA, contract.table)}"
                f" where trim({quote_ident(contract.subject_column)}) = ?"
                " order by _source_file, _row_number",
                [str(user_id)],
            )
        )
    quarantined = _rows(
        con.execute(
            f"select * from {QUARANTINE} where regexp_matches(raw_line, ?)"
            " order by source_file, line_number",
            [id_token_pattern(user_id)],
        )
    )
    models: dict[str, list[dict[str, Any]]] = {}
    for relation in relations(con, views=True):
        if relation.schema == RAW_SCHEMA:
            continue
        names = {
            str(row[0])
            for row in con.execute(
                "select column_name from information_schema.columns"
                " where table_catalog = current_database() and table_schema = ?"
                " and table_name = ?",
                [relation.schema, relation.name],
            ).fetchall()
        }
        person = [name for name in PERSON_COLUMNS if name in names]
        if not person:
            continue
        where = " or ".join(f"try_cast({quote_ident(name)} as bigint) = ?" for name in person)
        rows = _rows(
            con.execute(f"select * from {relation.sql} where {where}", [user_id] * len(person))
        )
        if rows:
            models[relation.label] = rows
    return {
        "user_id": user_id,
        "generated_at": utc_now().isoformat(),
        "sources": raw,
        "quarantined_lines": quarantined,
        "models": models,
    }


def export_user(con: duckdb.DuckDBPyConnection, user_id: int, out: Path) -> dict[str, Any]:
    """Write the person's data to ``out`` (atomically) and return it."""
    document = collect(con, user_id)
    if not out.parent.is_dir():
        raise PrivacyError(f"{out}: folder {out.parent} does not exist")
    try:
        handle, partial = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, indent=2, default=_json_default, ensure_ascii=False)
            stream.write("\n")
        os.replace(partial, out)
    except OSError as error:
        raise PrivacyError(f"{out}: cannot write: {error.strerror or error}") from None
    return document
