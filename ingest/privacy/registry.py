"""The erasure registry: who was erased, stored as salted hashes, never as ids.

``raw._erasure_registry`` has one row per erasure request: ``subject_hash`` =
sha256(salt || user id as decimal text), the salted hashes of the person's email addresses,
when, why and how many rows were deleted. The salt is a secret from the environment variable
``INGEST_ERASURE_SALT``; without it the registry cannot be written or matched, and the
commands that need it stop with a one-line error. Keep the salt as long as the warehouse
(changing it makes the loader forget who was erased).
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime

import duckdb

from ingest.contracts import RAW_SCHEMA
from ingest.errors import MissingSaltError, UsageError
from ingest.sql import qualified, quote_ident

SALT_VARIABLE = "INGEST_ERASURE_SALT"
REGISTRY_TABLE = "_erasure_registry"
REGISTRY = qualified(RAW_SCHEMA, REGISTRY_TABLE)
# A user id: a positive integer without sign or leading zeros (the warehouse's id space).
_USER_ID = re.compile(r"[1-9][0-9]{0,18}")


def salt(action: str) -> str:
    value = os.environ.get(SALT_VARIABLE, "")
    if not value:
        raise MissingSaltError(SALT_VARIABLE, action)
    return value


def parse_user_id(text: str) -> int:
    text = str(text).strip()
    if not _USER_ID.fullmatch(text):
        raise UsageError(f"user id must be a positive integer, got {text!r}")
    return int(text)


def subject_hash(salt_value: str, user_id: int) -> str:
    return hashlib.sha256(f"{salt_value}{user_id}".encode()).hexdigest()


def email_hash(salt_value: str, email: str) -> str:
    return hashlib.sha256(f"{salt_value}{email.strip().lower()}".encode()).hexdigest()


def ensure_registry(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {quote_ident(RAW_SCHEMA)}")
    con.execute(
        f"create table if not exists {REGISTRY} ("
        " subject_hash varchar not null,"
        " email_hashes varchar[] not null,"
        " requested_at timestamp not null,"
        " reason varchar,"
        " rows_deleted bigint not null)"
    )


def registry_exists(con: duckdb.DuckDBPyConnection) -> bool:
    # fetchall, not fetchone: a result left unfinished blocks con.register and the like.
    rows = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [RAW_SCHEMA, REGISTRY_TABLE],
    ).fetchall()
    return bool(rows[0][0])


def erased_count(con: duckdb.DuckDBPyConnection) -> int:
    if not registry_exists(con):
        return 0
    rows = con.execute(f"select count(*) from {REGISTRY}").fetchall()
    return int(rows[0][0])


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    subject: str,
    emails: list[str],
    requested_at: datetime,
    reason: str | None,
    rows_deleted: int,
) -> None:
    con.execute(
        f"insert into {REGISTRY} values (?, ?, ?, ?, ?)",
        [subject, emails, requested_at, reason, rows_deleted],
    )


def email_hashes_of(con: duckdb.DuckDBPyConnection, subject: str) -> list[str]:
    if not registry_exists(con):
        return []
    rows = con.execute(
        f"select distinct unnest(email_hashes) from {REGISTRY} where subject_hash = ?", [subject]
    ).fetchall()
    return sorted(str(row[0]) for row in rows)
