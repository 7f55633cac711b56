"""Render one day of a source into file contents, with its faults applied.

The bulk is vectorised (pyarrow compute builds every clean line); only the few faulty rows
are rebuilt one by one. A fault record is ``(source, file, line, fault, column,
expected_reason)`` with the 1-based physical line (CSV header = line 1; Parquet: row index).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.generate.activity import DayTransactions
from ingest.generate.faults import (
    BAD_BOOLEAN,
    BAD_BOOLEANS,
    BAD_DATE,
    BAD_DATES,
    BAD_EMAIL,
    BAD_EMAILS,
    BAD_NUMBER,
    BAD_NUMBERS,
    BAD_RATINGS,
    BAD_TIMESTAMPS,
    DUPLICATE,
    KINDS,
    NON_POSITIVE,
    NULL,
    OUT_OF_RANGE,
    UNKNOWN_CATEGORIES,
    UNKNOWN_CATEGORY,
    WRONG_COLUMNS,
    FaultKind,
    FaultPlan,
    pick,
)
from ingest.generate.text import (
    cents_str,
    join_columns,
    lines_bytes,
    replace_rows,
)

FaultRecord = tuple[str, str, int, str, str, str]


@dataclass
class RenderedFile:
    path: str  # relative to the landing root
    rows: int
    records: list[FaultRecord]
    data: bytes | None = None
    table: pa.Table | None = None


def _bad_csv_value(rng: np.random.Generator, source: str, kind: FaultKind, current: str) -> str:
    column = kind.column
    if kind.fault == NULL:
        return ""
    if kind.fault == BAD_NUMBER:
        return pick(rng, BAD_NUMBERS)
    if kind.fault == BAD_DATE:
        return pick(rng, BAD_DATES if column == "date" else BAD_TIMESTAMPS)
    if kind.fault == NON_POSITIVE:
        if column == "quantity":
            return pick(rng, ("0", "-1", "-3"))
        # Zero is out of range for a sale; for a catalog entry the staging rule is only
        # "not negative" (a free product is possible), so products get negative prices only.
        if column == "price" and source == "products":
            return "-" + current
        return "0.00" if rng.random() < 0.3 else "-" + current
    if kind.fault == OUT_OF_RANGE:
        if column == "page_views":
            return str(int(rng.integers(1_001, 50_001)))
        if column == "session_duration":
            return str(int(rng.integers(7_201, 200_001)))
        if column == "rating":
            return pick(rng, BAD_RATINGS)
        if column == "price":
            return cents_str(int(rng.integers(1_000_001, 5_000_001)))
    if kind.fault == UNKNOWN_CATEGORY:
        return pick(rng, UNKNOWN_CATEGORIES)
    if kind.fault == BAD_BOOLEAN:
        return pick(rng, BAD_BOOLEANS)
    if kind.fault == BAD_EMAIL:
        return pick(rng, BAD_EMAILS)
    raise ValueError(f"no CSV fault {kind.fault} for column {column!r}")


CHUNK_ROWS = 65_536  # rows rendered at a time: memory stays flat as files grow


def render_csv(
    source: str,
    path: str,
    header: tuple[str, ...],
    n_rows: int,
    columns: Callable[[int, int], list[pa.Array]],
    plan: FaultPlan,
    rng: np.random.Generator,
) -> RenderedFile:
    """CSV text of ``n_rows`` rows with the planned faults applied.

    ``columns(first, end)`` gives the clean text of each column for rows ``first:end``.
    """
    kinds = KINDS[source]
    records: list[FaultRecord] = []
    appended: list[str] = []
    parts = [(",".join(header) + "\n").encode("utf-8")]
    fault_rows, fault_kinds = plan.rows.tolist(), plan.kinds.tolist()
    next_fault = 0
    for first in range(0, n_rows, CHUNK_ROWS):
        end = min(first + CHUNK_ROWS, n_rows)
        chunk = columns(first, end)
        lines = join_columns(chunk, ",")
        replaced: dict[int, str] = {}
        while next_fault < len(fault_rows) and fault_rows[next_fault] < end:
            row, kind = fault_rows[next_fault], kinds[fault_kinds[next_fault]]
            next_fault += 1
            local = row - first
            values = [column[local].as_py() for column in chunk]
            line = row + 2
            if kind.fault == DUPLICATE:
                appended.append(lines[local].as_py())
                if not kind.reason:  # exact copy, kept by staging: the copy is the fault
                    line = n_rows + len(appended) + 1
            elif kind.fault == WRONG_COLUMNS:
                if rng.random() < 0.5:
                    replaced[local] = ",".join(values[:-1])
                else:
                    replaced[local] = ",".join([*values, values[-1]])
            else:
                position = header.index(kind.column)
                values[position] = _bad_csv_value(rng, source, kind, values[position])
                replaced[local] = ",".join(values)
            records.append((source, path, line, kind.fault, kind.column, kind.reason))
        parts.append(lines_bytes(replace_rows(lines, replaced)))
    if appended:
        parts.append(lines_bytes(pa.array(appended, pa.string())))
    records.sort(key=lambda record: record[2])
    return RenderedFile(
        path=path, rows=n_rows + len(appended), records=records, data=b"".join(parts)
    )


# --- transactions (Parquet) --------------------------------------------------------------

DECIMAL = pa.decimal128(18, 2)


def _decimal_from_cents(cents: np.ndarray) -> pa.Array:
    words = np.empty((len(cents), 2), dtype="<i8")
    words[:, 0] = cents
    words[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(DECIMAL, len(cents), [None, pa.py_buffer(words.tobytes())])


def render_transactions(
    path: str, tx: DayTransactions, user_ids: np.ndarray, plan: FaultPlan, rng: np.random.Generator
) -> RenderedFile:
    kinds = KINDS["transactions"]
    ids = tx.transaction_id.copy()
    users = user_ids.copy()
    amount = tx.amount.copy()
    at = tx.at.copy()
    n = len(ids)
    nulls = {
        column: np.zeros(n, dtype=bool)
        for column in ("transaction_id", "user_id", "amount", "timestamp")
    }
    copies: list[int] = []
    records: list[FaultRecord] = []
    for row, kind_index in zip(plan.rows.tolist(), plan.kinds.tolist(), strict=True):
        kind = kinds[kind_index]
        if kind.fault == NULL:
            nulls[kind.column][row] = True
        elif kind.fault == NON_POSITIVE:
            amount[row] = 0 if rng.random() < 0.3 else -amount[row]
        elif kind.fault == DUPLICATE:
            copies.append(row)  # re-sent at the end of the file; this row is rejected
        else:
            raise ValueError(f"no transactions fault {kind.fault}")
        records.append(("transactions", path, row + 1, kind.fault, kind.column, kind.reason))
    if copies:
        again = np.array(copies, dtype=np.int64)
        ids, users = np.concatenate([ids, ids[again]]), np.concatenate([users, users[again]])
        amount, at = np.concatenate([amount, amount[again]]), np.concatenate([at, at[again]])
        for column, mask in nulls.items():
            nulls[column] = np.concatenate([mask, np.zeros(len(again), dtype=bool)])
    amount_array = _decimal_from_cents(amount)
    if nulls["amount"].any():
        amount_array = pc.if_else(pa.array(nulls["amount"]), pa.scalar(None, DECIMAL), amount_array)
    table = pa.table(
        {
            "transaction_id": pa.array(ids, pa.int64(), mask=nulls["transaction_id"]),
            "user_id": pa.array(users, pa.int64(), mask=nulls["user_id"]),
            "amount": amount_array,
            "timestamp": pa.array(at * 1_000_000, pa.timestamp("us"), mask=nulls["timestamp"]),
        }
    )
    return RenderedFile(path=path, rows=table.num_rows, records=records, table=table)
