"""User-product interactions: the log the recommenders learn from, and its sparse matrices.

The warehouse model ``features.user_product_interactions`` holds one row per (user,
product) with the interaction weight (event-type weights summed, plain and time-decayed) and
purchases, before the evaluation holdout ("train") and within it. ``read_interaction_log``
turns it into an ``InteractionLog``: at most two entries per pair, one per window, dated by the
window's last day (the day its decayed weight is aged to), so a time split at the holdout
start sees exactly the training window. ``build_interactions`` makes the user x product
matrices, from the plain weights or, with a half-life, from the decayed weights aged on to a
reference day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from scipy import sparse

from pipeline_ml.errors import InputError

FEATURE_COLUMNS: tuple[str, ...] = (
    "user_id",
    "product_id",
    "train_interaction_weight",
    "train_decayed_weight",
    "train_purchases",
    "holdout_interaction_weight",
    "holdout_decayed_weight",
    "holdout_purchases",
    "holdout_start_date",
)


@dataclass(frozen=True)
class InteractionLog:
    """Interaction entries: parallel arrays, several entries per (user, product) allowed.

    ``weight`` is the summed event-type weight of the entry, ``purchases`` its number of
    purchase events, ``day`` its UTC day, ``decayed_weight`` the weight of each event times
    0.5 ** (its age at ``day`` / the half-life) (None: the same as ``weight``, as for an
    entry of one day's events).
    """

    user_id: np.ndarray
    product_id: np.ndarray
    weight: np.ndarray
    purchases: np.ndarray
    day: np.ndarray
    decayed_weight: np.ndarray | None = None

    @property
    def decayed(self) -> np.ndarray:
        return self.weight if self.decayed_weight is None else self.decayed_weight

    def __len__(self) -> int:
        return int(self.user_id.shape[0])

    def select(self, mask: np.ndarray) -> InteractionLog:
        """The entries where ``mask`` is true."""
        return InteractionLog(
            user_id=self.user_id[mask],
            product_id=self.product_id[mask],
            weight=self.weight[mask],
            purchases=self.purchases[mask],
            day=self.day[mask],
            decayed_weight=None if self.decayed_weight is None else self.decayed_weight[mask],
        )


@dataclass(frozen=True)
class Interactions:
    """The user x product matrices of an interaction log.

    ``user_ids[i]`` is row i and ``product_ids[j]`` column j (both sorted ascending, so
    a smaller column index is a smaller product id). ``strength`` holds the (decayed) summed
    weights, ``purchased`` is 1 where the user bought the product at least once.
    """

    user_ids: np.ndarray
    product_ids: np.ndarray
    strength: sparse.csr_matrix
    purchased: sparse.csr_matrix

    @property
    def n_users(self) -> int:
        return int(self.user_ids.shape[0])

    @property
    def n_products(self) -> int:
        return int(self.product_ids.shape[0])


@dataclass(frozen=True)
class Recommendations:
    """Top-k lists as parallel arrays sorted by user, then rank (1 = best)."""

    user_id: np.ndarray
    rank: np.ndarray
    product_id: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return int(self.user_id.shape[0])

    @classmethod
    def empty(cls) -> Recommendations:
        nothing = np.zeros(0, dtype=np.int64)
        return cls(nothing, nothing, nothing, np.zeros(0))

    @classmethod
    def concatenate(
        cls, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
    ) -> Recommendations:
        """Join (user_id, rank, product_id, score) chunks, in chunk order."""
        if not parts:
            return cls.empty()
        return cls(*(np.concatenate([part[i] for part in parts]) for i in range(4)))

    def to_arrow(self) -> pa.Table:
        return pa.table(
            {
                "user_id": pa.array(self.user_id, type=pa.int64()),
                "rank": pa.array(self.rank, type=pa.int32()),
                "product_id": pa.array(self.product_id, type=pa.int64()),
                "score": pa.array(self.score, type=pa.float64()),
            }
        )


def scalar(relation: object) -> object:
    """The first column of the first row of a relation (None when it has no rows)."""
    rows = relation.limit(1).fetchall()  # type: ignore[attr-defined]
    return rows[0][0] if rows else None


def read_interaction_log(relation: object, test_days: int) -> InteractionLog:
    """The log of a ``user_product_interactions`` relation (or an Arrow table of it).

    Each (user, product) row gives one entry per window with a positive weight: the
    training window dated by its last day (the day before holdout_start_date), the holdout
    by its last day (``test_days`` - 1 days after holdout_start_date, the as_of day). Rows
    are sorted by (user, product) in the warehouse, so the result does not depend on scan
    order. A relation is read one window at a time, only the window's columns and rows with
    a positive weight, straight to numpy (no whole-table Arrow copy: issue 13's memory).
    """
    names = relation.column_names if isinstance(relation, pa.Table) else relation.columns  # type: ignore[attr-defined]
    for column in FEATURE_COLUMNS:
        if column not in names:
            raise InputError(f"interactions need a column {column!r}", column=column)
    offset = {"train": -1, "holdout": max(test_days, 1) - 1}
    parts = [_read_window(relation, window, offset[window]) for window in ("train", "holdout")]
    fields = ("user_id", "product_id", "weight", "purchases", "day", "decayed_weight")
    return InteractionLog(
        *(np.concatenate([getattr(part, name) for part in parts]) for name in fields)
    )


def _read_window(relation: object, window: str, day_offset: int) -> InteractionLog:
    """The entries of one window (train or holdout) with a positive weight, nulls as 0."""
    columns = {
        "user_id": "user_id",
        "product_id": "product_id",
        "weight": f"{window}_interaction_weight",
        "purchases": f"{window}_purchases",
        "decayed_weight": f"{window}_decayed_weight",
        "holdout_start_date": "holdout_start_date",
    }
    if isinstance(relation, pa.Table):
        arrays = {
            name: relation.column(source).to_numpy(zero_copy_only=False)
            if name == "holdout_start_date"
            else relation.column(source).fill_null(0).to_numpy()
            for name, source in columns.items()
        }
        keep = arrays["weight"] > 0
        arrays = {name: values[keep] for name, values in arrays.items()}
    else:
        selected = ", ".join(
            f"{source} as {name}"
            if name == "holdout_start_date"
            else f"coalesce({source}, 0) as {name}"
            for name, source in columns.items()
        )
        rows = relation.filter(f"{columns['weight']} > 0").project(selected)  # type: ignore[attr-defined]
        arrays = {
            name: np.asarray(values)
            for name, values in rows.order("user_id, product_id").fetchnumpy().items()
        }
    start = arrays["holdout_start_date"].astype("datetime64[D]")
    return InteractionLog(
        user_id=arrays["user_id"].astype(np.int64, copy=False),
        product_id=arrays["product_id"].astype(np.int64, copy=False),
        weight=arrays["weight"].astype(np.float64, copy=False),
        purchases=arrays["purchases"].astype(np.int64, copy=False),
        day=start + np.timedelta64(day_offset, "D"),
        decayed_weight=arrays["decayed_weight"].astype(np.float64, copy=False),
    )


def decay_factor(
    day: np.ndarray, reference_day: np.datetime64, half_life_days: float | None
) -> np.ndarray:
    """0.5 ** (age in days / half-life); 1 everywhere without a half-life."""
    if half_life_days is None:
        return np.ones(day.shape[0])
    if half_life_days <= 0:
        raise InputError(f"half_life_days must be > 0, got {half_life_days}")
    age = (np.datetime64(reference_day, "D") - day.astype("datetime64[D]")).astype(np.float64)
    return np.power(0.5, np.maximum(age, 0.0) / half_life_days)


def build_interactions(
    log: InteractionLog,
    *,
    half_life_days: float | None = None,
    reference_day: np.datetime64 | None = None,
) -> Interactions:
    """The user x product strength and purchase matrices (duplicates summed).

    With ``half_life_days``, each entry's decayed weight is aged on from its day to
    ``reference_day`` (default: the log's last day). Entries are sorted first, so the
    floating-point sums (and every score downstream) do not depend on the order the
    warehouse returned them in.
    """
    log = log.select(
        np.lexsort((log.decayed, log.purchases, log.weight, log.day, log.product_id, log.user_id))
    )
    user_ids, user_index = np.unique(log.user_id, return_inverse=True)
    product_ids, product_index = np.unique(log.product_id, return_inverse=True)
    shape = (user_ids.shape[0], product_ids.shape[0])
    reference = log.day.max() if reference_day is None and len(log) else reference_day
    if half_life_days is None:
        weight = log.weight
    else:
        weight = log.decayed * decay_factor(log.day, reference, half_life_days)
    strength = sparse.csr_matrix((weight, (user_index, product_index)), shape=shape)
    strength.sum_duplicates()
    strength.sort_indices()
    bought = log.purchases > 0
    purchased = sparse.csr_matrix(
        (np.ones(int(bought.sum())), (user_index[bought], product_index[bought])), shape=shape
    )
    purchased.sum_duplicates()
    purchased.data[:] = 1.0
    return Interactions(user_ids, product_ids, strength, purchased)


def pair_keys(user_id: np.ndarray, product_id: np.ndarray) -> np.ndarray:
    """One sortable key per (user, product) pair (a structured view, no overflow)."""
    pairs = np.empty(user_id.shape[0], dtype=[("user", np.int64), ("product", np.int64)])
    pairs["user"] = user_id
    pairs["product"] = product_id
    return pairs
