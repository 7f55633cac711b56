"""Unit tests of the recommenders (pipeline_ml.interactions, similarity, baselines,
evaluation, recommend) on tiny hand-made inputs whose answers are worked out by hand."""

from __future__ import annotations

from datetime import datetime

import duckdb
import numpy as np
import pytest
from scipy import sparse

from pipeline_ml import baselines, evaluation, recommend, sessions
from pipeline_ml import interactions as upi
from pipeline_ml import similarity as cf
from pipeline_ml.errors import InputError
from pipeline_ml.recommend import RecommenderSettings
from pipeline_ml.settings import recommender_config, recommender_settings

DAY = np.datetime64("2026-10-01", "D")


def make_log(rows: list[tuple[int, int, float, int, int]]) -> upi.InteractionLog:
    """rows of (user, product, weight, purchases, day offset)."""
    user, product, weight, purchases, offset = (
        np.array(column) for column in zip(*rows, strict=True)
    )
    return upi.InteractionLog(
        user_id=user.astype(np.int64),
        product_id=product.astype(np.int64),
        weight=weight.astype(np.float64),
        purchases=purchases.astype(np.int64),
        day=DAY + offset.astype("timedelta64[D]"),
    )


# users 1..3 x products 10, 11, 12 (strength matrix after summing duplicates):
#   user 1: 10 -> 1, 11 -> 5 (bought)
#   user 2: 10 -> 1, 11 -> 1
#   user 3: 10 -> 5 (bought), 11 -> 1, 12 -> 1
SMALL = make_log(
    [
        (1, 10, 1.0, 0, 0),
        (1, 11, 5.0, 1, 0),
        (2, 10, 1.0, 0, 0),
        (2, 11, 1.0, 0, 1),
        (3, 10, 4.0, 1, 1),
        (3, 10, 1.0, 0, 2),
        (3, 11, 1.0, 0, 2),
        (3, 12, 1.0, 0, 2),
    ]
)


def test_build_interactions_sums_weights_and_marks_purchases() -> None:
    interactions = upi.build_interactions(SMALL)
    assert interactions.user_ids.tolist() == [1, 2, 3]
    assert interactions.product_ids.tolist() == [10, 11, 12]
    assert interactions.strength.toarray().tolist() == [[1, 5, 0], [1, 1, 0], [5, 1, 1]]
    assert interactions.purchased.toarray().tolist() == [[0, 1, 0], [0, 0, 0], [1, 0, 0]]


def test_item_similarity_is_the_cosine_of_product_columns_without_diagonal() -> None:
    interactions = upi.build_interactions(SMALL)
    similarity = cf.item_similarity(interactions.strength, neighbours=None).toarray()
    columns = interactions.strength.toarray()
    norms = np.linalg.norm(columns, axis=0)
    expected = columns.T @ columns / np.outer(norms, norms)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(similarity, expected)
    # By hand: cos(10, 11) = (5 + 1 + 5) / (sqrt(27) * sqrt(27)) = 11 / 27.
    assert similarity[0, 1] == pytest.approx(11 / 27)
    assert similarity[0, 2] == pytest.approx(5 / np.sqrt(27))


def test_item_similarity_keeps_the_top_neighbours_with_ties_to_the_smaller_product() -> None:
    # Product 0 is equally similar to 1 and 2 (identical columns), less to 3.
    strength = sparse.csr_matrix(
        np.array([[1.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 1.0]])
    )
    pruned = cf.item_similarity(strength, neighbours=1).toarray()
    assert (pruned > 0).sum(axis=1).tolist() == [1, 1, 1, 1]
    assert pruned[0].nonzero()[0].tolist() == [1]  # tie 1 vs 2: the smaller column wins
    assert pruned[1].nonzero()[0].tolist() == [0]
    full = cf.item_similarity(strength, neighbours=None).toarray()
    np.testing.assert_allclose(pruned[pruned > 0], full[pruned > 0])
    # Without product 1 as a candidate, product 0's one neighbour slot goes to product 2.
    masked = cf.item_similarity(
        strength, neighbours=1, candidates=np.array([True, False, True, True])
    ).toarray()
    assert masked[0].nonzero()[0].tolist() == [2]
    assert not masked[:, 1].any()


def test_item_similarity_blocks_give_the_same_matrix() -> None:
    rng = np.random.default_rng(3)
    strength = sparse.random(60, 25, density=0.2, random_state=rng, format="csr")
    whole = cf.item_similarity(strength, neighbours=5)
    blocked = cf.item_similarity(strength, neighbours=5, max_block_nonzeros=30)
    np.testing.assert_array_equal(whole.toarray(), blocked.toarray())


def test_recommend_scores_profile_times_similarity_and_excludes_bought_products() -> None:
    interactions = upi.build_interactions(SMALL)
    similarity = cf.item_similarity(interactions.strength, neighbours=None)
    recs = cf.recommend(interactions, similarity, k=10)
    expected = interactions.strength.toarray() @ similarity.toarray()
    got = {(u, p): s for u, p, s in zip(recs.user_id, recs.product_id, recs.score, strict=True)}
    bought = {(1, 11), (3, 10)}
    assert not bought & set(got)
    for row, user in enumerate(interactions.user_ids):
        for col, product in enumerate(interactions.product_ids):
            if (user, product) in bought or expected[row, col] <= 0:
                assert (user, product) not in got
            else:
                assert got[(user, product)] == pytest.approx(expected[row, col])


def test_recommend_orders_by_score_then_product_and_cuts_at_k() -> None:
    interactions = upi.build_interactions(SMALL)
    similarity = cf.item_similarity(interactions.strength, neighbours=None)
    recs = cf.recommend(interactions, similarity, k=2)
    by_user: dict[int, list[tuple[int, int, float]]] = {}
    for user, rank, product, score in zip(
        recs.user_id, recs.rank, recs.product_id, recs.score, strict=True
    ):
        by_user.setdefault(int(user), []).append((int(rank), int(product), float(score)))
    # User 2 viewed 10 and 11 (score 11/27 each: a tie) and reaches 12 through both.
    # 12 scores 5/sqrt(27) + 1/sqrt(27) > 11/27, then the tie goes to the smaller id, 10.
    assert [product for _, product, _ in by_user[2]] == [12, 10]
    for rows in by_user.values():
        assert [rank for rank, _, _ in rows] == list(range(1, len(rows) + 1))
        assert len(rows) <= 2
        scores = [score for _, _, score in rows]
        assert scores == sorted(scores, reverse=True)


def test_recommend_respects_candidates_and_is_deterministic_across_chunks() -> None:
    rng = np.random.default_rng(7)
    n = 400
    log = make_log(
        [
            (int(u), int(p), float(w), int(b), 0)
            for u, p, w, b in zip(
                rng.integers(0, 80, n),
                rng.integers(0, 30, n),
                rng.choice([1, 3, 5], n),
                rng.random(n) < 0.2,
                strict=True,
            )
        ]
    )
    interactions = upi.build_interactions(log)
    similarity = cf.item_similarity(interactions.strength, neighbours=10)
    candidates = interactions.product_ids % 2 == 0
    one_block = cf.recommend(interactions, similarity, k=5, candidates=candidates)
    many_blocks = cf.recommend(
        interactions, similarity, k=5, candidates=candidates, max_block_nonzeros=50
    )
    assert one_block.to_arrow().equals(many_blocks.to_arrow())
    assert (one_block.product_id % 2 == 0).all()


def test_top_k_per_row_breaks_ties_by_column() -> None:
    rows = np.array([0, 0, 0, 1, 1])
    cols = np.array([5, 2, 9, 1, 0])
    values = np.array([1.0, 1.0, 2.0, 3.0, 3.0])
    keep, rank = cf.top_k_per_row(rows, cols, values, 2)
    assert cols[keep].tolist() == [9, 2, 0, 1]
    assert rank.tolist() == [1, 2, 1, 2]


def test_kth_largest_per_row_counts_ties_and_short_rows() -> None:
    matrix = sparse.csr_matrix(
        np.array(
            [
                [3.0, 1.0, 3.0, 2.0],  # sorted: 3, 3, 2, 1 -> 2nd largest 3, 3rd 2
                [0.0, 5.0, 0.0, 0.0],  # one stored value: fewer than k
                [0.0, 0.0, 0.0, 0.0],  # empty row
            ]
        )
    )
    assert cf.kth_largest_per_row(matrix, 2).tolist() == [3.0, -np.inf, -np.inf]
    assert cf.kth_largest_per_row(matrix, 3).tolist() == [2.0, -np.inf, -np.inf]


def test_top_k_of_rows_matches_a_full_sort() -> None:
    rng = np.random.default_rng(11)
    # Values on a coarse grid: many ties, which must go to the smaller column.
    dense = rng.integers(-2, 6, size=(50, 40)).astype(np.float64)
    rows, cols, values, rank = cf.top_k_of_rows(sparse.csr_matrix(dense), 7)
    for row in range(dense.shape[0]):
        positive = np.flatnonzero(dense[row] > 0)
        expected = positive[np.lexsort((positive, -dense[row, positive]))][:7]
        assert cols[rows == row].tolist() == expected.tolist()
        assert rank[rows == row].tolist() == list(range(1, expected.size + 1))
    assert (values == dense[rows, cols]).all()


def test_most_popular_baseline_skips_bought_products() -> None:
    interactions = upi.build_interactions(SMALL)
    recs = baselines.recommend_most_popular(interactions, k=2)
    lists = {
        int(user): recs.product_id[recs.user_id == user].tolist()
        for user in np.unique(recs.user_id)
    }
    # Buyers: 10 -> 1, 11 -> 1, 12 -> 0; strength: 10 -> 7, 11 -> 7: tie -> smaller id.
    assert lists == {1: [10, 12], 2: [10, 11], 3: [11, 12]}


def test_hit_rate_counts_users_with_at_least_one_hit() -> None:
    recs = upi.Recommendations(
        user_id=np.array([1, 1, 2, 2, 3]),
        rank=np.array([1, 2, 1, 2, 1]),
        product_id=np.array([10, 11, 10, 12, 13]),
        score=np.ones(5),
    )
    # User 1 bought 11 and 99 (one hit), user 2 bought 11 (miss), user 4 has no list (miss).
    result = evaluation.ranking_metrics(
        recs, np.array([1, 1, 2, 4]), np.array([11, 99, 11, 10]), k=10
    )
    assert (result.users, result.hits) == (3, 1)
    assert result.rate == pytest.approx(1 / 3)
    empty = evaluation.ranking_metrics(recs, np.array([], dtype=np.int64), np.array([]), k=10)
    assert empty.rate is None


def test_evaluate_time_split_trains_before_the_cutoff_and_tests_new_purchases_after() -> None:
    log = make_log(
        [
            # before the cutoff (day 5): users 1 and 2 share products 10 and 11
            (1, 10, 1.0, 0, 0),
            (1, 11, 1.0, 0, 1),
            (2, 10, 5.0, 1, 1),
            (2, 11, 1.0, 0, 2),
            (3, 12, 5.0, 1, 2),
            (4, 12, 5.0, 1, 3),
            # from the cutoff on
            (1, 10, 5.0, 1, 5),  # user 1 buys 10: new, the item-item model recommends it
            (2, 10, 5.0, 1, 6),  # user 2 re-buys 10: not a new purchase, not evaluated
            (5, 12, 5.0, 1, 6),  # user 5 has no training data: not evaluated
        ]
    )
    result = evaluation.evaluate_time_split(
        log, DAY + np.timedelta64(5, "D"), RecommenderSettings(k=1)
    )
    assert result.train_users == 4
    assert result.test_purchases == 1
    assert result.by_method["item_item_cosine"].users == 1
    assert result.by_method["item_item_cosine"].hits == 1
    # Most popular before the cutoff: 12 (2 buyers) -> user 1's top 1 is 12, a miss.
    assert result.by_method["most_popular"].hits == 0


def test_evaluation_leaves_out_excluded_users_but_still_trains_on_them() -> None:
    # Users 1 and 2 buy a new product after the cutoff; user 2 is excluded (suppressed by
    # consent). User 2's history still shapes the model: without it, 10 and 11 never
    # co-occur and user 1's only candidate by co-occurrence is gone.
    log = make_log(
        [
            (1, 10, 1.0, 0, 0),
            (2, 10, 1.0, 0, 0),
            (2, 11, 1.0, 0, 1),
            (1, 11, 5.0, 1, 5),
            (2, 12, 5.0, 1, 5),
        ]
    )
    cutoff = DAY + np.timedelta64(5, "D")
    everyone = evaluation.evaluate_time_split(log, cutoff, RecommenderSettings(k=1))
    assert everyone.by_method["item_item_cosine"].users == 2
    result = evaluation.evaluate_time_split(
        log, cutoff, RecommenderSettings(k=1), excluded_user_ids=np.array([2])
    )
    assert result.test_purchases == 1
    assert result.train_users == 2
    for metrics in result.by_method.values():
        assert metrics.users == 1
    assert result.by_method["item_item_cosine"].hits == 1


def test_evaluation_rewards_co_occurrence_the_baseline_cannot_see() -> None:
    # Two tastes: 10 users browse four of products 0..4 each, 30 users buy products 5..9 (the
    # most popular). After the cutoff each of the 10 buys the one of 0..4 they had not seen:
    # the item-item lists (co-occurrence) hold it; the most-popular lists only hold 5..9.
    rows = []
    for user in range(10):
        rows += [(user, product, 1.0, 0, 0) for product in range(5) if product != user % 5]
        rows.append((user, user % 5, 5.0, 1, 9))
    for user in range(10, 40):
        rows += [(user, product, 5.0, 1, 1) for product in range(5, 10)]
    result = evaluation.evaluate_time_split(
        make_log(rows), DAY + np.timedelta64(9, "D"), RecommenderSettings(k=5)
    )
    assert result.by_method["item_item_cosine"].users == 10
    assert result.by_method["item_item_cosine"].hits == 10
    assert result.by_method["most_popular"].users == 10
    assert result.by_method["most_popular"].hits == 0


def test_read_interaction_log_gives_one_entry_per_window() -> None:
    con = duckdb.connect()
    con.execute(
        """
        create table user_product_interactions as
        select * from (values
            (1, 10, 3.0, 1.5, 1, 0.0, 0.0, 0),
            (1, 11, 0.0, 0.0, 0, 2.0, 1.0, 1),
            (2, 10, 1.0, 0.25, 0, 4.0, 4.0, 2)
        ) as t (user_id, product_id, train_interaction_weight, train_decayed_weight,
                train_purchases, holdout_interaction_weight, holdout_decayed_weight,
                holdout_purchases),
        (select date '2026-10-08' as holdout_start_date)
        """
    )
    log = upi.read_interaction_log(con.table("user_product_interactions"), test_days=7)
    got = sorted(
        zip(
            log.user_id.tolist(),
            log.product_id.tolist(),
            log.weight.tolist(),
            log.decayed.tolist(),
            log.purchases.tolist(),
            log.day.astype(str).tolist(),
            strict=True,
        )
    )
    # Training entries are dated the day before the holdout, holdout entries its last day.
    assert got == [
        (1, 10, 3.0, 1.5, 1, "2026-10-07"),
        (1, 11, 2.0, 1.0, 1, "2026-10-14"),
        (2, 10, 1.0, 0.25, 0, "2026-10-07"),
        (2, 10, 4.0, 4.0, 2, "2026-10-14"),
    ]
    # Plain weights without a half-life; decayed ones aged on to the reference day with it.
    plain = upi.build_interactions(log)
    assert plain.strength.toarray().tolist() == [[3.0, 2.0], [5.0, 0.0]]
    aged = upi.build_interactions(log, half_life_days=7.0)
    assert aged.strength.toarray().tolist() == [[0.75, 1.0], [0.125 + 4.0, 0.0]]
    with pytest.raises(InputError, match="train_interaction_weight"):
        upi.read_interaction_log(
            con.table("user_product_interactions").project("user_id, product_id").to_arrow_table(),
            test_days=7,
        )


def test_time_decay_halves_the_weight_every_half_life() -> None:
    log = make_log([(1, 10, 4.0, 0, 0), (1, 11, 4.0, 0, 7), (1, 12, 4.0, 0, 14)])
    decayed = upi.build_interactions(log, half_life_days=7.0)
    assert decayed.strength.toarray().tolist() == [[1.0, 2.0, 4.0]]
    with pytest.raises(InputError):
        upi.build_interactions(log, half_life_days=0.0)


def test_popularity_exponent_scales_the_similarity_to_each_neighbour() -> None:
    # Product 0 co-occurs with 1 (used by 1 user) and with 2 (used by 4 users).
    strength = sparse.csr_matrix(
        np.array([[1.0, 1.0, 1.0], [1.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    )
    plain = cf.item_similarity(strength, neighbours=None).toarray()
    boosted = cf.item_similarity(strength, neighbours=None, popularity_exponent=0.5)
    damped = cf.item_similarity(strength, neighbours=None, popularity_exponent=-1.0)
    users = np.array([2.0, 1.0, 4.0])
    np.testing.assert_allclose(boosted.toarray(), plain * np.sqrt(users)[None, :])
    np.testing.assert_allclose(damped.toarray(), plain / users[None, :])


# A tiny shop with a known answer: two categories (a: 10-13, b: 20-23). Users 1-6 like
# category a; in training, pairs (10, 11) and (12, 13) are always viewed together; 20 is the
# overall best-seller (users 7-12 buy it). In the test, user 1 (who saw 10) buys 11 and user
# 2 (who saw 12) buys 13: item-item finds both at rank 1, the best-sellers find neither.
TINY = make_log(
    [(user, 10, 1.0, 0, 0) for user in (1, 3, 5)]
    + [(user, 11, 1.0, 0, 0) for user in (3, 5)]
    + [(user, 12, 1.0, 0, 1) for user in (2, 4, 6)]
    + [(user, 13, 1.0, 0, 1) for user in (4, 6)]
    + [(user, 20, 3.0, 1, 2) for user in range(7, 13)]
    + [(user, 21, 1.0, 0, 2) for user in range(7, 10)]
    + [(1, 11, 3.0, 1, 5), (2, 13, 3.0, 1, 5)]
)
TINY_CATALOG = (
    np.array([10, 11, 12, 13, 20, 21, 22, 23]),
    np.array(["a", "a", "a", "a", "b", "b", "b", "b"]),
)


def test_evaluation_on_a_tiny_shop_with_a_known_answer() -> None:
    result = evaluation.evaluate_time_split(
        TINY, DAY + np.timedelta64(5, "D"), RecommenderSettings(k=1), catalog=TINY_CATALOG
    )
    by_method = result.by_method
    # No session log: the session mixture is left out.
    assert set(by_method) == set(recommend.METHODS) - {recommend.SESSION_MIXTURE}
    for name in (recommend.PLAIN_ITEM_ITEM, recommend.TUNED_ITEM_ITEM):
        metrics = by_method[name]
        assert (metrics.users, metrics.hits, metrics.recall, metrics.ndcg) == (2, 2, 1.0, 1.0)
    assert by_method["most_popular"].hits == 0  # 20 for both
    # Favourite category a, then popularity: 10 (3 users) for user 2, 11? no: user 1 saw
    # 10 already but did not buy it, so 10 is still recommended: a miss for both.
    assert by_method["favourite_categories_popular"].hits == 0
    assert result.chosen() == recommend.PLAIN_ITEM_ITEM  # tie on hit rate and NDCG: by name
    table = evaluation.evaluation_table(
        result, RecommenderSettings(k=1), test_last_day=DAY, built_at=datetime(2026, 10, 6)
    ).to_pylist()
    rows = {row["method"]: row for row in table}
    assert rows["item_item_cosine"]["is_chosen"] and not rows["item_item_tuned"]["is_chosen"]
    assert rows["random"]["method_kind"] == "baseline"
    assert rows["item_item_cosine"]["user_coverage"] == 1.0
    assert rows["item_item_cosine"]["catalogue_coverage"] == pytest.approx(2 / 6)


def test_ranking_metrics_recall_and_ndcg_by_hand() -> None:
    recs = upi.Recommendations(
        user_id=np.array([1, 1, 1, 2, 2]),
        rank=np.array([1, 2, 3, 1, 2]),
        product_id=np.array([10, 11, 12, 10, 11]),
        score=np.ones(5),
    )
    # User 1 bought 11 and 99: recall 1/2, DCG 1/log2(3), ideal 1 + 1/log2(3).
    # User 2 bought 10: recall 1, NDCG 1.
    metrics = evaluation.ranking_metrics(recs, np.array([1, 1, 2]), np.array([11, 99, 10]), k=3)
    assert metrics.recall == pytest.approx((0.5 + 1.0) / 2)
    ndcg_1 = (1 / np.log2(3)) / (1 + 1 / np.log2(3))
    assert metrics.ndcg == pytest.approx((ndcg_1 + 1.0) / 2)
    assert (metrics.users_with_list, metrics.products_recommended) == (2, 3)


def test_favourite_categories_baseline_ranks_the_users_categories_first() -> None:
    fitted = upi.build_interactions(TINY.select(TINY.day < DAY + 5))
    codes = recommend.category_codes(fitted.product_ids, *TINY_CATALOG)
    recs = baselines.recommend_favourite_categories(fitted, codes, k=3)
    lists = {
        int(user): recs.product_id[recs.user_id == user].tolist()
        for user in np.unique(recs.user_id)
    }
    # User 1 touched only category a: a's products by popularity (10 and 12 have 3 users,
    # 11 and 13 two; strength breaks no tie, so the smaller id), then b's best-seller.
    assert lists[1] == [10, 12, 11]
    # User 7 bought 20 (category b): b's other product 21 first, then a's most popular.
    assert lists[7] == [21, 10, 12]


def test_random_baseline_is_seeded_and_skips_bought_and_non_candidate_products() -> None:
    fitted = upi.build_interactions(TINY)
    candidates = fitted.product_ids != 21
    first = baselines.recommend_random(fitted, k=3, seed=5, candidates=candidates)
    again = baselines.recommend_random(fitted, k=3, seed=5, candidates=candidates)
    assert first.to_arrow().equals(again.to_arrow())
    assert 21 not in first.product_id.tolist()
    bought = {(7, 20), (8, 20), (1, 11)}
    assert not bought & set(zip(first.user_id.tolist(), first.product_id.tolist(), strict=True))


def test_unknown_method_and_bad_settings_raise_input_errors() -> None:
    fitted = upi.build_interactions(TINY)
    with pytest.raises(InputError, match="unknown recommendation method"):
        recommend.fit_and_recommend("nope", fitted, RecommenderSettings())
    with pytest.raises(InputError):
        recommend.fit_and_recommend(
            recommend.TUNED_ITEM_ITEM, fitted, RecommenderSettings(half_life_days=0)
        )
    assert recommend.model_version("random", RecommenderSettings()) != recommend.model_version(
        "random", RecommenderSettings(seed=1)
    )


def _session_log(rows: list[tuple[int, int, int, int, bool, bool, bool]]) -> sessions.SessionLog:
    """rows of (user, session, product, hour, is_anchor, is_bought, is_purchased)."""
    user, session, product, hour, anchor, bought, purchased = (
        np.array(column) for column in zip(*rows, strict=True)
    )
    started = np.datetime64("2026-10-01T00:00:00", "s") + hour.astype("timedelta64[h]")
    return sessions.SessionLog(
        user_id=user.astype(np.int64),
        session=session.astype(np.int64),
        product_id=product.astype(np.int64),
        started_at=started,
        day=started.astype("datetime64[D]"),
        is_anchor=anchor.astype(bool),
        is_bought=bought.astype(bool),
        is_purchased=purchased.astype(bool),
    )


def test_session_mixture_scores_by_hand() -> None:
    # Visit 0 (user 1): anchor 10 bought, 11 viewed. Visit 1 (user 2): anchor 11 bought, 12
    # carted. One category. By hand (docs of pipeline_ml.sessions), weights 0.1 / 0.3 / 0.2:
    #   ALIKE rows: 10 -> {11: 1}, 11 -> {10: .5, 12: .5}, 12 -> {11: 1}
    #   (cosine x sessions ** 0.5: 10->11 = 1/sqrt2 * sqrt2, 11->10 = 11->12 = 1/sqrt2);
    #   BUY: 11 -> {12: 1}; anchor share a = 2 / 3 (of 3 bought rows, 2 are anchors);
    #   taste = buyers + 0.1 = [1.1, 1.1, 0.1] / 2.3.
    # User 1 (last anchor and purchase 10): start = 0.3 x ALIKE[10] + 0.6 x taste
    #   = [.28696, .58696, .02609]; start @ ALIKE = [.29348, .31304, .29348];
    #   start @ BUY = [0, 0, .58696]; score = 2/3 start + 1/3 (0.2 ALIKE + 0.8 BUY part)
    #   = [.21087, .41217, .19348] -> 10 was bought: [11, 12].
    # User 2 (last anchor and purchase 11): start = 0.1 x BUY[11] + 0.3 x ALIKE[11] + 0.6 x
    #   taste = [.43696, .28696, .27609] -> score [.30087, ., .27015] -> [10, 12].
    log = _session_log(
        [
            (1, 0, 10, 0, True, True, True),
            (1, 0, 11, 0, False, False, False),
            (2, 1, 11, 5, True, True, True),
            (2, 1, 12, 5, False, True, False),
        ]
    )
    interactions = upi.build_interactions(
        make_log([(1, 10, 3.0, 1, 0), (1, 11, 1.0, 0, 0), (2, 11, 3.0, 1, 0), (2, 12, 2.0, 0, 0)])
    )
    weights = sessions.MixtureWeights(follow_up=0.1, resume=0.3, alike_share=0.2)
    result = sessions.recommend_session_mixture(
        interactions, log, np.zeros(3, dtype=np.int64), k=5, weights=weights
    )
    assert result.user_id.tolist() == [1, 1, 2, 2]
    assert result.product_id.tolist() == [11, 12, 10, 12]
    np.testing.assert_allclose(result.score, [0.41217, 0.19348, 0.30087, 0.27015], atol=5e-5)


def test_session_mixture_follows_up_the_last_purchase() -> None:
    # Ten visits anchored at 10 end in carting 11, never bought by itself; 10 (11 buyers)
    # and 12 (5 buyers) sell more. A user whose last purchase is 10 gets 11 first; a user
    # who bought nothing and only viewed 13 (seen with nothing else) gets the category's
    # best-seller, 10.
    rows = []
    for visit in range(10):
        rows += [(100 + visit, visit, 10, visit, True, True, True)]
        rows += [(100 + visit, visit, 11, visit, False, True, False)]
    rows += [(1, 20, 10, 30, True, True, True), (2, 21, 13, 30, True, False, False)]
    log = _session_log(rows)
    entries = [(user, 12, 3.0, 1, 0) for user in range(200, 205)]
    entries += [(100 + visit, 10, 3.0, 1, 0) for visit in range(10)]
    entries += [(100 + visit, 11, 2.0, 0, 0) for visit in range(10)]
    entries += [(1, 10, 3.0, 1, 1), (2, 13, 1.0, 0, 1)]
    interactions = upi.build_interactions(make_log(entries))
    rows_of = {int(user): row for row, user in enumerate(interactions.user_ids)}
    result = sessions.recommend_session_mixture(
        interactions,
        log,
        np.zeros(interactions.n_products, dtype=np.int64),
        k=1,
        users=np.array([rows_of[1], rows_of[2]]),
    )
    assert dict(zip(result.user_id.tolist(), result.product_id.tolist(), strict=True)) == {
        1: 11,
        2: 10,
    }


def test_read_session_log_numbers_sessions_in_sql() -> None:
    con = duckdb.connect()
    con.execute(
        """
        create table session_product_events as
        select * from (values
            (2, 'b-1', 11, timestamp '2026-10-02 10:00', date '2026-10-02', false, true, false),
            (1, 'a-7', 10, timestamp '2026-10-01 09:00', date '2026-10-01', true, true, true),
            (2, 'b-1', 10, timestamp '2026-10-02 10:00', date '2026-10-02', true, false, false)
        ) as t (user_id, session_id, product_id, session_started_at, session_date, is_anchor,
                is_bought, is_purchased)
        """
    )
    log = sessions.read_session_log(con.table("session_product_events"))
    assert log.session.tolist() == [0, 1, 1]
    assert log.product_id.tolist() == [10, 10, 11]
    assert log.user_id.tolist() == [1, 2, 2]
    assert log.is_anchor.tolist() == [True, True, False]
    assert log.is_bought.tolist() == [True, False, True]
    assert log.day.tolist()[1] == np.datetime64("2026-10-02", "D").tolist()
    with pytest.raises(InputError, match="is_anchor"):
        sessions.read_session_log(
            con.sql("select * exclude (is_anchor) from session_product_events")
        )


def _follow_up_shop() -> tuple[upi.Interactions, sessions.SessionLog]:
    """Ten visits anchored at 10 that cart 11; users 1 (bought 10) and 2 (viewed 13)."""
    rows = []
    for visit in range(10):
        rows += [(100 + visit, visit, 10, visit, True, True, True)]
        rows += [(100 + visit, visit, 11, visit, False, True, False)]
    rows += [(1, 20, 10, 30, True, True, True), (2, 21, 13, 30, True, False, False)]
    entries = [(user, 12, 3.0, 1, 0) for user in range(200, 205)]
    entries += [(100 + visit, 10, 3.0, 1, 0) for visit in range(10)]
    entries += [(100 + visit, 11, 2.0, 0, 0) for visit in range(10)]
    entries += [(1, 10, 3.0, 1, 1), (2, 13, 1.0, 0, 1)]
    return upi.build_interactions(make_log(entries)), _session_log(rows)


def test_session_mixture_chunks_give_the_same_lists() -> None:
    interactions, log = _follow_up_shop()
    category = np.array([0, 0, 1, 1])[: interactions.n_products]
    whole = sessions.recommend_session_mixture(interactions, log, category, k=3)
    # One user per chunk (the cost of a row is above the bound).
    chunked = sessions.recommend_session_mixture(
        interactions, log, category, k=3, max_block_nonzeros=1
    )
    assert whole.to_arrow().equals(chunked.to_arrow())
    assert len(whole) > 0


def test_session_mixture_weights_come_from_the_settings() -> None:
    interactions, log = _follow_up_shop()
    category = np.zeros(interactions.n_products, dtype=np.int64)
    user_1 = np.array([int(np.flatnonzero(interactions.user_ids == 1)[0])])
    # User 1's last purchase is 10, whose visits cart 11: the follow-up weight moves the
    # start of the next visit from the user's taste onto 11, so 11 scores higher with it.
    scores = {}
    for follow_up in (0.9, 0.0):
        settings = RecommenderSettings(
            k=3, mixture=sessions.MixtureWeights(follow_up=follow_up, resume=0.0)
        )
        result = recommend.fit_and_recommend(
            recommend.SESSION_MIXTURE,
            interactions,
            settings,
            product_category=category,
            session_log=log,
            users=user_1,
        )
        scores[follow_up] = dict(zip(result.product_id.tolist(), result.score, strict=True))
    assert scores[0.9][11] > scores[0.0][11] + 0.1
    assert recommend.model_version(
        recommend.SESSION_MIXTURE, RecommenderSettings()
    ) != recommend.model_version(
        recommend.SESSION_MIXTURE,
        RecommenderSettings(mixture=sessions.MixtureWeights(alike_share=0.5)),
    )


def test_session_mixture_settings_read_the_config_and_reject_bad_weights() -> None:
    config = {
        "top_k": "10",
        "neighbours": 50,
        "half_life_days": 7,
        "popularity_exponent": "1.0",
        "random_seed": 0,
        "session_follow_up_weight": "0.2",
        "session_resume_weight": 0.4,
        "session_alike_share": "0.5",
    }
    settings = recommender_settings(config)
    assert settings.mixture == sessions.MixtureWeights(follow_up=0.2, resume=0.4, alike_share=0.5)
    with pytest.raises(InputError, match="at most 1"):
        recommender_settings({**config, "session_resume_weight": 0.9})
    with pytest.raises(InputError, match=r"in \[0, 1\]"):
        recommender_settings({**config, "session_alike_share": -0.1})
    with pytest.raises(InputError, match="session_follow_up_weight"):
        recommender_settings({**config, "session_follow_up_weight": "much"})
    # The models' one `recommender` config mapping, as dbt renders it or as text.
    assert recommender_config({**config, "test_days": "7"}) == (settings, 7)
    assert recommender_config(repr({**config, "test_days": 3}))[1] == 3
    with pytest.raises(InputError, match="test_days"):
        recommender_config({**config, "test_days": 0})


def test_dominator_counts_by_hand() -> None:
    # Columns: a = (3, 1), b = (2, 1), c = (2, 1), d = (1, 5), e = (0, 0).
    # b is dominated by a; c by a and b (equal, smaller index); e by everyone.
    points = np.array([[3.0, 2.0, 2.0, 1.0, 0.0], [1.0, 1.0, 1.0, 5.0, 0.0]])
    assert sessions.dominator_counts(points).tolist() == [0, 1, 2, 0, 4]
    assert sessions.dominator_counts(points, block=2).tolist() == [0, 1, 2, 0, 4]


def test_session_mixture_scores_only_products_that_can_reach_the_top_k() -> None:
    # A random shop: with k = every product nothing is pruned, so its first three ranks
    # are the lists of scoring every product; k = 3 prunes by dominance and must agree.
    rng = np.random.default_rng(3)
    n_users, n_products, n_sessions = 40, 150, 300
    session_user = rng.integers(0, n_users, n_sessions)
    rows = []
    for session in range(n_sessions):
        products = rng.choice(n_products, size=rng.integers(1, 5), replace=False)
        for position, product in enumerate(products):
            bought = bool(rng.random() < 0.3)
            rows.append(
                (int(session_user[session]), session, int(product), session % 50,
                 position == 0, bought, bought and rng.random() < 0.7)
            )  # fmt: skip
    log = _session_log(rows)
    entries = [(row[0], row[2], 1.0 + 2.0 * row[5], int(row[6]), 0) for row in rows]
    interactions = upi.build_interactions(make_log(entries))
    category = rng.integers(0, 4, interactions.n_products)
    candidates = rng.random(interactions.n_products) < 0.9
    full = sessions.recommend_session_mixture(
        interactions, log, category, k=interactions.n_products, candidates=candidates
    )
    pruned = sessions.recommend_session_mixture(
        interactions, log, category, k=3, candidates=candidates
    )
    top = full.rank <= 3
    assert pruned.user_id.tolist() == full.user_id[top].tolist()
    assert pruned.product_id.tolist() == full.product_id[top].tolist()
    np.testing.assert_allclose(pruned.score, full.score[top], rtol=1e-12)
    assert len(pruned) > 60


def test_top_k_dense_keeps_positive_scores_and_breaks_ties_by_column() -> None:
    score = np.array([[0.5, 0.9, 0.5, 0.5, 0.0], [0.0, -1.0, 0.2, 0.0, 0.0]])
    rows, cols, values, rank = cf.top_k_dense(score, 3)
    assert rows.tolist() == [0, 0, 0, 1]
    assert cols.tolist() == [1, 0, 2, 2]
    assert values.tolist() == [0.9, 0.5, 0.5, 0.2]
    assert rank.tolist() == [1, 2, 3, 1]
