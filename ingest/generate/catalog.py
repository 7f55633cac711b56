"""The universe: users (activity, time zone) and the product catalog as it evolves by day.

The catalog is small (about 1,000 products at scale 1, growing with the square root of the
scale), so it is built for every day up front; each day can add products and change prices
and ratings, and a product's ``updated_at`` moves when it changes. Popularity is Zipf-like.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.generate.config import (
    CATEGORIES,
    MAX_PRICE_CENTS,
    PRODUCT_ID_BASE,
    USER_ID_BASE,
    GenerateConfig,
    Stream,
    rng_for,
)
from ingest.generate.text import int_text, str_take

CATEGORY_SHARE = np.array([0.2, 0.25, 0.2, 0.2, 0.15])
# Median list price (in currency units) and spread of the log-normal price per category.
PRICE_MEDIAN = np.array([120.0, 35.0, 14.0, 45.0, 40.0])
PRICE_SIGMA = np.array([0.9, 0.6, 0.4, 0.7, 0.7])
ZIPF_EXPONENT = 1.07
NOUNS: tuple[tuple[str, ...], ...] = (
    ("Headphones", "Speaker", "Charger", "Keyboard", "Mouse", "Monitor", "Batteries", "Tablet"),
    ("T-Shirt", "Jacket", "Jeans", "Sweater", "Dress", "Hoodie", "Socks", "Scarf"),
    ("Novel", "Cookbook", "Biography", "Magazine", "Guide", "Anthology", "Workbook", "Thriller"),
    ("Lamp", "Blender", "Kettle", "Pillow", "Rug", "Candles", "Skillet", "Toaster"),
    ("Yoga Mat", "Dumbbell", "Racket", "Football", "Helmet", "Energy Bars", "Sneakers", "Rope"),
)
ADJECTIVES: tuple[str, ...] = (
    "Classic", "Compact", "Deluxe", "Eco", "Essential", "Pro",
    "Smart", "Ultra", "Vintage", "Premium", "Urban", "Lite",
)  # fmt: skip
SEARCH_QUERIES: tuple[str, ...] = tuple(
    [noun.lower() for nouns in NOUNS for noun in nouns]
    + ["gift ideas", "sale", "wireless headphones", "running shoes", "kids books", "desk lamp"]
)
# Time zones users' devices report event timestamps in: suffix and offset in seconds.
TZ_SUFFIXES: tuple[str, ...] = ("Z", "+00:00", "+02:00", "-05:00", "+05:30")
TZ_OFFSETS = np.array([0, 0, 7_200, -18_000, 19_800], dtype=np.int64)
TZ_SHARE = np.array([0.55, 0.15, 0.12, 0.12, 0.06])

DAILY_PRICE_CHANGE = 0.03
DAILY_RATING_CHANGE = 0.01
DAILY_NEW_PRODUCTS = 0.003  # of the initial catalog
PRICE_FACTORS = np.array([0.8, 0.85, 0.9, 0.95, 1.05, 1.1, 1.15, 1.2])


def _zipf_weights(ranks: np.ndarray) -> np.ndarray:
    return 1.0 / np.power(ranks, ZIPF_EXPONENT)


def _list_price_cents(rng: np.random.Generator, categories: np.ndarray) -> np.ndarray:
    units = rng.lognormal(np.log(PRICE_MEDIAN[categories]), PRICE_SIGMA[categories])
    return _price_ending(np.round(units * 100).astype(np.int64))


def _price_ending(cents: np.ndarray) -> np.ndarray:
    """Shop prices end in .99 and stay within the clean range."""
    cents = np.clip(cents, 100, MAX_PRICE_CENTS)
    return (cents // 100) * 100 - 1


def _ratings(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ratings in tenths (10 = 1.0 ... 50 = 5.0), skewed to the good side like real shops."""
    return np.round(10 + 40 * rng.beta(5.0, 2.0, n)).astype(np.int64)


@dataclass
class Users:
    """The user universe: ids, a skewed activity weight and a device time zone per user."""

    ids: np.ndarray
    cumulative_weight: np.ndarray
    tz_code: np.ndarray

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Indices of ``n`` users drawn by activity (heavy users come back more)."""
        draws = rng.random(n) * self.cumulative_weight[-1]
        return np.searchsorted(self.cumulative_weight, draws, side="right")


def build_users(config: GenerateConfig) -> Users:
    rng = rng_for(config.seed, Stream.UNIVERSE)
    n = config.n_users
    weight = rng.lognormal(0.0, 1.2, n)
    return Users(
        ids=USER_ID_BASE + 1 + np.arange(n, dtype=np.int64),
        cumulative_weight=np.cumsum(weight),
        tz_code=rng.choice(len(TZ_SUFFIXES), size=n, p=TZ_SHARE),
    )


@dataclass
class Catalog:
    """Every product of the run (in creation order) and its state on each day."""

    ids: np.ndarray
    names: pa.Array
    categories: np.ndarray
    nouns: np.ndarray  # index into the flattened NOUNS (category x 8 + noun)
    popularity: np.ndarray
    counts: list[int] = field(default_factory=list)  # products that exist on day d
    prices: list[np.ndarray] = field(default_factory=list)  # cents, per day
    ratings: list[np.ndarray] = field(default_factory=list)  # tenths, per day
    updated_at: list[np.ndarray] = field(default_factory=list)  # epoch seconds, per day

    def cumulative_popularity(self, day: int) -> np.ndarray:
        return np.cumsum(self.popularity[: self.counts[day]])

    def sample(
        self, rng: np.random.Generator, day: int, n: int, cumulative: np.ndarray | None = None
    ) -> np.ndarray:
        """Indices of ``n`` products that exist on ``day``, drawn by popularity."""
        weights = self.cumulative_popularity(day) if cumulative is None else cumulative
        draws = rng.random(n) * weights[-1]
        return np.searchsorted(weights, draws, side="right")


def build_catalog(config: GenerateConfig) -> Catalog:
    rng = rng_for(config.seed, Stream.CATALOG_INIT)
    n0 = config.n_initial_products
    categories = [rng.choice(len(CATEGORIES), size=n0, p=CATEGORY_SHARE)]
    prices = _list_price_cents(rng, categories[0])
    ratings = _ratings(rng, n0)
    first_day = config.day_start_seconds(0)
    updated = first_day - rng.integers(3_600, 365 * 86_400, n0)
    popularity = [_zipf_weights(rng.permutation(n0) + 1.0)]
    adjective = [rng.integers(0, len(ADJECTIVES), n0)]
    noun = [rng.integers(0, len(NOUNS[0]), n0)]
    model = [rng.integers(100, 1000, n0)]

    counts: list[int] = []
    day_prices: list[np.ndarray] = []
    day_ratings: list[np.ndarray] = []
    day_updated: list[np.ndarray] = []
    for day in range(config.days):
        day_rng = rng_for(config.seed, Stream.CATALOG_DAY, day)
        start = config.day_start_seconds(day)
        n_old = len(prices)
        # Existing products: a few price and rating changes a day.
        price_change = np.flatnonzero(day_rng.random(n_old) < DAILY_PRICE_CHANGE)
        factor = PRICE_FACTORS[day_rng.integers(0, len(PRICE_FACTORS), len(price_change))]
        prices = prices.copy()
        new_price = _price_ending(np.round(prices[price_change] * factor).astype(np.int64) + 1)
        prices[price_change] = new_price
        rating_change = np.flatnonzero(day_rng.random(n_old) < DAILY_RATING_CHANGE)
        ratings = ratings.copy()
        step = day_rng.choice(np.array([-1, 1]), len(rating_change))
        ratings[rating_change] = np.clip(ratings[rating_change] + step, 10, 50)
        changed = np.union1d(price_change, rating_change)
        updated = updated.copy()
        updated[changed] = start + day_rng.integers(0, 86_400, len(changed))
        # New products appear during the day.
        k = int(day_rng.poisson(max(0.3, n0 * DAILY_NEW_PRODUCTS)))
        new_categories = day_rng.choice(len(CATEGORIES), size=k, p=CATEGORY_SHARE)
        categories.append(new_categories)
        prices = np.concatenate([prices, _list_price_cents(day_rng, new_categories)])
        ratings = np.concatenate([ratings, _ratings(day_rng, k)])
        updated = np.concatenate([updated, start + day_rng.integers(0, 86_400, k)])
        popularity.append(_zipf_weights(day_rng.uniform(1.0, n0, k)))
        adjective.append(day_rng.integers(0, len(ADJECTIVES), k))
        noun.append(day_rng.integers(0, len(NOUNS[0]), k))
        model.append(day_rng.integers(100, 1000, k))
        counts.append(len(prices))
        day_prices.append(prices)
        day_ratings.append(ratings)
        day_updated.append(updated)

    all_categories = np.concatenate(categories)
    n_total = len(all_categories)
    flat_nouns = tuple(noun for nouns in NOUNS for noun in nouns)
    noun_code = all_categories * len(NOUNS[0]) + np.concatenate(noun)
    names = pc.binary_join_element_wise(
        str_take(ADJECTIVES, np.concatenate(adjective)),
        str_take(flat_nouns, noun_code),
        int_text(np.concatenate(model)),
        " ",
    )
    return Catalog(
        ids=PRODUCT_ID_BASE + 1 + np.arange(n_total, dtype=np.int64),
        names=names,
        categories=all_categories,
        nouns=noun_code,
        popularity=np.concatenate(popularity),
        counts=counts,
        prices=day_prices,
        ratings=day_ratings,
        updated_at=day_updated,
    )
