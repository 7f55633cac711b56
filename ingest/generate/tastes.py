"""The structure recommenders learn from: user tastes, related products, shopping sessions.

Planted on top of the Zipf popularity of the catalog (docs/generator.md states the strengths):

- Tastes: each user has a stable mix over the categories (Dirichlet, concentration
  ``TASTE_CONCENTRATION``: most users favour one or two) and a price band (cheap, middle,
  dear: the list-price tercile of a product within its category).
- Relations: products of one noun (running shoes, kettles) are substitutes; every product has
  ``COMPLEMENTS`` complements, fixed products of its complement noun (a tablet's charger),
  drawn by popularity among the products that existed when it appeared.
- Consumables: one noun per category is bought again (batteries, socks, candles ...); each
  user has a staple consumable in their favourite category.
- Sessions: every session has an anchor product and browses around it before buying. A
  session either browses the user's taste (a category from the mix, a product of that
  category in the user's price band with probability ``OWN_BAND_SHARE``), resumes the
  user's last interest (a product of the noun the last session was about), follows up the
  user's last purchase (its complement), or replenishes the staple (and buys it).
  The other events of the session view the anchor, its substitutes, its complements or its
  category; purchases and carts go to the anchor or its close relations.

Everything is vectorised over the day's sessions and events; memory is a few numbers per
user and per product, never per pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.generate.catalog import CATEGORY_SHARE, NOUNS, PRICE_MEDIAN, PRICE_SIGMA, Catalog
from ingest.generate.config import GenerateConfig, Stream, rng_for

TASTE_CONCENTRATION = 0.6  # sum of the Dirichlet parameters over the five categories
PRICE_BANDS = 3
BAND_SHARE = np.array([0.35, 0.40, 0.25])  # users per price band
OWN_BAND_SHARE = 0.85  # browsing sessions that stay in the user's price band
COMPLEMENTS = 2
# Session kinds: share of sessions (follow-up needs an earlier purchase, else it browses).
REPLENISH_SHARE = 0.06
FOLLOW_UP_SHARE = 0.25
CONTINUE_SHARE = 0.45
# Product of an event after the first (the first always views the anchor), by event type
# group: (anchor, substitute, complement, same category by popularity).
BROWSE_RELATION_SHARE = np.array([0.30, 0.35, 0.10, 0.25])
BUY_RELATION_SHARE = np.array([0.60, 0.15, 0.25, 0.00])
ANCHOR, SUBSTITUTE, COMPLEMENT, CATEGORY = range(4)
# Lognormal terciles: the price band boundaries are median x exp(+-0.4307 sigma).
_TERCILE_Z = 0.4307

CONSUMABLE_NOUNS: tuple[str, ...] = ("Batteries", "Socks", "Magazine", "Candles", "Energy Bars")
COMPLEMENT_OF: dict[str, str] = {
    "Headphones": "Batteries", "Speaker": "Batteries", "Charger": "Tablet",
    "Keyboard": "Mouse", "Mouse": "Keyboard", "Monitor": "Keyboard",
    "Batteries": "Headphones", "Tablet": "Charger",
    "T-Shirt": "Jeans", "Jacket": "Scarf", "Jeans": "T-Shirt", "Sweater": "Jeans",
    "Dress": "Scarf", "Hoodie": "Jeans", "Socks": "Sneakers", "Scarf": "Jacket",
    "Novel": "Magazine", "Cookbook": "Skillet", "Biography": "Novel", "Magazine": "Novel",
    "Guide": "Workbook", "Anthology": "Novel", "Workbook": "Guide", "Thriller": "Novel",
    "Lamp": "Rug", "Blender": "Kettle", "Kettle": "Toaster", "Pillow": "Candles",
    "Rug": "Lamp", "Candles": "Pillow", "Skillet": "Cookbook", "Toaster": "Kettle",
    "Yoga Mat": "Rope", "Dumbbell": "Energy Bars", "Racket": "Sneakers",
    "Football": "Sneakers", "Helmet": "Energy Bars", "Energy Bars": "Dumbbell",
    "Sneakers": "Socks", "Rope": "Yoga Mat",
}  # fmt: skip
FLAT_NOUNS: tuple[str, ...] = tuple(noun for nouns in NOUNS for noun in nouns)
N_NOUNS = len(FLAT_NOUNS)
COMPLEMENT_NOUN = np.array([FLAT_NOUNS.index(COMPLEMENT_OF[noun]) for noun in FLAT_NOUNS])
IS_CONSUMABLE_NOUN = np.array([noun in CONSUMABLE_NOUNS for noun in FLAT_NOUNS])


class Pools:
    """Draw products by popularity within groups (a category, a noun, a category and band).

    One sort and one cumulative sum over the products; a draw is a binary search.
    """

    def __init__(self, group: np.ndarray, weight: np.ndarray, n_groups: int) -> None:
        self._order = np.argsort(group, kind="stable")
        self._cumulative = np.cumsum(weight[self._order])
        sorted_group = group[self._order]
        self._start = np.searchsorted(sorted_group, np.arange(n_groups), side="left")
        self._stop = np.searchsorted(sorted_group, np.arange(n_groups), side="right")
        self._base = np.r_[0.0, self._cumulative]

    def sample(self, rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
        """One product index per requested group; -1 where the group has no product."""
        start, stop = self._start[groups], self._stop[groups]
        low, high = self._base[start], self._base[stop]
        draw = low + rng.random(len(groups)) * (high - low)
        position = np.searchsorted(self._cumulative, draw, side="right")
        position = np.clip(position, start, np.maximum(stop - 1, start))
        product = self._order[np.minimum(position, len(self._order) - 1)]
        return np.where(stop > start, product, -1)


def price_band(categories: np.ndarray, prices_cents: np.ndarray) -> np.ndarray:
    """0 (cheap), 1 or 2 (dear): the list-price tercile of the product's category."""
    median = PRICE_MEDIAN[categories] * 100
    spread = np.exp(_TERCILE_Z * PRICE_SIGMA[categories])
    return (prices_cents > median / spread).astype(np.int64) + (prices_cents > median * spread)


@dataclass
class DayPools:
    """The pools of the products that exist on one day."""

    count: int
    band: np.ndarray  # per product
    by_category: Pools
    by_category_band: Pools
    by_noun: Pools


def day_pools(catalog: Catalog, day: int) -> DayPools:
    count = catalog.counts[day]
    categories = catalog.categories[:count]
    weight = catalog.popularity[:count]
    band = price_band(categories, catalog.prices[day][:count])
    n_categories = len(CATEGORY_SHARE)
    return DayPools(
        count=count,
        band=band,
        by_category=Pools(categories, weight, n_categories),
        by_category_band=Pools(categories * PRICE_BANDS + band, weight, n_categories * PRICE_BANDS),
        by_noun=Pools(catalog.nouns[:count], weight, N_NOUNS),
    )


def build_complements(config: GenerateConfig, catalog: Catalog) -> np.ndarray:
    """(products, COMPLEMENTS): each product's complements, among the products of its day.

    Products appearing on day d draw from the catalog of day d, so a shorter run gives the
    same complements for the products it has. A complement noun without products falls back
    to a popular product of the complement's category.
    """
    complements = np.empty((len(catalog.ids), COMPLEMENTS), dtype=np.int64)
    first = 0
    for day, count in enumerate(catalog.counts):
        if count == first:
            continue
        rng = rng_for(config.seed, Stream.RELATIONS, day)
        pools = day_pools(catalog, day)
        products = np.arange(first, count)
        wanted = np.repeat(COMPLEMENT_NOUN[catalog.nouns[products]], COMPLEMENTS)
        partner = pools.by_noun.sample(rng, wanted)
        missing = partner < 0
        fallback = pools.by_category.sample(rng, wanted // len(NOUNS[0]))
        partner[missing] = fallback[missing]
        complements[first:count] = partner.reshape(-1, COMPLEMENTS)
        first = count
    return complements


@dataclass
class Tastes:
    """Per-user tastes and the one piece of state carried across days (last purchase)."""

    category_cumulative: np.ndarray  # (users, categories), float32, rows end at 1
    band: np.ndarray  # (users,) price band
    staple: np.ndarray  # (users,) product index of the staple consumable
    complements: np.ndarray  # (products, COMPLEMENTS)
    last_bought: np.ndarray  # (users,) product index of the last purchase, -1 before any
    last_anchor: np.ndarray  # (users,) anchor of the user's last session, -1 before any

    @property
    def favourite_category(self) -> np.ndarray:
        """(users,) the category with the largest share of the user's mix."""
        return np.argmax(np.diff(self.category_cumulative, axis=1, prepend=0.0), axis=1)


def build_tastes(config: GenerateConfig, catalog: Catalog) -> Tastes:
    rng = rng_for(config.seed, Stream.TASTES)
    n = config.n_users
    mix = rng.dirichlet(TASTE_CONCENTRATION * CATEGORY_SHARE / CATEGORY_SHARE.sum(), n)
    cumulative = np.cumsum(mix, axis=1).astype(np.float32)
    cumulative[:, -1] = 1.0
    band = rng.choice(PRICE_BANDS, size=n, p=BAND_SHARE)
    favourite = np.argmax(mix, axis=1)
    # The staple: a consumable of the favourite category, among the initial products.
    pools = day_pools(catalog, 0)
    consumable_noun = np.flatnonzero(IS_CONSUMABLE_NOUN)
    staple = pools.by_noun.sample(rng, consumable_noun[favourite])
    missing = staple < 0
    staple[missing] = pools.by_category.sample(rng, favourite[missing])
    return Tastes(
        category_cumulative=cumulative,
        band=band,
        staple=staple,
        complements=build_complements(config, catalog),
        last_bought=np.full(n, -1, dtype=np.int64),
        last_anchor=np.full(n, -1, dtype=np.int64),
    )


def assign_products(
    config: GenerateConfig,
    catalog: Catalog,
    tastes: Tastes,
    day: int,
    session_user: np.ndarray,
    session_of: np.ndarray,
    position: np.ndarray,
    event_type: np.ndarray,
    *,
    purchase: int,
    add_to_cart: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(product, event type, session anchor) per event of one day.

    Replenishments end in a purchase of the staple.

    ``session_of`` maps each event to its session, ``position`` is its place in the session
    (0 = first). Draws come from the day's own stream, so the rest of the day's data keeps
    its draws. ``tastes.last_bought`` is not updated here (see ``remember_purchases``).
    """
    rng = rng_for(config.seed, Stream.SHOPPING, day)
    pools = day_pools(catalog, day)
    n_sessions = len(session_user)
    kind = rng.random(n_sessions)
    last = tastes.last_bought[session_user]
    replenish = kind < REPLENISH_SHARE
    follow_up = ~replenish & (kind < REPLENISH_SHARE + FOLLOW_UP_SHARE) & (last >= 0)
    interest = tastes.last_anchor[session_user]
    resume = (
        ~replenish
        & (kind >= REPLENISH_SHARE + FOLLOW_UP_SHARE)
        & (kind < REPLENISH_SHARE + FOLLOW_UP_SHARE + CONTINUE_SHARE)
        & (interest >= 0)
    )

    # Browsing: a category from the user's mix, mostly in the user's price band.
    pick = rng.random(n_sessions).astype(np.float32)
    category = (pick[:, None] > tastes.category_cumulative[session_user]).sum(axis=1)
    category = np.minimum(category, tastes.category_cumulative.shape[1] - 1)
    own_band = rng.random(n_sessions) < OWN_BAND_SHARE
    band = np.where(own_band, tastes.band[session_user], rng.integers(0, PRICE_BANDS, n_sessions))
    anchor = pools.by_category_band.sample(rng, category * PRICE_BANDS + band)
    anywhere = pools.by_category.sample(rng, category)
    anchor = np.where(anchor < 0, anywhere, anchor)
    which = rng.integers(0, COMPLEMENTS, n_sessions)
    follow = tastes.complements[np.maximum(last, 0), which]
    anchor = np.where(follow_up, follow, anchor)
    # Resuming: another product of the noun the user looked at last time.
    alike = pools.by_noun.sample(rng, catalog.nouns[np.maximum(interest, 0)])
    anchor = np.where(resume & (alike >= 0), alike, anchor)
    anchor = np.where(replenish, tastes.staple[session_user], anchor)

    # Events: the anchor first, then its relations.
    n_events = len(session_of)
    event_anchor = anchor[session_of]
    buying = (event_type == purchase) | (event_type == add_to_cart)
    cumulative = np.where(
        buying[:, None], np.cumsum(BUY_RELATION_SHARE), np.cumsum(BROWSE_RELATION_SHARE)
    )
    relation = (rng.random(n_events)[:, None] > cumulative).sum(axis=1)
    relation[position == 0] = ANCHOR
    substitute = pools.by_noun.sample(rng, catalog.nouns[event_anchor])
    complement = tastes.complements[event_anchor, rng.integers(0, COMPLEMENTS, n_events)]
    same_category = pools.by_category.sample(rng, catalog.categories[event_anchor])
    product = np.select(
        [relation == SUBSTITUTE, relation == COMPLEMENT, relation == CATEGORY],
        [substitute, complement, same_category],
        event_anchor,
    )
    product = np.where(product < 0, event_anchor, product)
    # A replenishment ends by buying the staple (sessions of two events or more).
    is_last = np.r_[session_of[1:] != session_of[:-1], True] if n_events else np.zeros(0, bool)
    restock = is_last & replenish[session_of] & (position > 0)
    event_type = np.where(restock, purchase, event_type)
    product = np.where(restock, event_anchor, product)
    return product, event_type, event_anchor


def remember_day(
    tastes: Tastes,
    event_user: np.ndarray,
    event_product: np.ndarray,
    is_purchase: np.ndarray,
    event_anchor: np.ndarray,
) -> None:
    """Keep each user's last purchase and last session anchor of the day (events in time
    order) for the next days."""
    _set_latest(tastes.last_bought, event_user[is_purchase], event_product[is_purchase])
    _set_latest(tastes.last_anchor, event_user, event_anchor)


def _set_latest(state: np.ndarray, user: np.ndarray, value: np.ndarray) -> None:
    if len(user) == 0:
        return
    # The first occurrence in reversed time order is the user's latest.
    users, latest = np.unique(user[::-1], return_index=True)
    state[users] = value[::-1][latest]
