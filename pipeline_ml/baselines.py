"""The baselines a recommender must beat: most popular overall, most popular in the user's
favourite categories, and random. Same contract as the models: k products per user, never
one the user already bought, only candidate products, deterministic.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from pipeline_ml.errors import InputError
from pipeline_ml.interactions import Interactions, Recommendations
from pipeline_ml.similarity import (
    DEFAULT_MAX_BLOCK_NONZEROS,
    row_chunks,
    top_k_dense,
    top_k_of_rows,
)


def popularity_order(interactions: Interactions) -> tuple[np.ndarray, np.ndarray]:
    """(buyers per product, products from most to least popular).

    Popularity = number of distinct buyers, then total interaction strength, then the smaller
    product id.
    """
    buyers = np.asarray(interactions.purchased.sum(axis=0)).ravel()
    total_strength = np.asarray(interactions.strength.sum(axis=0)).ravel()
    order = np.lexsort((np.arange(interactions.n_products), -total_strength, -buyers))
    return buyers, order


def _allowed(interactions: Interactions, candidates: np.ndarray | None) -> np.ndarray:
    if candidates is None:
        return np.ones(interactions.n_products, dtype=bool)
    return np.asarray(candidates, dtype=bool)


def _top_k_unbought(
    interactions: Interactions,
    scores: sparse.csr_matrix,
    rows_to_score: np.ndarray,
    start: int,
    k: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The top k positive scores of a chunk of users, bought products removed."""
    bought = interactions.purchased[rows_to_score[start : start + scores.shape[0]]]
    scores = (scores - scores.multiply(bought)).tocsr()
    rows, cols, values, rank = top_k_of_rows(scores, k)
    users = interactions.user_ids[rows_to_score[start + rows]]
    return users, rank, interactions.product_ids[cols], values


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
    buyers, product_order = popularity_order(interactions)
    product_order = product_order[allowed[product_order]]
    purchased = interactions.purchased[rows_to_score]
    most_bought = int(np.diff(purchased.indptr).max(initial=0))
    shortlist = product_order[: k + most_bought]
    width = max(shortlist.shape[0], 1)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    row_cost = np.full(rows_to_score.shape[0], float(width))
    for start, stop in row_chunks(rows_to_score.shape[0], row_cost, max_block_nonzeros):
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
    return Recommendations.concatenate(parts)


def recommend_favourite_categories(
    interactions: Interactions,
    product_category: np.ndarray,
    *,
    k: int = 10,
    candidates: np.ndarray | None = None,
    users: np.ndarray | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> Recommendations:
    """Most popular products of the user's favourite categories first.

    ``product_category`` is an integer code per product column (-1 unknown). A user's
    categories are ranked by their interaction strength in them; products are ranked by the
    user's rank of their category, then by overall popularity. Categories the user never
    touched come last, by popularity. Score = (categories - category rank) + popularity in
    [0, 1), so the order is lexicographic.
    """
    category = np.asarray(product_category, dtype=np.int64)
    if category.shape[0] != interactions.n_products:
        raise InputError("product_category needs one code per product column")
    rows_to_score = np.arange(interactions.n_users) if users is None else np.asarray(users)
    allowed = _allowed(interactions, candidates)
    known = category >= 0
    n_categories = int(category.max(initial=-1)) + 1
    _, order = popularity_order(interactions)
    popularity = np.empty(interactions.n_products)
    popularity[order] = 1.0 - (np.arange(interactions.n_products) + 1.0) / (
        interactions.n_products + 1.0
    )
    # The shortlist: per category, its (k + most bought) most popular allowed products.
    purchased = interactions.purchased[rows_to_score]
    depth = k + int(np.diff(purchased.indptr).max(initial=0))
    ordered = order[allowed[order] & known[order]]
    position_in_category = np.zeros(ordered.shape[0], dtype=np.int64)
    if ordered.shape[0]:
        by_category = np.argsort(category[ordered], kind="stable")
        sorted_category = category[ordered][by_category]
        starts = np.searchsorted(sorted_category, sorted_category, side="left")
        position_in_category[by_category] = np.arange(ordered.shape[0]) - starts
    shortlist = np.sort(ordered[position_in_category < depth])
    # Category strength per user (users x categories), dense: categories are few.
    membership = sparse.csr_matrix(
        (np.ones(int(known.sum())), (np.flatnonzero(known), category[known])),
        shape=(interactions.n_products, max(n_categories, 1)),
    )
    category_strength = (interactions.strength[rows_to_score] @ membership).toarray()
    # Rank of each category for each user (0 = favourite); untouched categories rank last.
    order_of = np.argsort(-category_strength, axis=1, kind="stable")
    category_rank = np.empty_like(order_of)
    np.put_along_axis(category_rank, order_of, np.arange(order_of.shape[1])[None, :], axis=1)
    category_rank = np.where(category_strength > 0, category_rank, n_categories)
    parts = []
    width = max(shortlist.shape[0], 1)
    row_cost = np.full(rows_to_score.shape[0], float(width))
    for start, stop in row_chunks(rows_to_score.shape[0], row_cost, max_block_nonzeros):
        rank_block = category_rank[start:stop][:, category[shortlist]]
        dense = (n_categories - rank_block) + popularity[shortlist][None, :]
        scores = _block_scores(dense, shortlist, interactions.n_products)
        parts.append(_top_k_unbought(interactions, scores, rows_to_score, start, k))
    return Recommendations.concatenate(parts)


def recommend_random(
    interactions: Interactions,
    *,
    k: int = 10,
    seed: int = 0,
    candidates: np.ndarray | None = None,
    users: np.ndarray | None = None,
    max_block_nonzeros: int = DEFAULT_MAX_BLOCK_NONZEROS,
) -> Recommendations:
    """k products drawn uniformly from the candidates the user has not bought (fixed seed)."""
    rows_to_score = np.arange(interactions.n_users) if users is None else np.asarray(users)
    allowed = np.flatnonzero(_allowed(interactions, candidates))
    rng = np.random.default_rng(seed)
    parts = []
    row_cost = np.full(rows_to_score.shape[0], float(max(allowed.shape[0], 1)))
    for start, stop in row_chunks(rows_to_score.shape[0], row_cost, max_block_nonzeros):
        # 1 - U(0, 1) is in (0, 1]: every allowed product gets a positive score.
        draws = 1.0 - rng.random((stop - start, allowed.shape[0]))
        bought = interactions.purchased[rows_to_score[start:stop]][:, allowed].tocoo()
        draws[bought.row, bought.col] = 0.0
        rows, cols, values, rank = top_k_dense(draws, k)
        parts.append(
            (
                interactions.user_ids[rows_to_score[start + rows]],
                rank,
                interactions.product_ids[allowed[cols]],
                values,
            )
        )
    return Recommendations.concatenate(parts)


def _block_scores(
    block: np.ndarray, product_columns: np.ndarray, n_products: int
) -> sparse.csr_matrix:
    """A dense block of scores (users x `product_columns`) as a sparse users x n_products
    matrix: column j of the block is product `product_columns[j]`."""
    n_rows = block.shape[0]
    return sparse.csr_matrix(
        (
            block.ravel(),
            (
                np.repeat(np.arange(n_rows), product_columns.shape[0]),
                np.tile(product_columns, n_rows),
            ),
        ),
        shape=(n_rows, n_products),
    )
