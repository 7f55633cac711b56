"""A session-aware recommender: where the user's next visit starts, and what it ends in.

A shop's visits have a shape: a visit starts at an *anchor* product (the first one looked
at) and ends, if at all, by carting or buying the anchor or a product bought alongside it.
Where the next visit starts depends on the last one: it resumes the last visit's interest (a
product like its anchor), follows up the last purchase (a product bought with it), or
browses the user's categories. ``recommend_session_mixture`` learns the pieces from
``features.session_product_events`` and the interaction matrices and scores

    start  = w_follow x (last purchase @ BUY) + w_resume x (last anchor @ ALIKE)
             + (1 - the two weights used) x taste
    score  = a x start + (1 - a) x (s x start @ ALIKE + (1 - s) x start @ BUY)

- ALIKE: products viewed in the same visits (cosine of the session x product columns,
  ``ALIKE_NEIGHBOURS`` neighbours, times sessions ** ``ALIKE_POPULARITY``), rows summing to 1;
- BUY: from a visit's anchor to the other products carted or bought in it, rows summing to 1;
- a: the share of carted or bought products that are the visit's anchor (learned);
- taste: the user's share of interaction strength per category times each product's share of
  its category's buyers;
- last anchor / last purchase: of the user's latest visit / latest purchase before the cutoff.

The weights (``MixtureWeights``, dbt vars) are tuned on the validation split
(docs/recommendations.md). Vectorised: taste is (users x categories) @ (categories x
products), so ``score = START @ THEN + (users x categories) @ (TASTE @ THEN)``, one sparse
and one dense (BLAS) product per block of users, over only the products that can reach a
user's top k (``dominator_counts``, and the sparse part's values that reach the k-th score),
so the cost grows with users x (reachable products + the sparse row), not users x products;
blocks are bounded by max_block_nonzeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from scipy import sparse

from pipeline_ml.errors import InputError
from pipeline_ml.interactions import Interactions, Recommendations
from pipeline_ml.similarity import (
    DEFAULT_MAX_BLOCK_NONZEROS,
    dominator_counts,
    item_similarity,
    row_chunks,
    top_k_dense,
    top_k_per_row,
)

ALIKE_NEIGHBOURS = 30
ALIKE_POPULARITY = 0.5
CATEGORY_PRIOR = 0.1  # added to each category's share of a user's strength
SESSION_COLUMNS = (
    "user_id",
    "session_id",
    "product_id",
    "session_started_at",
    "session_date",
    "is_anchor",
    "is_bought",
    "is_purchased",
)


@dataclass(frozen=True)
class MixtureWeights:
    """The mixture's weights (dbt vars recommendation_session_*, tuned on the validation
    split by scripts/tune_recommendations.py): ``follow_up`` (w_follow) and ``resume``
    (w_resume) of the next visit's start, ``alike_share`` (s) of where it goes from there."""

    follow_up: float = 0.1
    resume: float = 0.3
    alike_share: float = 0.4

    def validate(self) -> None:
        values = (self.follow_up, self.resume, self.alike_share)
        if not all(0.0 <= value <= 1.0 for value in values):
            raise InputError(f"session mixture weights must be in [0, 1], got {values}")
        if self.follow_up + self.resume > 1.0:
            raise InputError("session follow_up + resume weights must be at most 1")


@dataclass(frozen=True)
class SessionLog:
    """(session, product) rows: parallel arrays; ``session`` is an integer code."""

    user_id: np.ndarray
    session: np.ndarray
    product_id: np.ndarray
    started_at: np.ndarray  # datetime64[s]
    day: np.ndarray  # datetime64[D]
    is_anchor: np.ndarray
    is_bought: np.ndarray
    is_purchased: np.ndarray

    def __len__(self) -> int:
        return int(self.user_id.shape[0])

    def select(self, mask: np.ndarray) -> SessionLog:
        return SessionLog(*(getattr(self, name)[mask] for name in self.__dataclass_fields__))


@dataclass(frozen=True)
class _VisitFlags:
    """The session log's fields the mixture needs once rows and columns are known."""

    session: np.ndarray
    started_at: np.ndarray
    is_anchor: np.ndarray
    is_bought: np.ndarray
    is_purchased: np.ndarray


def read_session_log(relation: object) -> SessionLog:
    """The log of a ``session_product_events`` relation (or an Arrow table of it).

    Sessions are numbered in SQL (dense rank of session_id), so no session id string
    reaches Python; rows come sorted by (session, product), independent of scan order.
    """
    names = relation.column_names if isinstance(relation, pa.Table) else relation.columns  # type: ignore[attr-defined]
    needed = [name for name in SESSION_COLUMNS if name != "session_id"]
    missing = [name for name in needed if name not in names]
    if "session" not in names and "session_id" not in names:
        missing.append("session_id")
    if missing:
        raise InputError(f"sessions need a column {missing[0]!r}", column=missing[0])
    if not isinstance(relation, pa.Table):
        # The dense rank of session_id, numbered over the distinct ids and joined back: a
        # sort of the sessions, not of every (session, product) row by its id string.
        numbered = (
            relation.project("session_id")  # type: ignore[attr-defined]
            .distinct()
            .project("session_id, row_number() over (order by session_id) - 1 as session")
            .set_alias("numbered_sessions")
        )
        relation = (
            relation.set_alias("session_events")  # type: ignore[attr-defined]
            .join(numbered, "session_id")
            .project(f"{', '.join(needed)}, session")
            .order("session, product_id")
        )
        # Straight to numpy: no whole-table Arrow copy beside the arrays (issue 13's memory).
        arrays = {name: np.asarray(values) for name, values in relation.fetchnumpy().items()}  # type: ignore[attr-defined]
    else:
        arrays = {
            name: relation.column(name).to_numpy(zero_copy_only=False)
            for name in relation.column_names
        }

    if "session" in arrays:
        session = arrays["session"]
    else:
        _, session = np.unique(arrays["session_id"].astype(str), return_inverse=True)
    return SessionLog(
        user_id=arrays["user_id"].astype(np.int64, copy=False),
        session=session.astype(np.int64, copy=False),
        product_id=arrays["product_id"].astype(np.int64, copy=False),
        started_at=arrays["session_started_at"].astype("datetime64[s]", copy=False),
        day=arrays["session_date"].astype("datetime64[D]", copy=False),
        is_anchor=arrays["is_anchor"].astype(bool, copy=False),
        is_bought=arrays["is_bought"].astype(bool, copy=False),
        is_purchased=arrays["is_purchased"].astype(bool, copy=False),
    )


def _row_normalised(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    matrix = sparse.csr_matrix(matrix, dtype=np.float64)
    totals = np.asarray(matrix.sum(axis=1)).ravel()
    inverse = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    return (sparse.diags(inverse) @ matrix).tocsr()


def _latest(rows: np.ndarray, cols: np.ndarray, time: np.ndarray, shape: tuple[int, int]):
    """One-hot rows x products of each row's latest entry (ties: the larger column)."""
    if rows.shape[0] == 0:
        return sparse.csr_matrix(shape)
    order = np.lexsort((cols, time, rows))
    last = np.r_[rows[order][1:] != rows[order][:-1], True]
    keep = order[last]
    return sparse.csr_matrix((np.ones(keep.shape[0]), (rows[keep], cols[keep])), shape=shape)


def recommend_session_mixture(
    interactions: Interactions,
    sessions: SessionLog,
    product_category: np.ndarray,
    *,
    k: int = 10,
    candidates: np.ndarray | None = None,
    users: np.ndarray | None = None,
    weights: MixtureWeights | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> Recommendations:
    """Top k products per user (rows ``users``) by the session mixture (``weights``, default
    ``MixtureWeights()``); never bought ones, only ``candidates``. Sessions of products or
    users outside ``interactions`` are ignored.
    """
    weights = weights or MixtureWeights()
    weights.validate()
    n_users, n_products = interactions.n_users, interactions.n_products
    category = np.asarray(product_category, dtype=np.int64)
    if category.shape[0] != n_products:
        raise InputError("product_category needs one code per product column")
    if n_users == 0 or n_products == 0:
        return Recommendations.empty()
    col = np.minimum(np.searchsorted(interactions.product_ids, sessions.product_id), n_products - 1)
    row = np.minimum(np.searchsorted(interactions.user_ids, sessions.user_id), n_users - 1)
    known = (interactions.product_ids[col] == sessions.product_id) & (
        interactions.user_ids[row] == sessions.user_id
    )
    # Only the fields used below are copied (not user, product and day: row and col).
    col, row = col[known], row[known]
    log = _VisitFlags(
        sessions.session[known],
        sessions.started_at[known],
        sessions.is_anchor[known],
        sessions.is_bought[known],
        sessions.is_purchased[known],
    )
    n_sessions = int(log.session.max(initial=-1)) + 1
    visits = sparse.csr_matrix(
        (np.ones(log.session.shape[0]), (log.session, col)), shape=(n_sessions, n_products)
    )
    alike = _row_normalised(
        item_similarity(
            visits,
            neighbours=ALIKE_NEIGHBOURS,
            popularity_exponent=ALIKE_POPULARITY,
            max_block_nonzeros=max_block_nonzeros,
        )
    )
    anchors = sparse.csr_matrix(
        (np.ones(int(log.is_anchor.sum())), (log.session[log.is_anchor], col[log.is_anchor])),
        shape=(n_sessions, n_products),
    )
    other_bought = log.is_bought & ~log.is_anchor
    bought_with = sparse.csr_matrix(
        (np.ones(int(other_bought.sum())), (log.session[other_bought], col[other_bought])),
        shape=(n_sessions, n_products),
    )
    buy = _row_normalised(anchors.T @ bought_with)
    anchor_share = float(log.is_anchor[log.is_bought].mean()) if log.is_bought.any() else 1.0
    shape = (n_users, n_products)
    last_anchor = _latest(
        row[log.is_anchor], col[log.is_anchor], log.started_at[log.is_anchor], shape
    )
    purchased = log.is_purchased
    last_purchase = _latest(row[purchased], col[purchased], log.started_at[purchased], shape)
    # Taste: category shares of the user's strength x the product's share of its category.
    known_category = category >= 0
    n_categories = max(int(category.max(initial=-1)) + 1, 1)
    membership = sparse.csr_matrix(
        (
            np.ones(int(known_category.sum())),
            (np.flatnonzero(known_category), category[known_category]),
        ),
        shape=(n_products, n_categories),
    )
    buyers = np.asarray(interactions.purchased.sum(axis=0)).ravel() + 0.1
    category_buyers = np.bincount(category[known_category], buyers[known_category], n_categories)
    share_in_category = np.where(
        known_category, buyers / np.maximum(category_buyers[np.maximum(category, 0)], 1e-12), 0.0
    )
    allowed = np.ones(n_products, bool) if candidates is None else np.asarray(candidates, bool)
    rows_to_score = np.arange(n_users) if users is None else np.asarray(users)
    # score = begin @ THEN, THEN = a x I + (1 - a) x (s x ALIKE + (1 - s) x BUY) (columns
    # of non-candidates zeroed), and begin = START + coef x shares @ TASTE: START the sparse
    # last-purchase / last-anchor part, shares the user's category shares, TASTE category x
    # product. So score = START @ THEN + (coef x shares) @ (TASTE @ THEN): per chunk one
    # sparse product and one dense (users x categories) @ (categories x products) product.
    mix = weights.alike_share * alike + (1.0 - weights.alike_share) * buy
    then = (
        (anchor_share * sparse.identity(n_products, format="csr") + (1.0 - anchor_share) * mix)
        @ sparse.diags(allowed.astype(np.float64))
    ).tocsr()
    taste_matrix = sparse.csr_matrix(
        (share_in_category, (np.maximum(category, 0), np.arange(n_products))),
        shape=(n_categories, n_products),
    )
    category_weight = np.asarray(taste_matrix.sum(axis=1)).ravel()
    spread = (taste_matrix @ then).toarray()
    # START's rows are made per block of users, never for every user at once (issue 13).
    start_parts = (last_purchase, buy, last_anchor, alike, weights)
    coefficient = (
        1.0
        - weights.follow_up * np.asarray(last_purchase.sum(axis=1)).ravel()
        - weights.resume * np.asarray(last_anchor.sum(axis=1)).ravel()
    )
    # Only products that can reach a user's top k are scored: the products of START @ THEN
    # (sparse) and, for the dense part, those dominated (in every category's row of spread)
    # by fewer than k + (the user's purchases) others. A product dominated by that many
    # cannot beat k unbought ones, so the lists equal those of scoring every product.
    dominators = dominator_counts(spread)
    reach_sorted = np.sort(dominators)
    bought_count = np.diff(interactions.purchased[rows_to_score].indptr)
    reach = np.searchsorted(reach_sorted, k + bought_count, side="left")
    # Per user: about two dense rows of reachable products, and the sparse part's row
    # (at most its START row's non-zeros x THEN's mean non-zeros per row, or every product).
    then_row = then.nnz / max(n_products, 1)
    sparse_row = _start_row_nonzeros(rows_to_score, *start_parts) * then_row
    row_cost = 2.0 * np.maximum(reach, 1) + np.minimum(sparse_row, n_products) * 2.0 + k
    parts = []
    for start, stop in row_chunks(rows_to_score.shape[0], row_cost, max_block_nonzeros):
        chunk = rows_to_score[start:stop]
        strength = (interactions.strength[chunk] @ membership).toarray() + CATEGORY_PRIOR
        shares = strength / strength.sum(axis=1, keepdims=True)
        norm = np.maximum(shares @ category_weight, 1e-12)
        user_weights = shares * (coefficient[chunk] / norm)[:, None]
        reachable = np.flatnonzero(dominators < k + int(bought_count[start:stop].max()))
        parts.append(
            _top_k_of_parts(
                user_weights,
                spread,
                (_start_rows(chunk, *start_parts) @ then).tocsr(),
                interactions.purchased[chunk],
                reachable,
                k,
                (interactions.user_ids[chunk], interactions.product_ids),
            )
        )
    return Recommendations.concatenate(parts)


def _start_rows(
    rows: np.ndarray,
    last_purchase: sparse.csr_matrix,
    buy: sparse.csr_matrix,
    last_anchor: sparse.csr_matrix,
    alike: sparse.csr_matrix,
    weights: MixtureWeights,
) -> sparse.csr_matrix:
    """START's ``rows``: w_follow x (last purchase @ BUY) + w_resume x (last anchor @ ALIKE).
    Row by row the same values as the whole matrix's rows (sparse products work per row)."""
    return (
        weights.follow_up * (last_purchase[rows] @ buy)
        + weights.resume * (last_anchor[rows] @ alike)
    ).tocsr()


def _start_row_nonzeros(rows: np.ndarray, *parts: object, block: int = 65_536) -> np.ndarray:
    """Stored values per row of START's ``rows``, computed ``block`` rows at a time."""
    counts = [
        np.diff(_start_rows(rows[start : start + block], *parts).indptr)  # type: ignore[arg-type]
        for start in range(0, rows.shape[0], block)
    ]
    return np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)


def _top_k_of_parts(
    user_weights: np.ndarray,
    spread: np.ndarray,
    sparse_part: sparse.csr_matrix,
    purchased: sparse.csr_matrix,
    reachable: np.ndarray,
    k: int,
    ids: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(user id, rank, product id, score) of each row's top k of user_weights @ spread +
    sparse_part, never a purchased product, scoring the ``reachable`` columns densely and the
    other columns only where sparse_part stores a value that can reach the row's top k."""
    user_ids, product_ids = ids
    n_products = sparse_part.shape[1]
    is_reachable = np.zeros(n_products, dtype=bool)
    is_reachable[reachable] = True
    dense = user_weights @ spread[:, reachable] + sparse_part[:, reachable].toarray()
    bought = purchased.tocoo()
    position = np.cumsum(is_reachable) - 1
    hit = (bought.data > 0) & is_reachable[bought.col]
    dense[bought.row[hit], position[bought.col[hit]]] = 0.0
    rows, cols, values, rank = top_k_dense(dense, k)
    cols = reachable[cols]
    # Another column enters only if its sparse value + its dense part (at most the user's
    # weights @ the largest value of each category row outside the reachable columns)
    # reaches the row's k-th score so far.
    kth = np.full(sparse_part.shape[0], -np.inf)
    kth[rows[rank == k]] = values[rank == k]
    outside_max = spread[:, ~is_reachable].max(axis=1, initial=0.0)
    bound = user_weights @ outside_max
    floor = kth - bound - 1e-9 * (np.abs(kth) + bound)
    entry_row = np.repeat(np.arange(sparse_part.shape[0]), np.diff(sparse_part.indptr))
    entries = np.flatnonzero(
        ~is_reachable[sparse_part.indices] & (sparse_part.data >= floor[entry_row])
    )
    extra_rows, extra_cols = entry_row[entries], sparse_part.indices[entries].astype(np.int64)
    unbought = ~np.isin(
        extra_rows * n_products + extra_cols,
        bought.row[bought.data > 0].astype(np.int64) * n_products + bought.col[bought.data > 0],
    )
    extra_rows, extra_cols = extra_rows[unbought], extra_cols[unbought]
    extra = sparse_part.data[entries[unbought]] + np.einsum(
        "ij,ji->i", user_weights[extra_rows], spread[:, extra_cols]
    )
    rows = np.concatenate([rows, extra_rows])
    cols = np.concatenate([cols, extra_cols])
    values = np.concatenate([values, extra])
    positive = values > 0
    order, rank = top_k_per_row(rows[positive], cols[positive], values[positive], k)
    rows, cols, values = rows[positive][order], cols[positive][order], values[positive][order]
    return user_ids[rows], rank, product_ids[cols], values
