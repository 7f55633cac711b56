"""Personal data: the ``customers`` source and the personal fields of events.

Every user is a customer (``customer_id`` = user id). A person's email, name, IP address and
browser are derived from the user id alone (no random stream), so the customers files, the
page views and the search queries agree on them and the other sources' bytes do not depend
on this module's draws.

``customers/customers_YYYY-MM-DD.csv``: the first day is a full extract (every customer);
each later day holds only the customers whose record changed that day, as their new version
(``updated_at`` that day): consent withdrawn or given again, a do-not-sell request, a new
country. Consent state is carried from day to day, so a shorter run is a prefix of a longer
one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.generate.config import GenerateConfig, Stream, rng_for
from ingest.generate.text import datetime_text, int_text, str_take

FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Kira", "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara",
    "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Amir", "Bianca", "Carlos", "Dana",
    "Emil", "Fatima", "Gita",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Adams", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito",
    "Jensen", "Kowalski", "Lopez", "Meyer", "Nowak", "Okafor", "Patel", "Quist", "Rossi",
    "Schmidt", "Tanaka", "Usman", "Varga", "Weber", "Xu", "Yilmaz", "Zimmermann", "Moreau",
)  # fmt: skip
COUNTRIES: tuple[str, ...] = ("DE", "FR", "US", "GB", "IN", "NL", "ES", "PL")
COUNTRY_SHARE = np.array([0.22, 0.14, 0.2, 0.12, 0.08, 0.08, 0.1, 0.06])
USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile",
)
EMAIL_DOMAIN = "example.com"  # RFC 2606: never a real person's address

INITIAL_MARKETING_CONSENT = 0.85
INITIAL_DO_NOT_SELL = 0.03
DAILY_CONSENT_WITHDRAWN = 0.004  # of the customers who consent
DAILY_CONSENT_GIVEN = 0.002  # of the customers who do not
DAILY_DO_NOT_SELL = 0.001  # of the customers who have not opted out yet
DAILY_COUNTRY_CHANGE = 0.0005
# One search in this many (per user and second, deterministic) is the user's own email:
# people paste it into the search box.
EMAIL_SEARCH_EVERY = 40


def _mix(values: np.ndarray, salt: int) -> np.ndarray:
    """A deterministic scramble of non-negative int64 values (splitmix-like, wraps)."""
    x = (np.asarray(values, dtype=np.uint64) + np.uint64(salt)) * np.uint64(0x9E3779B97F4A7C15)
    x ^= x >> np.uint64(31)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(29)
    return x


def _code(values: np.ndarray, salt: int, size: int) -> np.ndarray:
    return (_mix(values, salt) % np.uint64(size)).astype(np.int64)


def full_names(user_ids: np.ndarray) -> pa.Array:
    first = str_take(FIRST_NAMES, _code(user_ids, 1, len(FIRST_NAMES)))
    last = str_take(LAST_NAMES, _code(user_ids, 2, len(LAST_NAMES)))
    return pc.binary_join_element_wise(first, last, " ")


def emails(user_ids: np.ndarray) -> pa.Array:
    """``first.last<id>@example.com``, lower case: unique per user."""
    first = pc.utf8_lower(str_take(FIRST_NAMES, _code(user_ids, 1, len(FIRST_NAMES))))
    last = pc.utf8_lower(str_take(LAST_NAMES, _code(user_ids, 2, len(LAST_NAMES))))
    local = pc.binary_join_element_wise(
        first, pc.binary_join_element_wise(last, int_text(user_ids), ""), "."
    )
    return pc.binary_join_element_wise(local, EMAIL_DOMAIN, "@")


def ip_addresses(user_ids: np.ndarray) -> pa.Array:
    """A home address per user: IPv4 for most, IPv6 (digit-only groups) for one in ten."""
    octets = [int_text(_code(user_ids, 10 + k, 254) + 1) for k in range(4)]
    v4 = pc.binary_join_element_wise(*octets, ".")
    groups = [int_text(_code(user_ids, 20 + k, 9000) + 1000) for k in range(3)]
    v6 = pc.binary_join_element_wise(
        "2001:db8",
        *groups,
        pc.binary_join_element_wise("", int_text(_code(user_ids, 30, 999) + 1), ":"),
        ":",
    )
    is_v6 = pa.array(_code(user_ids, 40, 10) == 0)
    return pc.if_else(is_v6, v6, v4)


def user_agents(user_ids: np.ndarray) -> pa.Array:
    return str_take(USER_AGENTS, _code(user_ids, 50, len(USER_AGENTS)))


def searches_with_email(user_ids: np.ndarray, event_at: np.ndarray) -> np.ndarray:
    """Which searches (by user and time) are the user's email instead of a product query."""
    return (
        _code(np.asarray(user_ids, dtype=np.int64) * 100_003 + event_at, 60, EMAIL_SEARCH_EVERY)
        == 0
    )


@dataclass
class CustomerState:
    """Every customer's current record (indices aligned with ``Users.ids``)."""

    signup_at: np.ndarray  # epoch seconds
    country: np.ndarray  # index into COUNTRIES
    marketing_consent: np.ndarray  # bool
    do_not_sell: np.ndarray  # bool
    updated_at: np.ndarray  # epoch seconds


@dataclass
class CustomersDay:
    """The rows of one day's file: indices into the users, with their record as of the day."""

    rows: np.ndarray
    state: CustomerState


def build_customers(config: GenerateConfig, n_users: int) -> CustomerState:
    rng = rng_for(config.seed, Stream.CUSTOMERS, 0)
    first_day = config.day_start_seconds(0)
    signup = first_day - rng.integers(86_400, 3 * 365 * 86_400, n_users)
    updated = signup + ((first_day - signup) * rng.random(n_users)).astype(np.int64)
    return CustomerState(
        signup_at=signup,
        country=rng.choice(len(COUNTRIES), size=n_users, p=COUNTRY_SHARE),
        marketing_consent=rng.random(n_users) < INITIAL_MARKETING_CONSENT,
        do_not_sell=rng.random(n_users) < INITIAL_DO_NOT_SELL,
        updated_at=updated,
    )


def customers_day(config: GenerateConfig, state: CustomerState, day: int) -> CustomersDay:
    """Day 0: every customer. Later days: apply the day's changes to ``state`` (in place) and
    return the changed customers."""
    n = len(state.signup_at)
    if day == 0:
        return CustomersDay(rows=np.arange(n, dtype=np.int64), state=state)
    rng = rng_for(config.seed, Stream.CUSTOMERS, day)
    draw = rng.random((3, n))
    withdraw = state.marketing_consent & (draw[0] < DAILY_CONSENT_WITHDRAWN)
    give = ~state.marketing_consent & (draw[0] < DAILY_CONSENT_GIVEN)
    opt_out = ~state.do_not_sell & (draw[1] < DAILY_DO_NOT_SELL)
    move = draw[2] < DAILY_COUNTRY_CHANGE
    state.marketing_consent = state.marketing_consent ^ (withdraw | give)
    state.do_not_sell = state.do_not_sell | opt_out
    state.country = np.where(move, rng.integers(0, len(COUNTRIES), n), state.country)
    changed = np.flatnonzero(withdraw | give | opt_out | move)
    start = config.day_start_seconds(day)
    state.updated_at = state.updated_at.copy()
    state.updated_at[changed] = start + np.sort(rng.integers(0, 86_400, len(changed)))
    order = changed[np.argsort(state.updated_at[changed], kind="stable")]
    return CustomersDay(rows=order, state=state)


def _bool_text(values: np.ndarray) -> pa.Array:
    return str_take(("false", "true"), values.astype(np.int64))


def customer_columns(
    user_ids: np.ndarray, day: CustomersDay, first: int, end: int
) -> list[pa.Array]:
    """Clean text of the contract columns for rows ``first:end`` of the day's file."""
    rows = day.rows[first:end]
    ids = user_ids[rows]
    state = day.state
    return [
        int_text(ids),
        emails(ids),
        full_names(ids),
        str_take(COUNTRIES, state.country[rows]),
        datetime_text(state.signup_at[rows]),
        _bool_text(state.marketing_consent[rows]),
        _bool_text(state.do_not_sell[rows]),
        datetime_text(state.updated_at[rows]),
    ]
