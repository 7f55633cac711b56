"""Item-item collaborative filtering on sparse matrices, and its offline evaluation.

The user-product interaction matrix holds, per (user, product), the sum of the weights of the
user's events on the product (page_view and click 1, add_to_cart 3, purchase 5 by default).
Two products are similar when the same users interact with them: the cosine of their
columns. A user's score for a product is their interaction row times the similarity matrix
(``score = profile @ similarity``); the top k products by score that the user has not bought
are recommended, ties broken by the smaller product id so the output is deterministic.

Everything is vectorised: sparse matrix products, one lexicographic sort per chunk of rows,
no Python loop over users or products (only over fixed-size chunks, to bound memory).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from pipeline_ml.errors import InputError

DEFAULT_EVENT_WEIGHTS: dict[str, float] = {
    "page_view": 1.0,
    "click": 1.0,
    "add_to_cart": 3.0,
    "purchase": 5.0,
}
PURCHASE_EVENT_TYPE = "purchase"
# Upper bound on the non-zero scores materialised at once (rows x reachable products).
DEFAULT_MAX_BLOCK_NONZEROS = 20_000_000


@dataclass(frozen=True)
class InteractionLog:
    """Aggregated interactions: one entry per (user, product, event type, day).

    Arrays of equal length: ``weight`` is the event type's weight times the number of events,
    ``purchases`` the number of purchase events in the entry, ``day`` the UTC event date.
    """

    user_id: np.ndarray
    product_id: np.ndarray
    weight: np.ndarray
    purchases: np.ndarray
    day: np.ndarray

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
        )


@dataclass(frozen=True)
class Interactions:
    """The user x product matrices of an interaction log.

    ``user_ids[i]`` is row i and ``product_ids[j]`` column j (both sorted ascending, so
    a smaller column index is a smaller product id). ``strength`` holds the summed weights,
    ``purchased`` is 1 where the user bought the product at least once.
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

    def to_arrow(self) -> pa.Table:
        return pa.table(
            {
                "user_id": pa.array(self.user_id, type=pa.int64()),
                "rank": pa.array(self.rank, type=pa.int32()),
                "product_id": pa.array(self.product_id, type=pa.int64()),
                "score": pa.array(self.score, type=pa.float64()),
            }
        )


@dataclass(frozen=True)
class HitRate:
    """Offline hit rate at k: share of evaluated users with at least one hit."""

    users: int
    hits: int

    @property
    def rate(self) -> float | None:
        return self.hits / self.users if self.users else None


def parse_event_weights(value: Mapping[str, object] | None) -> dict[str, float]:
    """Validate the event-type weights (a dbt var): non-negative numbers, purchase included."""
    if value is None:
        return dict(DEFAULT_EVENT_WEIGHTS)
    if not isinstance(value, Mapping):
        raise InputError(f"event weights must be a mapping of event type to weight: {value!r}")
    weights: dict[str, float] = {}
    for event_type, weight in value.items():
        try:
            number = float(weight)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InputError(f"weight of {event_type!r} is not a number: {weight!r}") from None
        if not np.isfinite(number) or number < 0:
            raise InputError(f"weight of {event_type!r} must be >= 0: {weight!r}")
        weights[str(event_type)] = number
    if weights.get(PURCHASE_EVENT_TYPE, 0.0) <= 0:
        raise InputError("the purchase event type needs a positive weight")
    return weights


def arrow_table(relation: object) -> pa.Table:
    """A DuckDB relation (or anything with ``.arrow()``) as a pyarrow Table."""
    if isinstance(relation, pa.Table):
        return relation
    result = relation.arrow()  # type: ignore[attr-defined]
    return result.read_all() if isinstance(result, pa.RecordBatchReader) else result


def read_interaction_log(
    events: object, weights: Mapping[str, float], *, until: date | None = None
) -> InteractionLog:
    """Aggregate a relation of events (user_id, product_id, event_type, event_date) in DuckDB.

    Events without a user or product, and event types without a positive weight, are not
    interactions; with ``until``, events of later days are ignored (the as_of var, in whole
    days as in the training set). The aggregation runs in DuckDB; only the grouped entries
    reach Python.
    """
    import duckdb

    relevant = events.filter(  # type: ignore[attr-defined]
        "user_id is not null and product_id is not null and event_type is not null"
    )
    if until is not None:
        relevant = relevant.filter(
            duckdb.ColumnExpression("event_date") <= duckdb.ConstantExpression(until)
        )
    grouped = relevant.aggregate(
        "user_id, product_id, event_type, event_date, count(*) as events",
        "user_id, product_id, event_type, event_date",
    )
    return interaction_log_from_arrow(arrow_table(grouped), weights)


def interaction_log_from_arrow(table: pa.Table, weights: Mapping[str, float]) -> InteractionLog:
    """Weight an Arrow table of (user_id, product_id, event_type, event_date, events)."""
    for column in ("user_id", "product_id", "event_type", "event_date", "events"):
        if column not in table.column_names:
            raise InputError(f"interactions need a column {column!r}", column=column)
    encoded = pc.dictionary_encode(table.column("event_type")).combine_chunks()
    dictionary = encoded.dictionary.to_pylist()
    type_weight = np.array([weights.get(name, 0.0) for name in dictionary], dtype=np.float64)
    type_is_purchase = np.array([name == PURCHASE_EVENT_TYPE for name in dictionary])
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    count = table.column("events").to_numpy().astype(np.float64)
    weight = type_weight[codes] * count if codes.size else np.zeros(0)
    purchases = (
        np.where(type_is_purchase[codes], count, 0).astype(np.int64)
        if codes.size
        else (np.zeros(0, dtype=np.int64))
    )
    keep = weight > 0
    return InteractionLog(
        user_id=table.column("user_id").to_numpy().astype(np.int64)[keep],
        product_id=table.column("product_id").to_numpy().astype(np.int64)[keep],
        weight=weight[keep],
        purchases=purchases[keep],
        day=table.column("event_date").to_numpy().astype("datetime64[D]")[keep],
    )


def build_interactions(log: InteractionLog) -> Interactions:
    """The user x product strength and purchase matrices (duplicates summed).

    The entries are sorted first, so the floating-point sums (and every score downstream)
    do not depend on the order the warehouse returned them in.
    """
    log = log.select(np.lexsort((log.purchases, log.weight, log.day, log.product_id, log.user_id)))
    user_ids, user_index = np.unique(log.user_id, return_inverse=True)
    product_ids, product_index = np.unique(log.product_id, return_inverse=True)
    shape = (user_ids.shape[0], product_ids.shape[0])
    strength = sparse.csr_matrix((log.weight, (user_index, product_index)), shape=shape)
    strength.sum_duplicates()
    strength.sort_indices()
    bought = log.purchases > 0
    purchased = sparse.csr_matrix(
        (np.ones(int(bought.sum())), (user_index[bought], product_index[bought])), shape=shape
    )
    purchased.sum_duplicates()
    purchased.data[:] = 1.0
    return Interactions(user_ids, product_ids, strength, purchased)


def top_k_per_row(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Select each row's k largest values, ties broken by the smaller column.

    Returns (positions into the inputs, 1-based ranks), ordered by row then rank.
    """
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # lexsort: the last key is the primary one.
    order = np.lexsort((cols, -values, rows))
    sorted_rows = rows[order]
    starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
    lengths = np.diff(np.r_[starts, sorted_rows.shape[0]])
    rank = np.arange(sorted_rows.shape[0]) - np.repeat(starts, lengths) + 1
    keep = rank <= k
    return order[keep], rank[keep]


def kth_largest_per_row(matrix: sparse.csr_matrix, k: int) -> np.ndarray:
    """Each row's k-th largest stored value (ties counted), -inf when a row stores fewer.

    At most k vectorised passes over the stored values (max per row, drop it), so only
    the few entries that can make a row's top k reach the sort that follows.
    """
    n_rows = matrix.shape[0]
    lengths = np.diff(matrix.indptr)
    threshold = np.full(n_rows, -np.inf)
    nonempty = lengths > 0
    if not nonempty.any():
        return threshold
    starts = matrix.indptr[:-1][nonempty]
    row_of = np.repeat(np.arange(n_rows), lengths)
    work = np.array(matrix.data, dtype=np.float64, copy=True)
    needed = np.full(n_rows, k, dtype=np.int64)
    active = nonempty.copy()
    for _ in range(k):
        if not active.any():
            break
        row_max = np.full(n_rows, -np.inf)
        row_max[nonempty] = np.maximum.reduceat(work, starts)
        is_max = (work == row_max[row_of]) & np.isfinite(work)
        count = np.bincount(row_of[is_max], minlength=n_rows)
        exhausted = np.isneginf(row_max)
        done = active & ~exhausted & (count >= needed)
        threshold[done] = row_max[done]
        active &= ~done & ~exhausted
        needed -= count
        work[is_max & active[row_of]] = -np.inf
    return threshold


def top_k_of_rows(
    matrix: sparse.csr_matrix, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, values, ranks) of each row's k largest positive stored values.

    Ties break by the smaller column. Rows with fewer positive values keep them all.
    """
    positive = matrix.copy()
    positive.data[positive.data <= 0] = 0.0
    positive.eliminate_zeros()
    threshold = kth_largest_per_row(positive, k)
    coo = positive.tocoo()
    rows = coo.row.astype(np.int64)
    keep = coo.data >= threshold[rows]
    rows, cols, values = rows[keep], coo.col[keep].astype(np.int64), coo.data[keep]
    order, rank = top_k_per_row(rows, cols, values, k)
    return rows[order], cols[order], values[order], rank


def _row_chunks(n_rows: int, row_cost: np.ndarray, max_cost: int) -> Iterator[tuple[int, int]]:
    """Contiguous row ranges whose summed cost stays under max_cost (at least one row each)."""
    if n_rows == 0:
        return
    cumulative = np.cumsum(row_cost, dtype=np.float64)
    start = 0
    while start < n_rows:
        base = cumulative[start - 1] if start else 0.0
        stop = int(np.searchsorted(cumulative, base + max_cost, side="right"))
        stop = max(stop, start + 1)
        yield start, min(stop, n_rows)
        start = stop


def item_similarity(
    strength: sparse.csr_matrix,
    *,
    neighbours: int | None = 50,
    candidates: np.ndarray | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> sparse.csr_matrix:
    """Cosine similarity of the product columns, without the diagonal.

    With ``neighbours`` set, each product keeps only its most similar products (item-kNN),
    which bounds memory at ``n_products * neighbours``; ties keep the smaller product id.
    ``candidates`` (a boolean mask over products) keeps only similarities *to* candidate
    products, before that pruning, so no neighbour slot goes to a product that cannot be
    recommended. Computed in blocks of product rows, ``X[:, block].T @ X``.
    """
    columns = strength.tocsc().astype(np.float64)
    norms = np.sqrt(np.asarray(columns.multiply(columns).sum(axis=0)).ravel())
    inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    normalised = (columns @ sparse.diags(inverse)).tocsc()
    items_by_users = normalised.T.tocsr()
    n_items = normalised.shape[1]
    allowed = np.ones(n_items, dtype=bool) if candidates is None else np.asarray(candidates, bool)
    # A block's non-zeros are at most rows x n_items.
    row_cost = np.full(n_items, float(max(n_items, 1)))
    blocks: list[sparse.coo_matrix] = []
    for start, stop in _row_chunks(n_items, row_cost, max_block_nonzeros):
        block = (items_by_users[start:stop] @ normalised).tocoo()
        rows = block.row.astype(np.int64)
        cols = block.col.astype(np.int64)
        values = block.data
        off_diagonal = (rows + start != cols) & (values > 0) & allowed[cols]
        rows, cols, values = rows[off_diagonal], cols[off_diagonal], values[off_diagonal]
        if neighbours is not None:
            pruned = sparse.csr_matrix((values, (rows, cols)), shape=(stop - start, n_items))
            rows, cols, values, _ = top_k_of_rows(pruned, neighbours)
        blocks.append(sparse.coo_matrix((values, (rows + start, cols)), shape=(n_items, n_items)))
    if not blocks:
        return sparse.csr_matrix((n_items, n_items))
    similarity = sparse.csr_matrix(
        (
            np.concatenate([block.data for block in blocks]),
            (
                np.concatenate([block.row for block in blocks]),
                np.concatenate([block.col for block in blocks]),
            ),
        ),
        shape=(n_items, n_items),
    )
    similarity.sort_indices()
    return similarity


def recommend(
    interactions: Interactions,
    similarity: sparse.csr_matrix,
    *,
    k: int = 10,
    candidates: np.ndarray | None = None,
    users: np.ndarray | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> Recommendations:
    """Top-k products per user by ``profile @ similarity``, excluding products already bought.

    ``candidates`` is a boolean mask over the product columns (e.g. in the current catalog);
    ``users`` optional row indices to score (default: every user). Only positive scores are
    recommended, so a user with no similar products gets fewer than k rows (or none).
    """
    rows_to_score = np.arange(interactions.n_users) if users is None else np.asarray(users)
    allowed = (
        np.ones(interactions.n_products, dtype=bool)
        if candidates is None
        else np.asarray(candidates, dtype=bool)
    )
    allowed_diag = sparse.diags(allowed.astype(np.float64))
    similarity = (similarity @ allowed_diag).tocsr()
    strength = interactions.strength[rows_to_score]
    # Rough cost per user: reachable products ~ sum of neighbours of the user's products.
    neighbour_counts = np.diff(similarity.indptr).astype(np.float64)
    reach = strength.copy()
    reach.data[:] = 1.0
    row_cost = np.minimum(reach @ neighbour_counts, interactions.n_products) + 1
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for start, stop in _row_chunks(rows_to_score.shape[0], row_cost, max_block_nonzeros):
        scores = (strength[start:stop] @ similarity).tocsr()
        bought = interactions.purchased[rows_to_score[start:stop]]
        scores = scores - scores.multiply(bought)
        rows, cols, values, rank = top_k_of_rows(scores.tocsr(), k)
        parts.append(
            (
                interactions.user_ids[rows_to_score[start + rows]],
                rank,
                interactions.product_ids[cols],
                values,
            )
        )
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Recommendations(empty, empty, empty, np.zeros(0))
    return Recommendations(
        user_id=np.concatenate([part[0] for part in parts]),
        rank=np.concatenate([part[1] for part in parts]),
        product_id=np.concatenate([part[2] for part in parts]),
        score=np.concatenate([part[3] for part in parts]),
    )


def recommend_most_popular(
    interactions: Interactions,
    *,
    k: int = 10,
    candidates: np.ndarray | None = None,
    users: np.ndarray | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> Recommendations:
    """The baseline: the k most popular products each user has not bought.

    Popularity = number of distinct buyers, then total interaction strength, then the smaller
    product id. The score is the number of buyers.
    """
    rows_to_score = np.arange(interactions.n_users) if users is None else np.asarray(users)
    allowed = (
        np.ones(interactions.n_products, dtype=bool)
        if candidates is None
        else np.asarray(candidates, dtype=bool)
    )
    buyers = np.asarray(interactions.purchased.sum(axis=0)).ravel()
    total_strength = np.asarray(interactions.strength.sum(axis=0)).ravel()
    product_order = np.lexsort((np.arange(interactions.n_products), -total_strength, -buyers))
    product_order = product_order[allowed[product_order]]
    purchased = interactions.purchased[rows_to_score]
    most_bought = int(np.diff(purchased.indptr).max(initial=0))
    shortlist = product_order[: k + most_bought]
    width = max(shortlist.shape[0], 1)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    row_cost = np.full(rows_to_score.shape[0], float(width))
    for start, stop in _row_chunks(rows_to_score.shape[0], row_cost, max_block_nonzeros):
        bought = purchased[start:stop][:, shortlist].toarray() > 0
        rank = np.cumsum(~bought, axis=1)
        chosen = (~bought) & (rank <= k)
        rows, positions = np.nonzero(chosen)
        parts.append(
            (
                interactions.user_ids[rows_to_score[start + rows]],
                rank[rows, positions].astype(np.int64),
                interactions.product_ids[shortlist[positions]],
                buyers[shortlist[positions]].astype(np.float64),
            )
        )
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Recommendations(empty, empty, empty, np.zeros(0))
    return Recommendations(
        user_id=np.concatenate([part[0] for part in parts]),
        rank=np.concatenate([part[1] for part in parts]),
        product_id=np.concatenate([part[2] for part in parts]),
        score=np.concatenate([part[3] for part in parts]),
    )


def _pair_keys(user_id: np.ndarray, product_id: np.ndarray) -> np.ndarray:
    """One sortable key per (user, product) pair (a structured view, no overflow)."""
    pairs = np.empty(user_id.shape[0], dtype=[("user", np.int64), ("product", np.int64)])
    pairs["user"] = user_id
    pairs["product"] = product_id
    return pairs


def hit_rate(
    recommendations: Recommendations,
    test_user_id: np.ndarray,
    test_product_id: np.ndarray,
) -> HitRate:
    """Share of test users with at least one test product among their recommendations.

    Every distinct test user counts, recommended or not (a user with no list is a miss).
    """
    test_users = np.unique(test_user_id)
    if test_users.shape[0] == 0:
        return HitRate(users=0, hits=0)
    recommended = _pair_keys(recommendations.user_id, recommendations.product_id)
    tested = np.unique(_pair_keys(test_user_id, test_product_id))
    is_hit = np.isin(recommended, tested)
    hit_users = np.intersect1d(np.unique(recommendations.user_id[is_hit]), test_users)
    return HitRate(users=int(test_users.shape[0]), hits=int(hit_users.shape[0]))


@dataclass(frozen=True)
class EvaluationResult:
    """Hit rate at k of each method on one time split."""

    cutoff_day: np.datetime64
    train_users: int
    train_products: int
    train_interactions: int
    test_purchases: int
    by_method: dict[str, HitRate]


def evaluate_time_split(
    log: InteractionLog,
    cutoff_day: np.datetime64,
    *,
    k: int = 10,
    neighbours: int | None = 50,
    candidate_product_ids: np.ndarray | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> EvaluationResult:
    """Train on interactions before ``cutoff_day``; test on purchases from it on.

    Evaluated users: users with training interactions who buy, on or after the cutoff, a
    product they had not bought before it (repeat purchases cannot be recommended). Both
    methods recommend from the training data only, excluding products bought in training.
    """
    if len(log) == 0:
        raise InputError("no interactions to evaluate the recommendations on")
    cutoff = np.datetime64(cutoff_day, "D")
    train = build_interactions(log.select(log.day < cutoff))
    test = log.select((log.day >= cutoff) & (log.purchases > 0))
    # Test pairs: training users only, products not already bought in training.
    known_user = np.isin(test.user_id, train.user_ids)
    test_user, test_product = test.user_id[known_user], test.product_id[known_user]
    bought_before = train.purchased.tocoo()
    bought_keys = _pair_keys(
        train.user_ids[bought_before.row], train.product_ids[bought_before.col]
    )
    new_purchase = ~np.isin(_pair_keys(test_user, test_product), bought_keys)
    test_user, test_product = test_user[new_purchase], test_product[new_purchase]
    evaluated_rows = np.searchsorted(train.user_ids, np.unique(test_user))
    candidates = (
        None if candidate_product_ids is None else np.isin(train.product_ids, candidate_product_ids)
    )
    similarity = item_similarity(
        train.strength,
        neighbours=neighbours,
        candidates=candidates,
        max_block_nonzeros=max_block_nonzeros,
    )
    methods = {
        "item_item_cosine": recommend(
            train,
            similarity,
            k=k,
            candidates=candidates,
            users=evaluated_rows,
            max_block_nonzeros=max_block_nonzeros,
        ),
        "most_popular": recommend_most_popular(
            train,
            k=k,
            candidates=candidates,
            users=evaluated_rows,
            max_block_nonzeros=max_block_nonzeros,
        ),
    }
    return EvaluationResult(
        cutoff_day=cutoff,
        train_users=train.n_users,
        train_products=train.n_products,
        train_interactions=int(train.strength.nnz),
        test_purchases=int(np.unique(_pair_keys(test_user, test_product)).shape[0]),
        by_method={name: hit_rate(recs, test_user, test_product) for name, recs in methods.items()},
    )


def recommend_all(
    log: InteractionLog,
    *,
    k: int = 10,
    neighbours: int | None = 50,
    candidate_product_ids: np.ndarray | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> Recommendations:
    """Fit the item-item model on the whole log and recommend to every user in it."""
    interactions = build_interactions(log)
    candidates = (
        None
        if candidate_product_ids is None
        else np.isin(interactions.product_ids, candidate_product_ids)
    )
    similarity = item_similarity(
        interactions.strength,
        neighbours=neighbours,
        candidates=candidates,
        max_block_nonzeros=max_block_nonzeros,
    )
    return recommend(
        interactions,
        similarity,
        k=k,
        candidates=candidates,
        max_block_nonzeros=max_block_nonzeros,
    )


def evaluation_table(
    result: EvaluationResult, *, k: int, test_last_day: np.datetime64, built_at: datetime
) -> pa.Table:
    """One row per method: the hit rate at k of the time split, and the split's sizes."""
    methods = sorted(result.by_method)
    rows = len(methods)
    baseline = result.by_method.get("most_popular")
    baseline_rate = baseline.rate if baseline is not None else None
    rates = [result.by_method[name].rate for name in methods]
    return pa.table(
        {
            "method": pa.array(methods, type=pa.string()),
            "k": pa.array([k] * rows, type=pa.int32()),
            "cutoff_date": pa.array(np.full(rows, result.cutoff_day, dtype="datetime64[D]")),
            "test_last_date": pa.array(
                np.full(rows, np.datetime64(test_last_day, "D"), dtype="datetime64[D]")
            ),
            "evaluated_users": pa.array(
                [result.by_method[name].users for name in methods], type=pa.int64()
            ),
            "users_with_hit": pa.array(
                [result.by_method[name].hits for name in methods], type=pa.int64()
            ),
            "hit_rate": pa.array(rates, type=pa.float64()),
            "lift_over_most_popular": pa.array(
                [
                    rate / baseline_rate if rate is not None and baseline_rate else None
                    for rate in rates
                ],
                type=pa.float64(),
            ),
            "train_users": pa.array([result.train_users] * rows, type=pa.int64()),
            "train_products": pa.array([result.train_products] * rows, type=pa.int64()),
            "train_interactions": pa.array([result.train_interactions] * rows, type=pa.int64()),
            "test_purchases": pa.array([result.test_purchases] * rows, type=pa.int64()),
            "built_at": pa.array([built_at] * rows, type=pa.timestamp("us")),
        }
    )


def split_cutoff(log: InteractionLog, test_days: int) -> tuple[np.datetime64, np.datetime64]:
    """(cutoff day, last day): the last ``test_days`` days of the log form the test period."""
    if len(log) == 0:
        raise InputError("no interactions to evaluate the recommendations on")
    if test_days < 1:
        raise InputError(f"test_days must be at least 1, got {test_days}")
    last_day = log.day.max()
    return last_day - np.timedelta64(test_days - 1, "D"), last_day
