"""The per-source contracts: declared once, used by the generator, the loader and the docs.

A contract says which folder under the landing root holds a source, which file formats it
accepts, which columns a file must carry (a file missing one is rejected whole) and which
are known but optional. Columns a file carries beyond these are kept in the raw table's
``_extra`` JSON column and reported, never dropped.

Raw tables are faithful (ELT): every contract column is stored as the text the file held
(``VARCHAR``; Parquet values are rendered as text, JSON values as their JSON text for
objects). Typing and business validation happen in dbt staging.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FileFormat = Literal["csv", "parquet", "jsonl"]

RAW_SCHEMA = "raw"
LEDGER_TABLE = "_load_ledger"
QUARANTINE_TABLE = "_quarantine"
EXTRA_COLUMN = "_extra"
# Lineage carried by every raw row, in this order, after the contract columns and _extra.
LINEAGE_COLUMNS: tuple[str, ...] = ("_batch_id", "_source_file", "_row_number", "_loaded_at")


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    required: bool = True


@dataclass(frozen=True)
class SourceContract:
    name: str
    file_format: FileFormat
    # Glob patterns (relative to the source folder, searched recursively) the loader accepts.
    patterns: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str
    # The column that holds the person a row is about (the internal user id), or None for a
    # source without personal data. Erasure and load-time suppression match on it.
    subject_column: str | None = None
    # The column that dates a row (ISO text), for retention (`ingest purge-expired`).
    time_column: str | None = None
    # Days raw rows are kept (by time_column); None keeps everything. Override per source with
    # the environment variable INGEST_RETENTION_DAYS_<SOURCE> (see ingest/privacy/retention.py).
    retention_days: int | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if not column.required)

    @property
    def table(self) -> str:
        return self.name


CSV_PATTERNS = ("*.csv", "*.csv.gz")

CONTRACTS: dict[str, SourceContract] = {
    contract.name: contract
    for contract in (
        SourceContract(
            name="sales",
            file_format="csv",
            patterns=CSV_PATTERNS,
            description="Daily sales extract: one line per sold product line, one file per day.",
            columns=(
                Column("date", "Sale date, ISO-8601 (YYYY-MM-DD) as written by the shop."),
                Column("product_id", "Catalog id of the sold product."),
                Column("quantity", "Units sold on this line."),
                Column("price", "Unit price paid, in the shop currency."),
                Column("customer_id", "Buyer; the same id space as user_id."),
            ),
            subject_column="customer_id",
            time_column="date",
        ),
        SourceContract(
            name="products",
            file_format="csv",
            patterns=CSV_PATTERNS,
            description="Product catalog: a full snapshot of the catalog, one file per day.",
            time_column="updated_at",
            columns=(
                Column("product_id", "Catalog id of the product."),
                Column("name", "Product display name.", required=False),
                Column("category", "One of electronics, clothing, books, home, sports."),
                Column("price", "List price on the snapshot day."),
                Column("rating", "Average customer rating, 0 to 5."),
                Column(
                    "updated_at", "When the catalog entry last changed (ISO-8601).", required=False
                ),
            ),
        ),
        SourceContract(
            name="user_behavior",
            file_format="csv",
            patterns=CSV_PATTERNS,
            description="Per-visit web analytics: page views and session duration per user.",
            columns=(
                Column("user_id", "Visitor; the same id space as customer_id."),
                Column("page_views", "Pages viewed in the visit."),
                Column("session_duration", "Visit length in seconds."),
                Column("timestamp", "Visit start (ISO-8601)."),
            ),
            subject_column="user_id",
            time_column="timestamp",
        ),
        SourceContract(
            name="transactions",
            file_format="parquet",
            patterns=("*.parquet",),
            description="Payment transactions, Parquet files from the payment service.",
            columns=(
                Column("transaction_id", "Payment service transaction id."),
                Column("user_id", "Paying user."),
                Column("amount", "Amount charged, in the shop currency."),
                Column("timestamp", "When the payment was captured."),
            ),
            subject_column="user_id",
            time_column="timestamp",
        ),
        SourceContract(
            name="events",
            file_format="jsonl",
            patterns=("*.jsonl", "*.jsonl.gz", "*.json", "*.json.gz"),
            description="Clickstream: one JSON object per line, one file per hour.",
            columns=(
                Column("user_id", "User who acted."),
                Column("event_type", "page_view, click, add_to_cart, purchase or search."),
                Column("timestamp", "When it happened, ISO-8601, possibly with an offset."),
                # A JSON line without these keys is a row-level fault for staging to reject,
                # not a file-level contract breach: lines are self-describing.
                Column(
                    "data",
                    "Event payload object (amount, page, product_id, query, ip_address,"
                    " user_agent ...): page views carry the visitor's IP address and browser,"
                    " search queries are free text that may hold an email address.",
                    required=False,
                ),
            ),
            subject_column="user_id",
            time_column="timestamp",
        ),
        SourceContract(
            name="customers",
            file_format="csv",
            patterns=CSV_PATTERNS,
            description=(
                "Customer master data from the shop's account service: personal data and"
                " consent flags. One file per day of changes (the first day is a full extract);"
                " a customer appears again whenever a field or a consent flag changes."
            ),
            columns=(
                Column("customer_id", "The customer; the same id space as user_id."),
                Column("email", "Email address (personal data, direct identifier)."),
                Column("full_name", "Name (personal data, direct identifier).", required=False),
                Column("country", "ISO 3166-1 alpha-2 country code.", required=False),
                Column("signup_at", "When the account was created (ISO-8601)."),
                Column("marketing_consent", "true/false: consents to marketing use (GDPR)."),
                Column("do_not_sell", "true/false: opted out of sale/sharing (CCPA)."),
                Column("updated_at", "When this version of the record was written (ISO-8601)."),
            ),
            subject_column="customer_id",
            time_column="updated_at",
        ),
    )
}


def get_contract(source: str) -> SourceContract:
    """Return the contract of ``source`` or raise ``KeyError`` naming the known sources."""
    try:
        return CONTRACTS[source]
    except KeyError:
        known = ", ".join(sorted(CONTRACTS))
        raise KeyError(f"unknown source {source!r} (known: {known})") from None
