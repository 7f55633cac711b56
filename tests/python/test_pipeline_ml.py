"""Unit tests of pipeline_ml on tiny hand-made inputs whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from scipy import sparse

from pipeline_ml import propensity, recommend, settings
from pipeline_ml.errors import InputError, PipelineMLError

DAY = np.datetime64("2026-10-01", "D")
# Fewer boosting rounds than the default keep the suite fast; the behaviour is the same.
FAST = propensity.PropensitySettings(max_iter=20)


def make_log(rows: list[tuple[int, int, float, int, int]]) -> recommend.InteractionLog:
    """rows of (user, product, weight, purchases, day offset)."""
    user, product, weight, purchases, offset = (
        np.array(column) for column in zip(*rows, strict=True)
    )
    return recommend.InteractionLog(
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
    interactions = recommend.build_interactions(SMALL)
    assert interactions.user_ids.tolist() == [1, 2, 3]
    assert interactions.product_ids.tolist() == [10, 11, 12]
    assert interactions.strength.toarray().tolist() == [[1, 5, 0], [1, 1, 0], [5, 1, 1]]
    assert interactions.purchased.toarray().tolist() == [[0, 1, 0], [0, 0, 0], [1, 0, 0]]


def test_item_similarity_is_the_cosine_of_product_columns_without_diagonal() -> None:
    interactions = recommend.build_interactions(SMALL)
    similarity = recommend.item_similarity(interactions.strength, neighbours=None).toarray()
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
    pruned = recommend.item_similarity(strength, neighbours=1).toarray()
    assert (pruned > 0).sum(axis=1).tolist() == [1, 1, 1, 1]
    assert pruned[0].nonzero()[0].tolist() == [1]  # tie 1 vs 2: the smaller column wins
    assert pruned[1].nonzero()[0].tolist() == [0]
    full = recommend.item_similarity(strength, neighbours=None).toarray()
    np.testing.assert_allclose(pruned[pruned > 0], full[pruned > 0])
    # Without product 1 as a candidate, product 0's one neighbour slot goes to product 2.
    masked = recommend.item_similarity(
        strength, neighbours=1, candidates=np.array([True, False, True, True])
    ).toarray()
    assert masked[0].nonzero()[0].tolist() == [2]
    assert not masked[:, 1].any()


def test_item_similarity_blocks_give_the_same_matrix() -> None:
    rng = np.random.default_rng(3)
    strength = sparse.random(60, 25, density=0.2, random_state=rng, format="csr")
    whole = recommend.item_similarity(strength, neighbours=5)
    blocked = recommend.item_similarity(strength, neighbours=5, max_block_nonzeros=30)
    np.testing.assert_array_equal(whole.toarray(), blocked.toarray())


def test_recommend_scores_profile_times_similarity_and_excludes_bought_products() -> None:
    interactions = recommend.build_interactions(SMALL)
    similarity = recommend.item_similarity(interactions.strength, neighbours=None)
    recs = recommend.recommend(interactions, similarity, k=10)
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
    interactions = recommend.build_interactions(SMALL)
    similarity = recommend.item_similarity(interactions.strength, neighbours=None)
    recs = recommend.recommend(interactions, similarity, k=2)
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
    interactions = recommend.build_interactions(log)
    similarity = recommend.item_similarity(interactions.strength, neighbours=10)
    candidates = interactions.product_ids % 2 == 0
    one_block = recommend.recommend(interactions, similarity, k=5, candidates=candidates)
    many_blocks = recommend.recommend(
        interactions, similarity, k=5, candidates=candidates, max_block_nonzeros=50
    )
    assert one_block.to_arrow().equals(many_blocks.to_arrow())
    assert (one_block.product_id % 2 == 0).all()


def test_top_k_per_row_breaks_ties_by_column() -> None:
    rows = np.array([0, 0, 0, 1, 1])
    cols = np.array([5, 2, 9, 1, 0])
    values = np.array([1.0, 1.0, 2.0, 3.0, 3.0])
    keep, rank = recommend.top_k_per_row(rows, cols, values, 2)
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
    assert recommend.kth_largest_per_row(matrix, 2).tolist() == [3.0, -np.inf, -np.inf]
    assert recommend.kth_largest_per_row(matrix, 3).tolist() == [2.0, -np.inf, -np.inf]


def test_top_k_of_rows_matches_a_full_sort() -> None:
    rng = np.random.default_rng(11)
    # Values on a coarse grid: many ties, which must go to the smaller column.
    dense = rng.integers(-2, 6, size=(50, 40)).astype(np.float64)
    rows, cols, values, rank = recommend.top_k_of_rows(sparse.csr_matrix(dense), 7)
    for row in range(dense.shape[0]):
        positive = np.flatnonzero(dense[row] > 0)
        expected = positive[np.lexsort((positive, -dense[row, positive]))][:7]
        assert cols[rows == row].tolist() == expected.tolist()
        assert rank[rows == row].tolist() == list(range(1, expected.size + 1))
    assert (values == dense[rows, cols]).all()


def test_most_popular_baseline_skips_bought_products() -> None:
    interactions = recommend.build_interactions(SMALL)
    recs = recommend.recommend_most_popular(interactions, k=2)
    lists = {
        int(user): recs.product_id[recs.user_id == user].tolist()
        for user in np.unique(recs.user_id)
    }
    # Buyers: 10 -> 1, 11 -> 1, 12 -> 0; strength: 10 -> 7, 11 -> 7: tie -> smaller id.
    assert lists == {1: [10, 12], 2: [10, 11], 3: [11, 12]}


def test_hit_rate_counts_users_with_at_least_one_hit() -> None:
    recs = recommend.Recommendations(
        user_id=np.array([1, 1, 2, 2, 3]),
        rank=np.array([1, 2, 1, 2, 1]),
        product_id=np.array([10, 11, 10, 12, 13]),
        score=np.ones(5),
    )
    # User 1 bought 11 and 99 (one hit), user 2 bought 11 (miss), user 4 has no list (miss).
    result = recommend.hit_rate(recs, np.array([1, 1, 2, 4]), np.array([11, 99, 11, 10]))
    assert (result.users, result.hits) == (3, 1)
    assert result.rate == pytest.approx(1 / 3)
    assert recommend.hit_rate(recs, np.array([], dtype=np.int64), np.array([])).rate is None


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
    result = recommend.evaluate_time_split(log, DAY + np.timedelta64(5, "D"), k=1)
    assert result.train_users == 4
    assert result.test_purchases == 1
    assert result.by_method["item_item_cosine"].users == 1
    assert result.by_method["item_item_cosine"].hits == 1
    # Most popular before the cutoff: 12 (2 buyers) -> user 1's top 1 is 12, a miss.
    assert result.by_method["most_popular"].hits == 0


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
    result = recommend.evaluate_time_split(make_log(rows), DAY + np.timedelta64(9, "D"), k=5)
    assert result.by_method["item_item_cosine"].users == 10
    assert result.by_method["item_item_cosine"].hits == 10
    assert result.by_method["most_popular"].users == 10
    assert result.by_method["most_popular"].hits == 0


def test_interaction_log_from_duckdb_weights_and_filters() -> None:
    con = duckdb.connect()
    con.execute(
        """
        create table events as
        select * from (values
            (1, 10, 'page_view', date '2026-10-01'),
            (1, 10, 'page_view', date '2026-10-01'),
            (1, 10, 'purchase', date '2026-10-02'),
            (1, null, 'search', date '2026-10-02'),
            (2, 11, 'search', date '2026-10-02'),
            (2, 11, 'add_to_cart', date '2026-10-03')
        ) as events (user_id, product_id, event_type, event_date)
        """
    )
    log = recommend.read_interaction_log(
        con.table("events"), recommend.DEFAULT_EVENT_WEIGHTS, until=date(2026, 10, 2)
    )
    got = sorted(
        zip(
            log.user_id.tolist(),
            log.product_id.tolist(),
            log.weight.tolist(),
            log.purchases.tolist(),
            strict=True,
        )
    )
    assert got == [(1, 10, 2.0, 0), (1, 10, 5.0, 1)]


def test_parse_event_weights_validates() -> None:
    assert recommend.parse_event_weights(None) == recommend.DEFAULT_EVENT_WEIGHTS
    assert recommend.parse_event_weights({"purchase": "2"}) == {"purchase": 2.0}
    with pytest.raises(InputError):
        recommend.parse_event_weights({"purchase": 0})
    with pytest.raises(InputError):
        recommend.parse_event_weights({"purchase": 1, "click": -1})


def test_settings_accept_text_as_dbt_renders_it() -> None:
    assert settings.as_int("7", "k", minimum=1) == 7
    assert settings.as_float("0.5", "t") == 0.5
    assert settings.as_mapping("{'page_view': 1}", "w") == {"page_view": 1}
    assert settings.as_day("None", "as_of") is None
    assert settings.as_day("2026-10-05T23:00:00-02:00", "as_of") == date(2026, 10, 6)
    with pytest.raises(PipelineMLError):
        settings.as_int("0", "k", minimum=1)
    with pytest.raises(PipelineMLError):
        settings.as_mapping("[1, 2]", "w")


# --- propensity ------------------------------------------------------------------------


def synthetic_training_set(n_users: int = 300, days: int = 20, seed: int = 0) -> pa.Table:
    """Label times day 1..days; labels depend on the features, the last day is scoring."""
    rng = np.random.default_rng(seed)
    user = np.repeat(np.arange(n_users), days)
    day = np.tile(np.arange(1, days + 1), n_users)
    activity = rng.poisson(3, n_users)[user] + rng.poisson(1, user.size)
    label_date = DAY + day.astype("timedelta64[D]")
    horizon = 7
    complete = day + horizon <= days
    label = rng.random(user.size) < 1 / (1 + np.exp(-(activity - 4)))
    columns: dict[str, object] = {
        "user_id": pa.array(user, pa.int64()),
        "label_date": pa.array(label_date),
        "label_at": pa.array(label_date.astype("datetime64[us]")),
        "is_label_complete": pa.array(complete),
        "is_scoring_snapshot": pa.array(day == days),
        "purchased_in_horizon": pa.array(np.where(complete, label, None), pa.bool_()),
    }
    for index, name in enumerate(propensity.FEATURE_COLUMNS):
        noise = rng.normal(0, 1, user.size)
        columns[name] = pa.array(activity + noise if index % 3 == 0 else noise)
    return pa.table(columns)


def test_time_split_holds_out_the_latest_labelled_date_with_an_embargo() -> None:
    days = DAY + np.arange(10).astype("timedelta64[D]")
    complete = np.arange(10) <= 6
    split = propensity.time_split(days, complete, horizon_days=3)
    assert split.holdout_label_date == days[6]
    assert np.flatnonzero(split.holdout).tolist() == [6]
    # Training label windows [d, d + 3) must end by day 6: days 0..3.
    assert np.flatnonzero(split.train).tolist() == [0, 1, 2, 3]
    assert split.is_embargoed
    short = propensity.time_split(days[:3], np.array([True, True, False]), horizon_days=3)
    assert np.flatnonzero(short.train).tolist() == [0]
    assert not short.is_embargoed
    with pytest.raises(InputError):
        propensity.time_split(days[:2], np.array([True, False]), horizon_days=3)


def test_evaluate_measures_auc_on_the_later_period_only() -> None:
    table = synthetic_training_set()
    metrics = propensity.evaluate(table, FAST, built_at=datetime(2026, 1, 1)).to_pylist()[0]
    label_date = np.asarray(table.column("label_date").to_numpy()).astype("datetime64[D]")
    complete = np.asarray(table.column("is_label_complete").to_numpy(zero_copy_only=False))
    holdout_day = label_date[complete].max()
    assert metrics["holdout_label_date"] == holdout_day.astype(date)
    assert metrics["holdout_rows"] == int((complete & (label_date == holdout_day)).sum())
    assert metrics["training_last_label_date"] < metrics["holdout_label_date"]
    assert metrics["training_last_label_date"] == (holdout_day - np.timedelta64(7, "D")).astype(
        date
    )
    assert metrics["is_embargoed"] is True
    assert metrics["training_rows"] == int(complete.sum())
    # The labels follow the activity features: the model must beat chance clearly.
    assert metrics["auc"] > 0.7
    assert metrics["features"].split(",") == list(propensity.FEATURE_COLUMNS)
    assert metrics["trained_at"] == datetime(2026, 10, 21)


def test_auc_is_none_for_a_single_class() -> None:
    assert propensity.auc(np.array([True, True]), np.array([0.1, 0.9])) is None
    assert propensity.auc(np.array([False, True]), np.array([0.1, 0.9])) == 1.0


def test_predict_is_deterministic_and_scores_the_latest_snapshot() -> None:
    table = synthetic_training_set(seed=1)
    first = propensity.predict(table, FAST)
    second = propensity.predict(table, FAST)
    assert first.equals(second)
    assert first.column("user_id").to_pylist() == list(range(300))
    values = np.asarray(first.column("propensity").to_numpy())
    assert ((values >= 0) & (values <= 1)).all()
    labels = np.asarray(first.column("predicted_label").to_numpy(zero_copy_only=False))
    assert (labels == (values >= 0.5)).all()
    assert set(first.column("trained_at").to_pylist()) == {datetime(2026, 10, 21)}
    metrics = propensity.evaluate(table, FAST, built_at=datetime.now())
    assert set(first.column("model_version").to_pylist()) == set(
        metrics.column("model_version").to_pylist()
    )


def test_fit_refuses_a_single_label_class() -> None:
    with pytest.raises(InputError):
        propensity.fit(np.zeros((4, 2)), np.ones(4, dtype=bool), FAST)


def test_read_training_set_samples_users_deterministically() -> None:
    con = duckdb.connect()
    con.register("training", synthetic_training_set(n_users=200, days=10))
    small_cap = propensity.PropensitySettings(max_training_rows=500)
    first = propensity.read_training_set(con.table("training"), small_cap)
    second = propensity.read_training_set(con.table("training"), small_cap)
    assert first.equals(second)
    fraction = propensity.sample_fraction(first)
    assert 0 < fraction < 1
    scoring = np.asarray(first.column("is_scoring_snapshot").to_numpy(zero_copy_only=False))
    assert int(scoring.sum()) == 200  # every user is still scored
    users = np.asarray(first.column("user_id").to_numpy())
    complete = np.asarray(first.column("is_label_complete").to_numpy(zero_copy_only=False))
    # A sampled user keeps all labelled rows (3 complete label days each).
    kept = np.unique(users[complete], return_counts=True)[1]
    assert set(kept.tolist()) == {3}
    whole = propensity.read_training_set(con.table("training"), FAST)
    assert propensity.sample_fraction(whole) == 1.0
    assert whole.num_rows == 2000
