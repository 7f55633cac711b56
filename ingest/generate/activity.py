"""One day of user activity: sessions, their events, the visits and payments they produce,
and the day's sales lines.

Sessions start on a daily curve (a different one at weekends) and hold events separated by
seconds to minutes (a few gaps of exactly 29:59 and 30:00); sessions of one user are at least
30:01 apart, usually hours (some exactly 30:01), also across midnight. A session never
crosses midnight (UTC) or lasts more than two hours, so each visit lands in one daily file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.generate.catalog import SEARCH_QUERIES, Catalog, Users
from ingest.generate.config import (
    EVENT_TYPES,
    EVENTS_PER_DAY,
    MAX_SESSION_SECONDS,
    SALES_PER_DAY,
    SESSION_GAP_SECONDS,
    TRANSACTION_ID_BASE,
    GenerateConfig,
    Stream,
    rng_for,
)
from ingest.generate.tastes import Tastes, assign_products, remember_day

# Share of session starts per UTC hour, weekdays and weekends (weekends start later).
HOUR_WEIGHT_WEEKDAY = np.array([
    0.20, 0.12, 0.08, 0.06, 0.06, 0.10, 0.25, 0.50, 0.80, 0.95, 1.00, 1.05,
    1.10, 1.05, 1.00, 1.00, 1.05, 1.15, 1.30, 1.45, 1.50, 1.35, 0.95, 0.50,
])  # fmt: skip
HOUR_WEIGHT_WEEKEND = np.array([
    0.35, 0.25, 0.15, 0.10, 0.06, 0.06, 0.10, 0.20, 0.40, 0.70, 1.00, 1.20,
    1.30, 1.30, 1.25, 1.20, 1.20, 1.25, 1.35, 1.45, 1.45, 1.30, 1.00, 0.60,
])  # fmt: skip
# Volume by weekday (Monday first): more browsing and buying at the weekend.
EVENTS_WEEKDAY_FACTOR = np.array([0.95, 0.93, 0.95, 0.97, 1.00, 1.10, 1.10])
SALES_WEEKDAY_FACTOR = np.array([0.92, 0.90, 0.92, 0.95, 1.06, 1.15, 1.10])
EVENTS_PER_SESSION = 5.5
MAX_EVENTS_PER_SESSION = 40
# Event types after a session's first page view, in EVENT_TYPES order.
EVENT_TYPE_SHARE = np.array([0.40, 0.26, 0.14, 0.06, 0.14])
QUANTITIES = np.array([1, 2, 3, 4, 5])
QUANTITY_SHARE = np.array([0.72, 0.17, 0.06, 0.03, 0.02])
SALES_QUANTITIES = np.array([1, 2, 3, 4, 5, 6, 10])
SALES_QUANTITY_SHARE = np.array([0.62, 0.2, 0.08, 0.04, 0.03, 0.02, 0.01])
BETWEEN_SESSIONS_MEAN_SECONDS = 3 * 3_600
BOUNDARY_SHARE = 0.01  # share of gaps put exactly on or next to the 30-minute boundary
DAY_SECONDS = 86_400
_GROUP_SPAN = 1 << 40  # > any (start - offset) value: keeps running maxima inside a group

PAGE_VIEW, CLICK, ADD_TO_CART, PURCHASE, SEARCH = range(len(EVENT_TYPES))


@dataclass
class DayActivity:
    # Sessions (visits), ordered by start then user.
    session_user: np.ndarray  # user index
    session_start: np.ndarray  # epoch seconds
    session_duration: np.ndarray  # seconds from first to last event
    session_page_views: np.ndarray
    # Events, ordered by time then user.
    event_user: np.ndarray
    event_type: np.ndarray  # index into EVENT_TYPES
    event_at: np.ndarray  # epoch seconds
    event_product: np.ndarray  # product index
    event_quantity: np.ndarray
    event_amount: np.ndarray  # cents; quantity x that day's price for purchases, else 0
    event_query: np.ndarray  # index into SEARCH_QUERIES


@dataclass
class DayTransactions:
    transaction_id: np.ndarray
    user: np.ndarray  # user index
    amount: np.ndarray  # cents
    at: np.ndarray  # epoch seconds


@dataclass
class DaySales:
    product: np.ndarray  # product index
    user: np.ndarray
    quantity: np.ndarray
    price: np.ndarray  # cents


def _group_starts(groups: np.ndarray) -> np.ndarray:
    """Boolean mask of the first element of each run of equal values."""
    first = np.ones(len(groups), dtype=bool)
    first[1:] = groups[1:] != groups[:-1]
    return first


def _schedule(
    user: np.ndarray, start: np.ndarray, duration: np.ndarray, gap: np.ndarray, last_end: np.ndarray
) -> np.ndarray:
    """Push session starts later so that the sessions of a user (in ``start`` order, after
    the user's last session of earlier days) are at least ``gap`` apart.

    Vectorised form of ``start[i] = max(start[i], end[i-1] + gap[i])`` within each user.
    """
    n = len(user)
    if n == 0:
        return start.copy()
    order = np.lexsort((start, user))
    u, s, d, g = user[order], start[order], duration[order], gap[order]
    first = _group_starts(u)
    s = s.copy()
    s[first] = np.maximum(s[first], last_end[u[first]] + g[first])
    # c[i] = sum over earlier sessions k of the same user of (duration[k] + gap[k+1]).
    step = np.zeros(n, dtype=np.int64)
    step[1:] = d[:-1] + g[1:]
    cum = np.cumsum(step)
    group_index = np.cumsum(first) - 1
    c = cum - cum[np.flatnonzero(first)][group_index]
    offset = group_index.astype(np.int64) * _GROUP_SPAN
    pushed = np.maximum.accumulate(s - c + offset) - offset + c
    result = np.empty(n, dtype=np.int64)
    result[order] = pushed
    return result


def simulate_day(
    config: GenerateConfig,
    users: Users,
    catalog: Catalog,
    day: int,
    last_end: np.ndarray,
    tastes: Tastes,
) -> DayActivity:
    """Sessions and events of ``day``; ``last_end`` and the tastes' last purchase (per user)
    are read and updated. Which product an event is about comes from ``tastes``."""
    rng = rng_for(config.seed, Stream.SESSIONS, day)
    weekday = config.day(day).weekday()
    day_start = config.day_start_seconds(day)
    mean_sessions = EVENTS_PER_DAY * config.scale * EVENTS_WEEKDAY_FACTOR[weekday]
    n_sessions = int(rng.poisson(mean_sessions / EVENTS_PER_SESSION))
    hours = HOUR_WEIGHT_WEEKEND if weekday >= 5 else HOUR_WEIGHT_WEEKDAY
    user = users.sample(rng, n_sessions)
    hour = rng.choice(24, size=n_sessions, p=hours / hours.sum())
    start = day_start + hour * 3_600 + rng.integers(0, 3_600, n_sessions)
    n_events = np.minimum(
        rng.geometric(1.0 / EVENTS_PER_SESSION, n_sessions), MAX_EVENTS_PER_SESSION
    )

    # Events inside sessions: gaps of seconds to minutes, a few right at the boundary.
    total = int(n_events.sum())
    session_of = np.repeat(np.arange(n_sessions), n_events)
    first_index = np.cumsum(n_events) - n_events
    position = np.arange(total) - np.repeat(first_index, n_events)
    gap = np.clip(np.round(rng.lognormal(np.log(40.0), 1.1, total)), 1, SESSION_GAP_SECONDS - 2)
    gap = gap.astype(np.int64)
    boundary = rng.random(total)
    gap[boundary < BOUNDARY_SHARE] = SESSION_GAP_SECONDS
    gap[(boundary >= BOUNDARY_SHARE) & (boundary < 2 * BOUNDARY_SHARE)] = SESSION_GAP_SECONDS - 1
    gap[position == 0] = 0
    cum = np.cumsum(gap)
    offset = cum - np.repeat(cum[first_index], n_events)
    kept = offset <= MAX_SESSION_SECONDS  # a prefix of every session
    duration = np.zeros(n_sessions, dtype=np.int64)
    np.maximum.at(duration, session_of[kept], offset[kept])

    # Sessions of one user: apart by more than the session gap, usually by hours.
    between = (
        SESSION_GAP_SECONDS
        + 1
        + np.round(rng.exponential(BETWEEN_SESSIONS_MEAN_SECONDS, n_sessions)).astype(np.int64)
    )
    between[rng.random(n_sessions) < 5 * BOUNDARY_SHARE] = SESSION_GAP_SECONDS + 1
    start = _schedule(user, start, duration, between, last_end)
    in_day = start + duration < day_start + DAY_SECONDS
    # Remember each user's last session end for the next day.
    order = np.lexsort((start[in_day], user[in_day]))
    kept_user, kept_end = user[in_day][order], (start + duration)[in_day][order]
    last = np.ones(len(kept_user), dtype=bool)
    last[:-1] = kept_user[:-1] != kept_user[1:]
    last_end[kept_user[last]] = kept_end[last]

    event_kept = kept & in_day[session_of]
    session_of, position, offset = session_of[event_kept], position[event_kept], offset[event_kept]
    n_kept = len(session_of)
    event_type = rng.choice(len(EVENT_TYPES), size=n_kept, p=EVENT_TYPE_SHARE)
    event_type[position == 0] = PAGE_VIEW
    product, event_type, anchor = assign_products(
        config,
        catalog,
        tastes,
        day,
        user,
        session_of,
        position,
        event_type,
        purchase=PURCHASE,
        add_to_cart=ADD_TO_CART,
    )
    quantity = rng.choice(QUANTITIES, size=n_kept, p=QUANTITY_SHARE)
    amount = np.where(event_type == PURCHASE, quantity * catalog.prices[day][product], 0)
    query_weight = 1.0 / np.arange(1, len(SEARCH_QUERIES) + 1)
    query = rng.choice(len(SEARCH_QUERIES), size=n_kept, p=query_weight / query_weight.sum())
    event_at = start[session_of] + offset
    event_user = user[session_of]
    order = np.lexsort((event_user, event_at))
    remember_day(
        tastes, event_user[order], product[order], event_type[order] == PURCHASE, anchor[order]
    )

    page_views = np.bincount(session_of[event_type == PAGE_VIEW], minlength=n_sessions)
    sessions = np.flatnonzero(in_day)
    session_order = sessions[np.lexsort((user[sessions], start[sessions]))]
    return DayActivity(
        session_user=user[session_order],
        session_start=start[session_order],
        session_duration=duration[session_order],
        session_page_views=page_views[session_order],
        event_user=event_user[order],
        event_type=event_type[order],
        event_at=event_at[order],
        event_product=product[order],
        event_quantity=quantity[order],
        event_amount=amount[order],
        event_query=query[order],
    )


def day_transactions(
    config: GenerateConfig, activity: DayActivity, day: int, next_id: int
) -> DayTransactions:
    """One payment per purchase event, captured seconds later, ids increasing over the run."""
    rng = rng_for(config.seed, Stream.TRANSACTIONS, day)
    purchase = np.flatnonzero(activity.event_type == PURCHASE)
    n = len(purchase)
    ids = next_id + np.cumsum(rng.integers(1, 4, n))
    at = activity.event_at[purchase] + rng.integers(1, 31, n)
    order = np.lexsort((ids, at))
    return DayTransactions(
        transaction_id=ids[order],
        user=activity.event_user[purchase][order],
        amount=activity.event_amount[purchase][order],
        at=at[order],
    )


def first_transaction_id() -> int:
    return TRANSACTION_ID_BASE


def day_sales(
    config: GenerateConfig, users: Users, catalog: Catalog, activity: DayActivity, day: int
) -> DaySales:
    """The shop's sales lines of the day: the web purchases plus the other channels' lines,
    at the catalog price of the day, without exact duplicate lines."""
    rng = rng_for(config.seed, Stream.SALES, day)
    weekday = config.day(day).weekday()
    target = int(rng.poisson(SALES_PER_DAY * config.scale * SALES_WEEKDAY_FACTOR[weekday]))
    purchase = activity.event_type == PURCHASE
    n_extra = max(0, target - int(purchase.sum()))
    product = np.concatenate([activity.event_product[purchase], catalog.sample(rng, day, n_extra)])
    user = np.concatenate([activity.event_user[purchase], users.sample(rng, n_extra)])
    quantity = np.concatenate(
        [
            activity.event_quantity[purchase],
            rng.choice(SALES_QUANTITIES, size=n_extra, p=SALES_QUANTITY_SHARE),
        ]
    )
    key = (product.astype(np.int64) * len(users.ids) + user) * 16 + quantity
    _, first = np.unique(key, return_index=True)
    keep = np.sort(first)
    keep = keep[rng.permutation(len(keep))]
    product, user, quantity = product[keep], user[keep], quantity[keep]
    return DaySales(
        product=product, user=user, quantity=quantity, price=catalog.prices[day][product]
    )
