"""Item-item collaborative filtering on sparse matrices, and the top-k selection it shares.

Two products are similar when the same users interact with them: the cosine of their columns
in the user x product strength matrix, optionally reweighted by the neighbour's popularity
(times its number of users to the power ``popularity_exponent``: below 0 damps best-sellers,
above 0 favours products many users share). A user's score for a product is their strength
row times the similarity matrix (``score = profile @ similarity``); the top k products by
score that the user has not bought are recommended, ties broken by the smaller product id,
so the output is deterministic.

Everything is vectorised: sparse matrix products, one lexicographic sort per chunk of rows,
no Python loop over users or products (only over fixed-size chunks, to bound memory).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy import sparse

from pipeline_ml.errors import InputError
from pipeline_ml.interactions import Interactions, Recommendations

# Upper bound on the non-zero scores materialised at once (rows x reachable products): 5 M
# (not 20 M) keeps each block's temporaries near 100 MB (issue 13); results do not change.
DEFAULT_MAX_BLOCK_NONZEROS = 5_000_000


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


def top_k_dense(score: np.ndarray, k: int):
    """(rows, cols, values, ranks) of each row's k largest positive scores of a dense block,
    ties broken by the smaller column: one partition per block finds each row's k-th value,
    so only the entries at or above it reach the sort."""
    n_cols = score.shape[1]
    if n_cols > k:
        kth = np.partition(score, n_cols - k, axis=1)[:, n_cols - k]
        keep = (score >= kth[:, None]) & (score > 0)
    else:
        keep = score > 0
    rows, cols = np.nonzero(keep)
    values = score[rows, cols]
    order, rank = top_k_per_row(rows, cols, values, k)
    return rows[order], cols[order], values[order], rank


def dominator_counts(points: np.ndarray, block: int = 512) -> np.ndarray:
    """For each column j of ``points`` (dimensions x items), how many other columns dominate
    it: at least as large in every dimension and larger in one, or equal everywhere with a
    smaller index (the top-k tie-break). Blocks of columns, sorted by their sum, are compared
    with the columns of at least their smallest sum (a dominator's sum is not smaller)."""
    n_items = points.shape[1]
    totals = points.sum(axis=0)
    order = np.lexsort((np.arange(n_items), -totals))
    counts = np.zeros(n_items, dtype=np.int64)
    sorted_totals = -totals[order]
    for start in range(0, n_items, block):
        targets = order[start : start + block]
        end = int(np.searchsorted(sorted_totals, -totals[targets].min(), side="right"))
        others = order[:end]
        at_least = np.ones((end, targets.shape[0]), dtype=bool)
        larger = others[:, None] < targets[None, :]
        for row in points:
            at_least &= row[others][:, None] >= row[targets][None, :]
            larger |= row[others][:, None] > row[targets][None, :]
        counts[targets] = (at_least & larger).sum(axis=0)
    return counts


def row_chunks(n_rows: int, row_cost: np.ndarray, max_cost: int) -> Iterator[tuple[int, int]]:
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
    popularity_exponent: float = 0.0,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> sparse.csr_matrix:
    """Cosine similarity of the product columns, without the diagonal.

    With ``neighbours`` set, each product keeps only its most similar products (item-kNN),
    which bounds memory at ``n_products * neighbours``; ties keep the smaller product id.
    ``candidates`` (a boolean mask over products) keeps only similarities *to* candidate
    products, before that pruning, so no neighbour slot goes to a product that cannot be
    recommended. The similarity to product j is multiplied by (users of j) **
    ``popularity_exponent`` before that pruning (negative: popularity damping; positive:
    a lean towards products many users share). Computed in blocks of product rows,
    ``X[:, block].T @ X``.
    """

    columns = strength.tocsc().astype(np.float64)
    norms = np.sqrt(np.asarray(columns.multiply(columns).sum(axis=0)).ravel())
    inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    normalised = (columns @ sparse.diags(inverse)).tocsc()
    items_by_users = normalised.T.tocsr()
    n_items = normalised.shape[1]
    allowed = np.ones(n_items, dtype=bool) if candidates is None else np.asarray(candidates, bool)
    users_per_item = np.diff(columns.indptr).astype(np.float64)
    column_scale = np.power(np.maximum(users_per_item, 1.0), popularity_exponent)
    # A block's non-zeros are at most rows x n_items.
    row_cost = np.full(n_items, float(max(n_items, 1)))
    blocks: list[sparse.coo_matrix] = []
    for start, stop in row_chunks(n_items, row_cost, max_block_nonzeros):
        block = (items_by_users[start:stop] @ normalised).tocoo()
        rows = block.row.astype(np.int64)
        cols = block.col.astype(np.int64)
        values = block.data
        off_diagonal = (rows + start != cols) & (values > 0) & allowed[cols]
        rows, cols, values = rows[off_diagonal], cols[off_diagonal], values[off_diagonal]
        values = values * column_scale[cols]
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
    for start, stop in row_chunks(rows_to_score.shape[0], row_cost, max_block_nonzeros):
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
    return Recommendations.concatenate(parts)
