"""Arguments, constants and random streams of the synthetic data generator.

Every random draw comes from a numpy ``Generator`` seeded by ``SeedSequence(seed,
spawn_key=(stream, day))``: a day's data depends only on the seed, the scale and that day
(plus the carried state of the days before it), never on the wall clock, on dict or set order
or on how many days follow. Generating 14 days gives the first 14 files of a 28-day run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum

import numpy as np

from ingest.errors import GenerateError

GENERATOR_VERSION = "1.0.0"

# Appended sources go last: a source's fault stream is keyed by its index here.
SOURCES: tuple[str, ...] = (
    "sales",
    "products",
    "user_behavior",
    "transactions",
    "events",
    "customers",
)
CATEGORIES: tuple[str, ...] = ("electronics", "clothing", "books", "home", "sports")
EVENT_TYPES: tuple[str, ...] = ("page_view", "click", "add_to_cart", "purchase", "search")

# Volumes at scale 1 (default 28 days: ~100k sales lines and ~100k events).
SALES_PER_DAY = 100_000 / 28
EVENTS_PER_DAY = 100_000 / 28
USERS_AT_SCALE_1 = 8_000
PRODUCTS_AT_SCALE_1 = 1_000
# The catalog grows sub-linearly with scale: a shop with 100x the traffic does not sell
# 100x as many different products.
PRODUCT_SCALE_EXPONENT = 0.5
USER_ID_BASE = 100_000
PRODUCT_ID_BASE = 10_000
TRANSACTION_ID_BASE = 50_000_000

# Range rules the clean data respects (staging rejects values beyond them).
MAX_PRICE_CENTS = 500_000  # clean prices stay <= 5000.00; the staging bound is 10000
MAX_SESSION_SECONDS = 7_200
SESSION_GAP_SECONDS = 1_800  # gaps <= 30:00 stay in a session, > 30:00 start a new one

# Limits on the arguments.
MAX_FAULT_RATE = 0.5
MAX_DAYS = 3_660

EPOCH = datetime(1970, 1, 1)


class Stream(IntEnum):
    """Independent random streams; the value is the first element of the spawn key."""

    UNIVERSE = 1
    CATALOG_INIT = 2
    CATALOG_DAY = 3
    SESSIONS = 4
    SALES = 5
    TRANSACTIONS = 6
    CUSTOMERS = 7
    FAULTS = 10  # + index of the source in SOURCES
    # The shopping structure (ingest.generate.tastes): past the fault streams.
    TASTES = 20
    RELATIONS = 21
    SHOPPING = 22


def rng_for(seed: int, stream: int, day: int = 0) -> np.random.Generator:
    """The generator of one stream on one day."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(stream), day)))


@dataclass(frozen=True)
class GenerateConfig:
    """The generator's arguments, validated, and the sizes they imply."""

    scale: float = 1.0
    seed: int = 42
    days: int = 28
    start_date: date = date(2026, 10, 1)
    fault_rate: float = 0.0

    def validate(self) -> None:
        if isinstance(self.scale, bool) or not isinstance(self.scale, int | float):
            raise GenerateError(f"scale must be a number, got {self.scale!r}")
        if not math.isfinite(self.scale) or self.scale <= 0:
            raise GenerateError(f"scale must be a finite number > 0, got {self.scale}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise GenerateError(f"seed must be an integer >= 0, got {self.seed!r}")
        if isinstance(self.days, bool) or not isinstance(self.days, int):
            raise GenerateError(f"days must be an integer, got {self.days!r}")
        if not 1 <= self.days <= MAX_DAYS:
            raise GenerateError(f"days must be between 1 and {MAX_DAYS}, got {self.days}")
        if not isinstance(self.start_date, date) or isinstance(self.start_date, datetime):
            raise GenerateError(f"start_date must be a date, got {self.start_date!r}")
        # The data runs to the day after the last one; it must stay a date (<= 9999-12-31).
        if self.start_date > date.max - timedelta(days=self.days):
            latest = date.max - timedelta(days=self.days)
            raise GenerateError(
                f"start_date + days runs past {date.max}: with {self.days} days, start_date"
                f" must be {latest} or earlier, got {self.start_date}"
            )
        rate = self.fault_rate
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise GenerateError(f"fault_rate must be a number, got {rate!r}")
        if not math.isfinite(rate) or not 0 <= rate <= MAX_FAULT_RATE:
            raise GenerateError(
                f"fault_rate must be between 0 and {MAX_FAULT_RATE}, got {self.fault_rate}"
            )

    @property
    def n_users(self) -> int:
        return max(50, round(USERS_AT_SCALE_1 * self.scale))

    @property
    def n_initial_products(self) -> int:
        return max(30, round(PRODUCTS_AT_SCALE_1 * self.scale**PRODUCT_SCALE_EXPONENT))

    def day(self, index: int) -> date:
        return self.start_date + timedelta(days=index)

    def day_start_seconds(self, index: int) -> int:
        """Seconds since 1970-01-01 (UTC) of midnight of day ``index``."""
        moment = datetime.combine(self.day(index), datetime.min.time())
        return int((moment - EPOCH).total_seconds())

    def arguments(self) -> dict[str, object]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "days": self.days,
            "start_date": self.start_date.isoformat(),
            "fault_rate": self.fault_rate,
        }
