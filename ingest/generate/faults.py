"""Fault injection: the faults real feeds have, at about ``fault_rate`` of the rows per source.

Each faulty row carries exactly one fault. A fault kind names the fault class (the manifest's
unit), the column it touches and the staging reason code it must produce (``quarantine`` for
lines that cannot be parsed at all, empty for faults no staging rule rejects). Clean data never
looks faulty: ids and (user, visit start) pairs are unique, values stay inside the range rules.

Rows are picked per file (per day for events) from their own random stream, so the clean data
is the same at every fault rate. While a source still has kinds it never injected, a file gets
at least one fault of each of them (up to a quarter of its rows): small test sets cover every
class; large ones converge to the rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Fault classes (the manifest counts these).
NULL = "null_value"
BAD_NUMBER = "unparsable_number"
BAD_DATE = "unparsable_date"
NON_POSITIVE = "non_positive_value"
OUT_OF_RANGE = "out_of_range_value"
DUPLICATE = "duplicate_row"
UNKNOWN_CATEGORY = "unknown_category"
UNKNOWN_EVENT_TYPE = "unknown_event_type"
WRONG_COLUMNS = "wrong_column_count"
MALFORMED_JSON = "malformed_json"
MISSING_AMOUNT = "missing_amount"
NOT_AN_OBJECT = "data_not_an_object"
BAD_BOOLEAN = "unparsable_boolean"
BAD_EMAIL = "invalid_email"

QUARANTINE = "quarantine"

# Which rows a kind may hit (events: amount faults only on purchases, data faults only on
# other events, so that a row never breaks two rules).
ANY_ROW, PURCHASE_ROW, OTHER_ROW = "any", "purchase", "other"


@dataclass(frozen=True)
class FaultKind:
    fault: str
    column: str
    reason: str
    rows: str = ANY_ROW


def _kind(fault: str, column: str, rows: str = ANY_ROW) -> FaultKind:
    """The kind with the reason code of the staging convention."""
    prefix = {
        NULL: "missing_",
        BAD_NUMBER: "invalid_",
        BAD_DATE: "invalid_",
        NON_POSITIVE: "out_of_range_",
        OUT_OF_RANGE: "out_of_range_",
        UNKNOWN_CATEGORY: "unknown_",
        UNKNOWN_EVENT_TYPE: "unknown_",
        MISSING_AMOUNT: "missing_",
        NOT_AN_OBJECT: "invalid_",
        BAD_BOOLEAN: "invalid_",
        BAD_EMAIL: "invalid_",
    }
    if fault in (WRONG_COLUMNS, MALFORMED_JSON):
        return FaultKind(fault, column, QUARANTINE, rows)
    return FaultKind(fault, column, prefix[fault] + column, rows)


def _each(fault: str, *columns: str) -> tuple[FaultKind, ...]:
    """The kind ``fault`` in each of ``columns``, in that order."""
    return tuple(_kind(fault, column) for column in columns)


KINDS: dict[str, tuple[FaultKind, ...]] = {
    "sales": (
        *_each(NULL, "date", "product_id", "quantity", "price", "customer_id"),
        *_each(BAD_NUMBER, "product_id", "quantity", "price", "customer_id"),
        _kind(BAD_DATE, "date"),
        _kind(NON_POSITIVE, "quantity"),
        _kind(NON_POSITIVE, "price"),
        # An exact copy of a line: no staging rule rejects it (both lines are kept).
        FaultKind(DUPLICATE, "", ""),
        _kind(WRONG_COLUMNS, ""),
    ),
    "products": (
        *_each(NULL, "product_id", "category", "price", "rating"),
        *_each(BAD_NUMBER, "product_id", "price", "rating"),
        _kind(BAD_DATE, "updated_at"),
        _kind(NON_POSITIVE, "price"),
        _kind(OUT_OF_RANGE, "price"),
        _kind(OUT_OF_RANGE, "rating"),
        _kind(UNKNOWN_CATEGORY, "category"),
        _kind(WRONG_COLUMNS, ""),
    ),
    "user_behavior": (
        *_each(NULL, "user_id", "page_views", "session_duration", "timestamp"),
        *_each(BAD_NUMBER, "user_id", "page_views", "session_duration"),
        _kind(BAD_DATE, "timestamp"),
        _kind(OUT_OF_RANGE, "page_views"),
        _kind(OUT_OF_RANGE, "session_duration"),
        # The row is re-sent later in the file: this (earlier) copy is the one rejected.
        FaultKind(DUPLICATE, "", "duplicate"),
        _kind(WRONG_COLUMNS, ""),
    ),
    "transactions": (
        *_each(NULL, "transaction_id", "user_id", "amount", "timestamp"),
        _kind(NON_POSITIVE, "amount"),
        # Same transaction_id again later in the file: this (earlier) row is rejected.
        FaultKind(DUPLICATE, "transaction_id", "duplicate"),
    ),
    "events": (
        _kind(NULL, "user_id"),
        _kind(NULL, "event_type"),
        _kind(NULL, "timestamp"),
        _kind(NULL, "data", OTHER_ROW),
        _kind(BAD_NUMBER, "user_id"),
        _kind(BAD_DATE, "timestamp"),
        _kind(UNKNOWN_EVENT_TYPE, "event_type"),
        _kind(NOT_AN_OBJECT, "data", OTHER_ROW),
        _kind(MISSING_AMOUNT, "amount", PURCHASE_ROW),
        _kind(BAD_NUMBER, "amount", PURCHASE_ROW),
        _kind(NON_POSITIVE, "amount", PURCHASE_ROW),
        _kind(MALFORMED_JSON, ""),
    ),
    "customers": (
        *_each(NULL, "customer_id", "email", "signup_at", "marketing_consent", "updated_at"),
        _kind(BAD_NUMBER, "customer_id"),
        _kind(BAD_EMAIL, "email"),
        _kind(BAD_DATE, "signup_at"),
        _kind(BAD_DATE, "updated_at"),
        _kind(BAD_BOOLEAN, "marketing_consent"),
        _kind(BAD_BOOLEAN, "do_not_sell"),
        # The same (customer_id, updated_at) again later in the file: this row is rejected.
        FaultKind(DUPLICATE, "", "duplicate"),
        _kind(WRONG_COLUMNS, ""),
    ),
}

BAD_NUMBERS = ("abc", "twelve", "12.3.4", "#VALUE!", "1O")
BAD_DATES = ("2026-13-45", "not-a-date", "2026-10-32", "??")
BAD_TIMESTAMPS = ("2026-10-01 25:61:00", "yesterday", "2026-99-01 10:00:00", "not-a-time")
BAD_ISO_TIMESTAMPS = ("2026-10-01T25:61:00Z", "yesterday", "2026-99-01T10:00:00+02:00", "soon")
UNKNOWN_CATEGORIES = ("toys", "garden", "grocery", "automotive")
UNKNOWN_EVENT_TYPES = ("wishlist_add", "checkout_start", "share", "rate_product")
BAD_RATINGS = ("5.5", "6.0", "7.2", "9.9")
BAD_BOOLEANS = ("yes", "Y", "2", "maybe", "ja")
BAD_EMAILS = ("not-an-email", "someone@", "@example.com", "a b@example.com")


@dataclass
class FaultPlan:
    rows: np.ndarray  # row indices, ascending
    kinds: np.ndarray  # index into the source's kinds, aligned with rows


def plan_faults(
    rng: np.random.Generator,
    source: str,
    n_rows: int,
    rate: float,
    covered: set[int],
    purchase_rows: np.ndarray | None = None,
) -> FaultPlan:
    """Pick the faulty rows of one file and the kind of fault each gets.

    ``covered`` holds the kinds this source already got in earlier files; it is updated.
    """
    kinds = KINDS[source]
    if rate <= 0 or n_rows == 0:
        return FaultPlan(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    k = int(rng.binomial(n_rows, rate))
    uncovered = [i for i in range(len(kinds)) if i not in covered]
    if k < len(uncovered):
        k = max(k, min(len(uncovered), n_rows // 4))
    first = np.array(uncovered[:k], dtype=np.int64)
    chosen = np.concatenate([first, rng.integers(0, len(kinds), k - len(first))])
    counts = np.bincount(chosen, minlength=len(kinds))

    everything = np.arange(n_rows)
    is_purchase = np.zeros(n_rows, dtype=bool)
    if purchase_rows is not None:
        is_purchase[purchase_rows] = True
    pools = {
        ANY_ROW: everything,
        PURCHASE_ROW: everything[is_purchase],
        OTHER_ROW: everything[~is_purchase],
    }
    used = np.zeros(n_rows, dtype=bool)
    rows: list[np.ndarray] = []
    kind_of: list[np.ndarray] = []
    for index, kind in enumerate(kinds):
        if counts[index] == 0:
            continue
        pool = pools[kind.rows]
        available = pool[~used[pool]]
        count = min(int(counts[index]), len(available))
        if count == 0:
            continue
        picked = rng.choice(available, size=count, replace=False)
        used[picked] = True
        rows.append(picked)
        kind_of.append(np.full(count, index, dtype=np.int64))
        covered.add(index)
    if not rows:
        return FaultPlan(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    all_rows = np.concatenate(rows)
    all_kinds = np.concatenate(kind_of)
    order = np.argsort(all_rows, kind="stable")
    return FaultPlan(all_rows[order], all_kinds[order])


def pick(rng: np.random.Generator, values: tuple[str, ...]) -> str:
    return values[int(rng.integers(0, len(values)))]
