"""Erasure (GDPR art. 17, CCPA deletion) and its proof.

``erase(con, user_id, reason)`` finds the person's email addresses (raw.customers), then, in
one transaction, deletes every row that mentions the person from every table of the
warehouse: raw tables, raw._quarantine, the audit/history tables, the snapshot, incremental
and other model tables (views need nothing: they read the tables). A row mentions the person
when a numeric column equals the id, or a text/JSON/list column holds the id as a whole token
(not inside a longer number or word) or one of their emails. Then it records the request in
the erasure registry (salted hashes only). An interrupted erase leaves nothing done (the
transaction rolls back); running it again is harmless. The next ``dbt build`` rebuilds the
derived tables without the person.

The load ledger is never edited (it holds file names and counts, no personal data, and the
loader needs it to skip files already loaded); it is scanned like every other table.

``verify(con, user_id)`` scans every table and view the same way and returns the hits;
emails are matched in plain text while raw.customers still has them and, after the erasure,
by their salted hashes in the registry. Position columns (_row_number, line_number) and the
ledger's counters are not compared with the id: they count lines, they do not identify.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.contracts import CONTRACTS, RAW_SCHEMA
from ingest.ledger import LEDGER_TABLE, ensure_tables, utc_now
from ingest.privacy import registry
from ingest.sql import qualified, quote_ident, quote_literal

NUMERIC_TYPES = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
    "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL",
)  # fmt: skip
TEXT_TYPES = ("VARCHAR", "JSON")
NESTED_MARKERS = ("[]", "STRUCT(", "MAP(", "UNION(")
# Columns that count lines or bytes: equal to an id by coincidence only.
POSITION_COLUMNS = frozenset(
    {
        "_row_number",
        "line_number",
        "size_bytes",
        "rows_read",
        "rows_loaded",
        "rows_quarantined",
        "rows_suppressed",
        "rows_removed",
        "rows_deleted",
    }
)
EMAIL_PATTERN = r"[^@\s\"',;<>()\[\]{}]+@[^@\s\"',;<>()\[\]{}]+\.[^@\s\"',;<>()\[\]{}]+"


@dataclass(frozen=True)
class Relation:
    schema: str
    name: str
    is_table: bool

    @property
    def sql(self) -> str:
        return qualified(self.schema, self.name)

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class Hit:
    relation: str
    column: str
    rows: int


@dataclass
class EraseResult:
    subject_hash: str
    emails: int
    target: Target
    deleted: dict[str, int] = field(default_factory=dict)
    already_erased: bool = False

    @property
    def rows_deleted(self) -> int:
        return sum(self.deleted.values())


def id_token_pattern(user_id: int) -> str:
    """The id as a whole token: not part of a longer number, word or hex string."""
    return f"(^|[^0-9A-Za-z]){user_id}([^0-9A-Za-z]|$)"


def relations(con: duckdb.DuckDBPyConnection, *, views: bool) -> list[Relation]:
    rows = con.execute(
        "select table_schema, table_name, table_type = 'BASE TABLE' from information_schema.tables"
        " where table_catalog = current_database()"
        " and table_schema not in ('information_schema', 'pg_catalog')"
        " and (table_type = 'BASE TABLE' or ?)"
        " order by table_schema, table_name",
        [views],
    ).fetchall()
    return [Relation(str(schema), str(name), bool(is_table)) for schema, name, is_table in rows]


def columns_of(con: duckdb.DuckDBPyConnection, relation: Relation) -> list[tuple[str, str]]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_catalog = current_database() and table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [relation.schema, relation.name],
    ).fetchall()
    return [(str(name), str(data_type).upper()) for name, data_type in rows]


@dataclass(frozen=True)
class Target:
    """What identifies the person: the id, plain emails, salted email hashes."""

    user_id: int
    emails: tuple[str, ...] = ()
    salt: str | None = None
    email_hashes: tuple[str, ...] = ()


def _column_predicate(name: str, data_type: str, target: Target) -> tuple[str, list[object]]:
    """SQL that is true when the column mentions the person, with its parameters; '' if the
    column cannot."""
    column = quote_ident(name)
    is_nested = any(marker in data_type for marker in NESTED_MARKERS)
    if not is_nested and data_type.split("(")[0] in NUMERIC_TYPES:
        if name in POSITION_COLUMNS:
            return "", []
        return f"{column} = ?", [target.user_id]
    if not is_nested and data_type not in TEXT_TYPES:
        return "", []
    text = f"cast({column} as varchar)"
    parts = [f"regexp_matches({text}, ?)"]
    params: list[object] = [id_token_pattern(target.user_id)]
    for email in target.emails:
        parts.append(f"contains(lower({text}), ?)")
        params.append(email)
    if target.salt is not None and target.email_hashes:
        # Lambdas take no parameters: the salt travels as a quoted literal.
        parts.append(
            "list_has_any(list_transform(regexp_extract_all(lower("
            f"{text}), {quote_literal(EMAIL_PATTERN)}), lambda found: sha256("
            f"{quote_literal(target.salt)} || found)), ?)"
        )
        params.append(list(target.email_hashes))
    return "(" + " or ".join(parts) + ")", params


def scan(con: duckdb.DuckDBPyConnection, target: Target, *, views: bool = True) -> list[Hit]:
    """Every (relation, column) that mentions the person, with its row count."""
    hits: list[Hit] = []
    for relation in relations(con, views=views):
        if relation.schema == RAW_SCHEMA and relation.name == registry.REGISTRY_TABLE:
            continue
        predicates = [
            (name, *_column_predicate(name, data_type, target))
            for name, data_type in columns_of(con, relation)
        ]
        predicates = [item for item in predicates if item[1]]
        if not predicates:
            continue
        counts = ", ".join(f"count(*) filter (where {sql})" for _, sql, _ in predicates)
        params = [param for _, _, item_params in predicates for param in item_params]
        row = con.execute(f"select {counts} from {relation.sql}", params).fetchone()
        assert row is not None
        hits.extend(
            Hit(relation.label, name, int(count))
            for (name, _, _), count in zip(predicates, row, strict=True)
            if count
        )
    return hits


def known_emails(con: duckdb.DuckDBPyConnection, user_id: int) -> tuple[str, ...]:
    """The person's email addresses as landed in raw.customers (every version)."""
    contract = CONTRACTS["customers"]
    rows = con.execute(
        f"select distinct lower(trim(email)) from {qualified(RAW_SCHEMA, contract.table)}"
        " where trim(customer_id) = ? and nullif(trim(email), '') is not null",
        [str(user_id)],
    ).fetchall()
    return tuple(sorted(str(row[0]) for row in rows))


def _sanitised_reason(reason: str | None, target: Target) -> str | None:
    """The free-text reason without the id or the emails (the registry holds no ids)."""
    if reason is None:
        return None
    text = re.sub(id_token_pattern(target.user_id), r"\1[id]\2", reason)
    for email in target.emails:
        text = re.sub(re.escape(email), "[email]", text, flags=re.IGNORECASE)
    return text


def erase(
    con: duckdb.DuckDBPyConnection, user_id: int, *, reason: str | None = None
) -> EraseResult:
    """Delete every row that mentions ``user_id`` and record the erasure; one transaction."""
    salt = registry.salt("erase")
    ensure_tables(con)
    registry.ensure_registry(con)
    subject = registry.subject_hash(salt, user_id)
    emails = known_emails(con, user_id)
    previous = registry.email_hashes_of(con, subject)
    hashes = tuple(sorted({*previous, *(registry.email_hash(salt, email) for email in emails)}))
    target = Target(user_id=user_id, emails=emails, salt=salt, email_hashes=hashes)
    result = EraseResult(subject_hash=subject, emails=len(emails), target=target)
    con.execute("begin transaction")
    try:
        for relation in relations(con, views=False):
            if relation.schema == RAW_SCHEMA and relation.name in (
                registry.REGISTRY_TABLE,
                LEDGER_TABLE,
            ):
                continue
            predicates = [
                _column_predicate(name, data_type, target)
                for name, data_type in columns_of(con, relation)
            ]
            predicates = [item for item in predicates if item[0]]
            if not predicates:
                continue
            where = " or ".join(sql for sql, _ in predicates)
            params = [param for _, item_params in predicates for param in item_params]
            row = con.execute(f"delete from {relation.sql} where {where}", params).fetchone()
            if row and row[0]:
                result.deleted[relation.label] = int(row[0])
        already = con.execute(
            f"select count(*) from {registry.REGISTRY} where subject_hash = ?", [subject]
        ).fetchone()
        result.already_erased = bool(already and already[0])
        registry.record(
            con,
            subject=subject,
            emails=list(hashes),
            requested_at=utc_now(),
            reason=_sanitised_reason(reason, target),
            rows_deleted=result.rows_deleted,
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return result


def verify(con: duckdb.DuckDBPyConnection, user_id: int) -> tuple[Target, list[Hit]]:
    """Scan every table and view for the person; the salt is used when it is set."""
    salt = os.environ.get(registry.SALT_VARIABLE) or None
    hashes: tuple[str, ...] = ()
    if salt is not None:
        hashes = tuple(registry.email_hashes_of(con, registry.subject_hash(salt, user_id)))
    emails = known_emails(con, user_id) if _has_customers(con) else ()
    target = Target(user_id=user_id, emails=emails, salt=salt, email_hashes=hashes)
    return target, scan(con, target)


def _has_customers(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [RAW_SCHEMA, CONTRACTS["customers"].table],
    ).fetchone()
    return bool(row and row[0])


# --- the Parquet raw lake (`ingest export-lake`) ---------------------------------------------


def _parquet_files(lake: Path) -> list[Path]:
    return sorted(path for path in lake.rglob("*.parquet") if not path.name.startswith("."))


def _lake_predicate(
    con: duckdb.DuckDBPyConnection, source: str, target: Target
) -> tuple[str, list[object]]:
    columns = con.execute(
        "select column_name, upper(column_type) from (describe select * from"
        " read_parquet(?, hive_partitioning = false))",
        [source],
    ).fetchall()
    predicates = [_column_predicate(str(name), str(kind), target) for name, kind in columns]
    predicates = [item for item in predicates if item[0]]
    if not predicates:
        return "", []
    return (
        " or ".join(sql for sql, _ in predicates),
        [param for _, params in predicates for param in params],
    )


def scan_lake(con: duckdb.DuckDBPyConnection, lake: Path, target: Target) -> list[Hit]:
    """Parquet files under ``lake`` with rows that mention the person."""
    hits: list[Hit] = []
    for path in _parquet_files(lake):
        where, params = _lake_predicate(con, str(path), target)
        if not where:
            continue
        row = con.execute(
            f"select count(*) from read_parquet(?, hive_partitioning = false) where {where}",
            [str(path), *params],
        ).fetchone()
        if row and row[0]:
            hits.append(Hit(f"lake:{path.relative_to(lake).as_posix()}", "*", int(row[0])))
    return hits


def erase_from_lake(con: duckdb.DuckDBPyConnection, lake: Path, target: Target) -> dict[str, int]:
    """Rewrite every Parquet file under ``lake`` that mentions the person without those rows
    (each file replaced by a rename, so a reader sees the old or the new file, never half).
    Re-running finishes an interrupted rewrite."""
    rewritten: dict[str, int] = {}
    for hit in scan_lake(con, lake, target):
        path = lake / hit.relation.removeprefix("lake:")
        where, params = _lake_predicate(con, str(path), target)
        partial = path.with_name(f".{path.name}.erasing")
        con.execute(
            "copy (select * from read_parquet(?, hive_partitioning = false)"
            f" where not coalesce({where}, false)) to {quote_literal(str(partial))}"
            " (format parquet)",
            [str(path), *params],
        )
        os.replace(partial, path)
        rewritten[hit.relation] = hit.rows
    return rewritten
