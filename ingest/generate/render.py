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

from ingest.generate.activity import ADD_TO_CART, CLICK, PAGE_VIEW, PURCHASE, DayTransactions
from ingest.generate.catalog import SEARCH_QUERIES, TZ_OFFSETS, TZ_SUFFIXES
from ingest.generate.config import EVENT_TYPES
from ingest.generate.customers import emails, ip_addresses, searches_with_email, user_agents
from ingest.generate.faults import (
    BAD_BOOLEAN,
    BAD_BOOLEANS,
    BAD_DATE,
    BAD_DATES,
    BAD_EMAIL,
    BAD_EMAILS,
    BAD_ISO_TIMESTAMPS,
    BAD_NUMBER,
    BAD_NUMBERS,
    BAD_RATINGS,
    BAD_TIMESTAMPS,
    DUPLICATE,
    KINDS,
    MALFORMED_JSON,
    MISSING_AMOUNT,
    NON_POSITIVE,
    NOT_AN_OBJECT,
    NULL,
    OUT_OF_RANGE,
    UNKNOWN_CATEGORIES,
    UNKNOWN_CATEGORY,
    UNKNOWN_EVENT_TYPE,
    UNKNOWN_EVENT_TYPES,
    WRONG_COLUMNS,
    FaultKind,
    FaultPlan,
    pick,
)
from ingest.generate.text import (
    cents_str,
    cents_text,
    int_text,
    iso_seconds,
    join_columns,
    lines_bytes,
    replace_rows,
    str_take,
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


# --- events (JSON Lines) ---------------------------------------------------------------


def _json_object(pairs: dict[str, str]) -> str:
    """Serialise key -> JSON text pairs in insertion order, compactly."""
    return "{" + ",".join(f'"{key}":{value}' for key, value in pairs.items()) + "}"


def _quote(text: str) -> str:
    return '"' + text + '"'


@dataclass
class EventColumns:
    """Clean text pieces of a day's events (rows ordered by time)."""

    user: pa.Array
    event_type: pa.Array
    timestamp: pa.Array
    product: pa.Array
    quantity: pa.Array
    amount: pa.Array
    query: pa.Array
    type_code: np.ndarray
    # Personal data on page views (ingest.generate.customers): the visitor's address, browser.
    ip_address: pa.Array
    user_agent: pa.Array


@dataclass
class EventArrays:
    """A day's events as numbers (rows ordered by time), rendered to text an hour at a time."""

    user_ids: np.ndarray
    tz_code: np.ndarray
    product_ids: np.ndarray
    type_code: np.ndarray
    event_at: np.ndarray  # epoch seconds, UTC
    quantity: np.ndarray
    amount: np.ndarray  # cents
    query: np.ndarray

    def slice(self, first: int, end: int) -> EventArrays:
        return EventArrays(
            **{name: getattr(self, name)[first:end] for name in self.__dataclass_fields__}
        )


def event_columns(events: EventArrays) -> EventColumns:
    local = events.event_at + TZ_OFFSETS[events.tz_code]
    timestamp = pc.binary_join_element_wise(
        pa.array(iso_seconds(local)), str_take(TZ_SUFFIXES, events.tz_code), ""
    )
    query = str_take(SEARCH_QUERIES, events.query)
    pasted_email = searches_with_email(events.user_ids, events.event_at)
    if pasted_email.any():
        query = pc.if_else(pa.array(pasted_email), emails(events.user_ids), query)
    return EventColumns(
        user=int_text(events.user_ids),
        event_type=str_take(EVENT_TYPES, events.type_code),
        timestamp=timestamp,
        product=int_text(events.product_ids),
        quantity=int_text(events.quantity),
        amount=cents_text(np.maximum(events.amount, 0)),
        query=query,
        type_code=events.type_code,
        ip_address=ip_addresses(events.user_ids),
        user_agent=user_agents(events.user_ids),
    )


def _clean_event_lines(cols: EventColumns) -> pa.Array:
    code = pa.array(cols.type_code)
    page = pc.binary_join_element_wise(
        '{"page":"/products/', cols.product, '","product_id":', cols.product, "}", ""
    )
    page_view = pc.binary_join_element_wise(
        '{"page":"/products/',
        cols.product,
        '","product_id":',
        cols.product,
        ',"ip_address":"',
        cols.ip_address,
        '","user_agent":"',
        cols.user_agent,
        '"}',
        "",
    )
    cart = pc.binary_join_element_wise(
        '{"product_id":', cols.product, ',"quantity":', cols.quantity, "}", ""
    )
    purchase = pc.binary_join_element_wise(
        '{"product_id":',
        cols.product,
        ',"quantity":',
        cols.quantity,
        ',"amount":',
        cols.amount,
        "}",
        "",
    )
    search = pc.binary_join_element_wise('{"query":"', cols.query, '"}', "")
    data = pc.case_when(
        pc.make_struct(
            pc.equal(code, PAGE_VIEW),
            pc.equal(code, CLICK),
            pc.equal(code, ADD_TO_CART),
            pc.equal(code, PURCHASE),
        ),
        page_view,
        page,
        cart,
        purchase,
        search,
    )
    return pc.binary_join_element_wise(
        '{"user_id":',
        cols.user,
        ',"event_type":"',
        cols.event_type,
        '","timestamp":"',
        cols.timestamp,
        '","data":',
        data,
        "}",
        "",
    )


def _event_pairs(cols: EventColumns, row: int) -> tuple[dict[str, str], dict[str, str]]:
    """The top-level pairs (key -> JSON text) of a clean event line, and its data pairs."""
    product = cols.product[row].as_py()
    code = int(cols.type_code[row])
    if code in (PAGE_VIEW, CLICK):
        data = {"page": _quote(f"/products/{product}"), "product_id": product}
        if code == PAGE_VIEW:
            data["ip_address"] = _quote(cols.ip_address[row].as_py())
            data["user_agent"] = _quote(cols.user_agent[row].as_py())
    elif code == ADD_TO_CART:
        data = {"product_id": product, "quantity": cols.quantity[row].as_py()}
    elif code == PURCHASE:
        data = {
            "product_id": product,
            "quantity": cols.quantity[row].as_py(),
            "amount": cols.amount[row].as_py(),
        }
    else:
        data = {"query": _quote(cols.query[row].as_py())}
    pairs = {
        "user_id": cols.user[row].as_py(),
        "event_type": _quote(cols.event_type[row].as_py()),
        "timestamp": _quote(cols.timestamp[row].as_py()),
        "data": _json_object(data),
    }
    return pairs, data


def _faulty_event_line(
    rng: np.random.Generator, kind: FaultKind, cols: EventColumns, row: int
) -> str:
    pairs, data = _event_pairs(cols, row)
    column = kind.column
    if kind.fault == NULL:
        if rng.random() < 0.5:
            pairs[column] = "null"
        else:
            del pairs[column]
    elif kind.fault == BAD_NUMBER and column == "user_id":
        pairs["user_id"] = _quote(pick(rng, BAD_NUMBERS))
    elif kind.fault == BAD_DATE:
        pairs["timestamp"] = _quote(pick(rng, BAD_ISO_TIMESTAMPS))
    elif kind.fault == UNKNOWN_EVENT_TYPE:
        pairs["event_type"] = _quote(pick(rng, UNKNOWN_EVENT_TYPES))
    elif kind.fault == NOT_AN_OBJECT:
        pairs["data"] = pick(rng, ('"oops"', "[1,2]", "42"))
    elif kind.fault == MISSING_AMOUNT:
        del data["amount"]
        pairs["data"] = _json_object(data)
    elif kind.fault == BAD_NUMBER and column == "amount":
        data["amount"] = _quote(pick(rng, BAD_NUMBERS))
        pairs["data"] = _json_object(data)
    elif kind.fault == NON_POSITIVE:
        data["amount"] = "0" if rng.random() < 0.3 else "-" + data["amount"]
        pairs["data"] = _json_object(data)
    elif kind.fault == MALFORMED_JSON:
        clean = _json_object(pairs)
        if rng.random() < 0.5:  # cut off inside the timestamp string
            return clean[: clean.index('"timestamp":"') + 17]
        return clean.replace('"', "'")  # Python-repr style quotes
    else:
        raise ValueError(f"no event fault {kind.fault} for column {column!r}")
    return _json_object(pairs)


def _hour_batches(hour_start: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive hours ``(first, end)`` of at most CHUNK_ROWS events each (an hour
    with more is a batch of its own): few compute calls on small days, flat memory on big."""
    batches: list[tuple[int, int]] = []
    first = 0
    while first < 24:
        end = first + 1
        while end < 24 and hour_start[end + 1] - hour_start[first] <= CHUNK_ROWS:
            end += 1
        batches.append((first, end))
        first = end
    return batches


def render_events(
    day_text: str,
    day_start: int,
    events: EventArrays,
    plan: FaultPlan,
    rng: np.random.Generator,
) -> list[RenderedFile]:
    """One JSON Lines file per UTC hour that has events."""
    kinds = KINDS["events"]
    hour = (events.event_at - day_start) // 3_600
    hour_start = np.searchsorted(hour, np.arange(25))
    fault_rows, fault_kinds = plan.rows.tolist(), plan.kinds.tolist()
    next_fault = 0
    files: list[RenderedFile] = []
    for first_hour, end_hour in _hour_batches(hour_start):
        first, end = int(hour_start[first_hour]), int(hour_start[end_hour])
        if first == end:
            continue
        cols = event_columns(events.slice(first, end))
        replaced: dict[int, str] = {}
        faults: list[tuple[int, FaultKind]] = []
        while next_fault < len(fault_rows) and fault_rows[next_fault] < end:
            row, kind = fault_rows[next_fault], kinds[fault_kinds[next_fault]]
            next_fault += 1
            replaced[row - first] = _faulty_event_line(rng, kind, cols, row - first)
            faults.append((row, kind))
        lines = replace_rows(_clean_event_lines(cols), replaced)
        for h in range(first_hour, end_hour):
            start, stop = int(hour_start[h]), int(hour_start[h + 1])
            if start == stop:
                continue
            path = f"events/{day_text}/events_{day_text}T{h:02d}.jsonl"
            records: list[FaultRecord] = [
                ("events", path, row - start + 1, kind.fault, kind.column, kind.reason)
                for row, kind in faults
                if start <= row < stop
            ]
            data = lines_bytes(lines.slice(start - first, stop - start))
            files.append(RenderedFile(path=path, rows=stop - start, records=records, data=data))
    return files


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
