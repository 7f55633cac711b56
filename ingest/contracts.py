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
        ),
        SourceContract(
            name="products",
            file_format="csv",
            patterns=CSV_PATTERNS,
            description="Product catalog: a full snapshot of the catalog, one file per day.",
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
                    "Event payload object (amount, page, product_id, query ...).",
                    required=False,
                ),
            ),
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
