"""Render one hour of user events as JSON Lines, with their faults applied (see
``ingest.generate.render`` for the fault records and the vectorised approach)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.generate.activity import ADD_TO_CART, CLICK, PAGE_VIEW, PURCHASE
from ingest.generate.catalog import SEARCH_QUERIES, TZ_OFFSETS, TZ_SUFFIXES
from ingest.generate.config import EVENT_TYPES
from ingest.generate.customers import emails, ip_addresses, searches_with_email, user_agents
from ingest.generate.faults import (
    BAD_DATE,
    BAD_ISO_TIMESTAMPS,
    BAD_NUMBER,
    BAD_NUMBERS,
    KINDS,
    MALFORMED_JSON,
    MISSING_AMOUNT,
    NON_POSITIVE,
    NOT_AN_OBJECT,
    NULL,
    UNKNOWN_EVENT_TYPE,
    UNKNOWN_EVENT_TYPES,
    FaultKind,
    FaultPlan,
    pick,
)
from ingest.generate.render import CHUNK_ROWS, FaultRecord, RenderedFile
from ingest.generate.text import (
    cents_text,
    int_text,
    iso_seconds,
    lines_bytes,
    replace_rows,
    str_take,
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
    timestamp = _concat(pa.array(iso_seconds(local)), str_take(TZ_SUFFIXES, events.tz_code))
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


def _concat(*parts: pa.Array | str) -> pa.Array:
    """The text of ``parts`` joined row by row (null where any part is null)."""
    return pc.binary_join_element_wise(*parts, "")


def _clean_event_lines(cols: EventColumns) -> pa.Array:
    code = pa.array(cols.type_code)
    product_page = _concat('{"page":"/products/', cols.product, '","product_id":', cols.product)
    page = _concat(product_page, "}")
    device = _concat(',"ip_address":"', cols.ip_address, '","user_agent":"', cols.user_agent)
    page_view = _concat(product_page, device, '"}')
    cart_line = _concat('{"product_id":', cols.product, ',"quantity":', cols.quantity)
    cart = _concat(cart_line, "}")
    purchase = _concat(cart_line, ',"amount":', cols.amount, "}")
    search = _concat('{"query":"', cols.query, '"}')
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
    head = _concat('{"user_id":', cols.user, ',"event_type":"', cols.event_type)
    return _concat(head, '","timestamp":"', cols.timestamp, '","data":', data, "}")


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
