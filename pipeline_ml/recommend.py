"""The recommenders by name: item-item models (plain and tuned), the session mixture
(``sessions``) and the baselines.

``fit_and_recommend(name, interactions, ...)`` is the one switch the evaluation and the
``product_recommendations`` model share, so the method that wins the evaluation is exactly
the one that writes the recommendations. Modules: ``interactions`` (the log and its
matrices), ``similarity`` (item-item CF), ``baselines``, ``evaluation`` (metrics, time
split).
"""

from __future__ import annotations

import hashlib
import inspect
import json
from dataclasses import asdict, dataclass, field

import numpy as np

from pipeline_ml import baselines, sessions, similarity
from pipeline_ml.errors import InputError
from pipeline_ml.interactions import (
    InteractionLog,
    Interactions,
    Recommendations,
    build_interactions,
)
from pipeline_ml.similarity import DEFAULT_MAX_BLOCK_NONZEROS

PLAIN_ITEM_ITEM = "item_item_cosine"
TUNED_ITEM_ITEM = "item_item_tuned"
SESSION_MIXTURE = "session_mixture"
MOST_POPULAR = "most_popular"
FAVOURITE_CATEGORIES = "favourite_categories_popular"
RANDOM = "random"
MODELS: tuple[str, ...] = (PLAIN_ITEM_ITEM, TUNED_ITEM_ITEM, SESSION_MIXTURE)
BASELINES: tuple[str, ...] = (MOST_POPULAR, FAVOURITE_CATEGORIES, RANDOM)
METHODS: tuple[str, ...] = MODELS + BASELINES


@dataclass(frozen=True)
class RecommenderSettings:
    """Parameters of the recommenders (dbt vars, see _ml__models.yml).

    ``neighbours``: products kept per product's similarity row; ``half_life_days`` and
    ``popularity_exponent``: the tuned item-item model's time decay and popularity
    reweighting (the plain model uses neither); ``seed``: the random baseline's;
    ``mixture``: the session mixture's weights.
    """

    k: int = 10
    neighbours: int = 50
    half_life_days: float = 7.0
    popularity_exponent: float = 1.0
    seed: int = 0
    mixture: sessions.MixtureWeights = field(default_factory=sessions.MixtureWeights)

    def validate(self) -> None:
        self.mixture.validate()
        if self.k < 1 or self.neighbours < 1:
            raise InputError("k and neighbours must be at least 1")
        if not np.isfinite(self.popularity_exponent):
            raise InputError("popularity_exponent must be a finite number")
        if not self.half_life_days > 0:
            raise InputError(f"half_life_days must be > 0, got {self.half_life_days}")

    def half_life(self, method: str) -> float | None:
        """The time decay the method's interaction matrix uses (None: no decay)."""
        return self.half_life_days if method == TUNED_ITEM_ITEM else None


def model_version(method: str, settings: RecommenderSettings) -> str:
    """Short hash of the code of this package's recommenders and the method's parameters."""
    from pipeline_ml import evaluation, interactions

    digest = hashlib.sha256()
    for module in (interactions, similarity, baselines, evaluation, sessions):
        digest.update(inspect.getsource(module).encode())
    digest.update(inspect.getsource(fit_and_recommend).encode())
    digest.update(json.dumps({"method": method, **asdict(settings)}, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def fit_and_recommend(
    method: str,
    interactions: Interactions,
    settings: RecommenderSettings,
    *,
    product_category: np.ndarray | None = None,
    candidates: np.ndarray | None = None,
    users: np.ndarray | None = None,
    session_log: sessions.SessionLog | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> Recommendations:
    """Top-k lists of ``method`` for ``users`` (row indices; default every user).

    ``interactions`` must already carry the method's time decay (see ``half_life``).
    ``product_category`` (a code per product column) is needed by the favourite-categories
    baseline and the session mixture, ``session_log`` (the visits up to the same day as
    ``interactions``) by the session mixture only.
    """
    settings.validate()
    shared = {
        "k": settings.k,
        "candidates": candidates,
        "users": users,
        "max_block_nonzeros": max_block_nonzeros,
    }
    if method == SESSION_MIXTURE:
        if product_category is None or session_log is None:
            raise InputError("the session mixture needs product categories and sessions")
        return sessions.recommend_session_mixture(
            interactions, session_log, product_category, weights=settings.mixture, **shared
        )
    if method in MODELS:
        exponent = settings.popularity_exponent if method == TUNED_ITEM_ITEM else 0.0
        matrix = similarity.item_similarity(
            interactions.strength,
            neighbours=settings.neighbours,
            candidates=candidates,
            popularity_exponent=exponent,
            max_block_nonzeros=max_block_nonzeros,
        )
        return similarity.recommend(interactions, matrix, **shared)
    if method == MOST_POPULAR:
        return baselines.recommend_most_popular(interactions, **shared)
    if method == FAVOURITE_CATEGORIES:
        if product_category is None:
            raise InputError("the favourite-categories baseline needs product categories")
        return baselines.recommend_favourite_categories(interactions, product_category, **shared)
    if method == RANDOM:
        return baselines.recommend_random(interactions, seed=settings.seed, **shared)
    raise InputError(f"unknown recommendation method {method!r}; known: {', '.join(METHODS)}")


def category_codes(
    product_ids: np.ndarray, catalog_product_id: np.ndarray, catalog_category: np.ndarray
) -> np.ndarray:
    """An integer category code per product id (-1 where the catalog does not know it).

    Codes follow the sorted category names, so they do not depend on row order.
    """
    result = np.full(product_ids.shape[0], -1, dtype=np.int64)
    if len(catalog_product_id) == 0:
        return result
    _, codes = np.unique(np.asarray(catalog_category, dtype=str), return_inverse=True)
    order = np.argsort(catalog_product_id, kind="stable")
    sorted_ids = np.asarray(catalog_product_id)[order]
    position = np.minimum(np.searchsorted(sorted_ids, product_ids), sorted_ids.shape[0] - 1)
    hit = sorted_ids[position] == product_ids
    result[hit] = codes[order][position[hit]]
    return result


def recommend_everyone(
    method: str,
    log: InteractionLog,
    settings: RecommenderSettings,
    *,
    reference_day: object,
    catalog: tuple[np.ndarray, np.ndarray],
    session_log: sessions.SessionLog | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> Recommendations:
    """Fit ``method`` on the whole log (decayed to ``reference_day``, the as_of day) and
    recommend to every user in it, from the products of ``catalog`` (product_id, category).
    ``session_log``: the visits up to as_of (the session mixture needs them).
    """
    if method not in METHODS:
        raise InputError(f"unknown recommendation method {method!r}")
    fitted = build_interactions(
        log,
        half_life_days=settings.half_life(method),
        reference_day=np.datetime64(reference_day, "D"),
    )
    product_ids, categories = catalog
    return fit_and_recommend(
        method,
        fitted,
        settings,
        product_category=category_codes(fitted.product_ids, product_ids, categories),
        candidates=np.isin(fitted.product_ids, product_ids),
        session_log=session_log,
        max_block_nonzeros=max_block_nonzeros,
    )
