"""Offline evaluation of the recommenders on a time split, and its metrics table.

Train on the interactions before a cutoff day; test on the purchases from it on. Evaluated
users: users with training interactions who buy, on or after the cutoff, a product they had
not bought before it (a repeat purchase cannot be recommended). Every method recommends k
products to each evaluated user from the training data only. Metrics at k:

- hit rate: share of evaluated users with at least one test product in their list;
- recall: mean over evaluated users of (test products in the list) / (test products);
- NDCG: mean over evaluated users of DCG / ideal DCG, binary relevance, 1 / log2(rank + 1);
- catalogue coverage: distinct products recommended to the evaluated users / candidates;
- user coverage: share of evaluated users who get at least one recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyarrow as pa

from pipeline_ml import recommend
from pipeline_ml.errors import InputError
from pipeline_ml.interactions import (
    InteractionLog,
    Interactions,
    Recommendations,
    build_interactions,
    pair_keys,
)
from pipeline_ml.recommend import RecommenderSettings
from pipeline_ml.sessions import SessionLog
from pipeline_ml.similarity import DEFAULT_MAX_BLOCK_NONZEROS


@dataclass(frozen=True)
class RankingMetrics:
    """Metrics at k of one method over the evaluated users."""

    users: int
    hits: int
    recall: float | None
    ndcg: float | None
    users_with_list: int
    products_recommended: int

    @property
    def rate(self) -> float | None:
        return self.hits / self.users if self.users else None


def ranking_metrics(
    recommendations: Recommendations,
    test_user_id: np.ndarray,
    test_product_id: np.ndarray,
    *,
    k: int,
) -> RankingMetrics:
    """Hit rate, recall and NDCG at k of ``recommendations`` against the test pairs.

    Every distinct test user counts, recommended or not (a user with no list is a miss);
    lists of other users are ignored.
    """
    tested = np.unique(pair_keys(test_user_id, test_product_id))
    test_users, relevant = np.unique(tested["user"], return_counts=True)
    if test_users.shape[0] == 0:
        return RankingMetrics(0, 0, None, None, 0, 0)
    in_test = np.isin(recommendations.user_id, test_users) & (recommendations.rank <= k)
    user_id, rank = recommendations.user_id[in_test], recommendations.rank[in_test]
    is_hit = np.isin(pair_keys(user_id, recommendations.product_id[in_test]), tested)
    row = np.searchsorted(test_users, user_id)
    n = test_users.shape[0]
    hits = np.bincount(row[is_hit], minlength=n)
    gain = np.bincount(row[is_hit], weights=1.0 / np.log2(rank[is_hit] + 1.0), minlength=n)
    ideal_prefix = np.cumsum(1.0 / np.log2(np.arange(1, k + 1) + 1.0))
    ideal = ideal_prefix[np.minimum(relevant, k) - 1]
    return RankingMetrics(
        users=int(n),
        hits=int((hits > 0).sum()),
        recall=float(np.mean(hits / relevant)),
        ndcg=float(np.mean(gain / ideal)),
        users_with_list=int(np.unique(row).shape[0]),
        products_recommended=int(np.unique(recommendations.product_id[in_test]).shape[0]),
    )


@dataclass(frozen=True)
class EvaluationResult:
    """Metrics at k of each method on one time split, and the split's sizes."""

    cutoff_day: np.datetime64
    train_users: int
    train_products: int
    train_interactions: int
    test_purchases: int
    candidate_products: int
    by_method: dict[str, RankingMetrics]

    def chosen(self) -> str:
        """The model with the best hit rate (then NDCG, then name): it writes the lists."""
        scored = [
            (-(self.by_method[name].rate or 0.0), -(self.by_method[name].ndcg or 0.0), name)
            for name in recommend.MODELS
            if name in self.by_method
        ]
        if not scored:
            raise InputError("no model was evaluated")
        return min(scored)[2]


def evaluate_time_split(
    log: InteractionLog,
    cutoff_day: np.datetime64,
    settings: RecommenderSettings,
    *,
    methods: tuple[str, ...] = recommend.METHODS,
    candidate_product_ids: np.ndarray | None = None,
    catalog: tuple[np.ndarray, np.ndarray] | None = None,
    excluded_user_ids: np.ndarray | None = None,
    session_log: SessionLog | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> EvaluationResult:
    """Train every method on the entries before ``cutoff_day``, test on purchases after.

    ``catalog`` is (product_id, category) for the favourite-categories baseline, which is
    left out without it, as the session mixture is without ``session_log`` (its visits before
    the cutoff train it). ``excluded_user_ids`` (e.g. customers suppressed by their consent)
    are never evaluated: no list is made for them and their test purchases do not count;
    their interactions still train the models, as they count in every other aggregate.
    """
    if catalog is None:
        methods = tuple(name for name in methods if name != recommend.FAVOURITE_CATEGORIES)
    if catalog is None or session_log is None:
        methods = tuple(name for name in methods if name != recommend.SESSION_MIXTURE)
    if len(log) == 0:
        raise InputError("no interactions to evaluate the recommendations on")
    cutoff = np.datetime64(cutoff_day, "D")
    train_log = log.select(log.day < cutoff)
    if len(train_log) == 0:
        raise InputError("no interactions before the cutoff to train the recommendations on")
    last_train_day = cutoff - np.timedelta64(1, "D")
    plain = build_interactions(train_log)
    test_user, test_product = new_purchases_after(log, cutoff, plain, excluded_user_ids)
    evaluated_rows = np.searchsorted(plain.user_ids, np.unique(test_user))
    candidates = (
        None if candidate_product_ids is None else np.isin(plain.product_ids, candidate_product_ids)
    )
    category = None if catalog is None else recommend.category_codes(plain.product_ids, *catalog)
    train_sessions = None if session_log is None else session_log.select(session_log.day < cutoff)
    by_method: dict[str, RankingMetrics] = {}
    for method in methods:
        recommendations = recommend.fit_and_recommend(
            method,
            method_interactions(method, train_log, plain, last_train_day, settings),
            settings,
            product_category=category,
            candidates=candidates,
            users=evaluated_rows,
            session_log=train_sessions,
            max_block_nonzeros=max_block_nonzeros,
        )
        by_method[method] = ranking_metrics(recommendations, test_user, test_product, k=settings.k)
    return EvaluationResult(
        cutoff_day=cutoff,
        train_users=plain.n_users,
        train_products=plain.n_products,
        train_interactions=int(plain.strength.nnz),
        test_purchases=int(np.unique(pair_keys(test_user, test_product)).shape[0]),
        candidate_products=int(plain.n_products if candidates is None else candidates.sum()),
        by_method=by_method,
    )


def method_interactions(
    method: str,
    train_log: InteractionLog,
    plain: Interactions,
    last_train_day: np.datetime64,
    settings: RecommenderSettings,
) -> Interactions:
    """The training matrices ``method`` fits on: ``plain`` (``train_log``'s, undecayed), or
    those of ``train_log`` decayed to ``last_train_day`` with the method's half-life."""
    half_life = settings.half_life(method)
    if half_life is None:
        return plain
    return build_interactions(train_log, half_life_days=half_life, reference_day=last_train_day)


def new_purchases_after(
    log: InteractionLog,
    cutoff: np.datetime64,
    train: Interactions,
    excluded_user_ids: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(user_id, product_id) of the test purchases: from ``cutoff`` on, by users of the
    training matrices ``train``, of products they had not bought before, less the
    ``excluded_user_ids``. Pairs may repeat (one per log entry)."""
    test = log.select((log.day >= cutoff) & (log.purchases > 0))
    known_user = np.isin(test.user_id, train.user_ids)
    if excluded_user_ids is not None:
        known_user &= ~np.isin(test.user_id, np.asarray(excluded_user_ids, dtype=np.int64))
    test_user, test_product = test.user_id[known_user], test.product_id[known_user]
    bought_before = train.purchased.tocoo()
    bought_keys = pair_keys(train.user_ids[bought_before.row], train.product_ids[bought_before.col])
    new_purchase = ~np.isin(pair_keys(test_user, test_product), bought_keys)
    return test_user[new_purchase], test_product[new_purchase]


def split_cutoff(log: InteractionLog, test_days: int) -> tuple[np.datetime64, np.datetime64]:
    """(cutoff day, last day): the last ``test_days`` days of the log form the test period."""
    if len(log) == 0:
        raise InputError("no interactions to evaluate the recommendations on")
    if test_days < 1:
        raise InputError(f"test_days must be at least 1, got {test_days}")
    last_day = log.day.max()
    return last_day - np.timedelta64(test_days - 1, "D"), last_day


def evaluation_table(
    result: EvaluationResult,
    settings: RecommenderSettings,
    *,
    test_last_day: np.datetime64,
    built_at: datetime,
) -> pa.Table:
    """One row per method: its metrics at k, its lift over the best baseline, the split."""
    methods = [name for name in recommend.METHODS if name in result.by_method]
    metrics = [result.by_method[name] for name in methods]
    rows = len(methods)
    baseline_rates = [
        result.by_method[name].rate or 0.0
        for name in recommend.BASELINES
        if name in result.by_method
    ]
    best_baseline = max(baseline_rates) if baseline_rates else 0.0
    chosen = result.chosen() if any(name in recommend.MODELS for name in methods) else None
    candidates = result.candidate_products

    def column(values: list[object], kind: pa.DataType) -> pa.Array:
        return pa.array(values, type=kind)

    return pa.table(
        {
            "method": column(methods, pa.string()),
            "method_kind": column(
                ["model" if name in recommend.MODELS else "baseline" for name in methods],
                pa.string(),
            ),
            "is_chosen": column([name == chosen for name in methods], pa.bool_()),
            "model_version": column(
                [recommend.model_version(name, settings) for name in methods], pa.string()
            ),
            "k": column([settings.k] * rows, pa.int32()),
            "cutoff_date": pa.array(np.full(rows, result.cutoff_day, dtype="datetime64[D]")),
            "test_last_date": pa.array(
                np.full(rows, np.datetime64(test_last_day, "D"), dtype="datetime64[D]")
            ),
            "evaluated_users": column([m.users for m in metrics], pa.int64()),
            "users_with_hit": column([m.hits for m in metrics], pa.int64()),
            "hit_rate": column([m.rate for m in metrics], pa.float64()),
            "recall": column([m.recall for m in metrics], pa.float64()),
            "ndcg": column([m.ndcg for m in metrics], pa.float64()),
            "catalogue_coverage": column(
                [m.products_recommended / candidates if candidates else None for m in metrics],
                pa.float64(),
            ),
            "user_coverage": column(
                [m.users_with_list / m.users if m.users else None for m in metrics],
                pa.float64(),
            ),
            "lift_over_best_baseline": column(
                [
                    m.rate / best_baseline if m.rate is not None and best_baseline else None
                    for m in metrics
                ],
                pa.float64(),
            ),
            "train_users": column([result.train_users] * rows, pa.int64()),
            "train_products": column([result.train_products] * rows, pa.int64()),
            "train_interactions": column([result.train_interactions] * rows, pa.int64()),
            "test_purchases": column([result.test_purchases] * rows, pa.int64()),
            "built_at": column([built_at] * rows, pa.timestamp("us")),
        }
    )
