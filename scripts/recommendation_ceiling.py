"""How well could any recommender do on the generated data? An oracle with the generator's
hidden state, next to the project's methods, on the same time split.

The generator (ingest/generate/tastes.py) is replayed up to the split's cutoff, which gives
every user's true hidden state there: taste mix, price band, staple consumable, last
purchase, last session anchor, and every product's complements. The held-out week is then
simulated ``--replicates`` times with other random draws (sessions and product choices), and
each user's candidates are ranked by how often the user bought them, new, across the
replicates: close to the best ranking any model could make for hit rate at k. A second
oracle draws the staple again in every replicate from its prior (a product of the
favourite category's consumable noun, by popularity), so it knows everything but the staple.

A second table splits the split's new purchases by what the hidden state says of them
(``purchase_kinds``: the staple, a complement of the last purchase, the noun of the last
visit's anchor, ...) and gives, per kind, the share of them in the list of the chosen model,
of the best baseline and of the oracle: where a model gains on the baseline, and where no
model can.

The evaluation follows pipeline_ml.evaluation: users with interactions before the cutoff
who buy a product new in the week, less consent-suppressed customers; products of the latest
catalog; never one the user bought before. The log is built from `staging.stg_events` per
(user, product, day), so the validation split (one week earlier, the default) needs no
rebuild; `--split test` uses the warehouse's holdout.

    .venv/bin/python scripts/recommendation_ceiling.py [--database PATH] [--split test] \
        [--scale 1 --seed 42 --days 28] [--replicates 400]

The generator arguments must be those that made the warehouse's landing data (`make run`
defaults). Read-only on the warehouse. Exit codes: 0 done, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import copy
import sys
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import duckdb
import numpy as np
from scipy import sparse

from ingest.generate import activity, tastes
from ingest.generate.catalog import build_catalog, build_users
from ingest.generate.config import GenerateConfig, rng_for
from ingest.settings import resolve
from pipeline_ml import evaluation, interactions, recommend, sessions
from pipeline_ml.similarity import top_k_of_rows

LOG_SQL = """
    select
        user_id,
        product_id,
        event_date as day,
        count(*) as weight,
        count(*) filter (where event_type = 'purchase') as purchases
    from staging.stg_events
    where
        user_id is not null
        and product_id is not null
        and event_type in ('page_view', 'click', 'add_to_cart', 'purchase')
        and event_date < $end
    group by all
    order by user_id, product_id, day
"""


KINDS = (
    "staple",
    "complement_of_last_purchase",
    "noun_of_last_anchor",
    "complement_noun",
    "favourite_category",
    "other",
)


def read_split(database: Path, split: str, days: int) -> tuple[np.datetime64, dict]:
    """(cutoff day, inputs) of the split: the log, the catalog and the suppressed users."""
    with duckdb.connect(str(database), read_only=True) as con:
        holdout = con.execute(
            "select min(holdout_start_date) from features.user_product_interactions"
        ).fetchone()[0]
        cutoff = holdout - timedelta(days=days if split == "validation" else 0)
        rows = con.execute(LOG_SQL, {"end": cutoff + timedelta(days=days)}).fetchnumpy()
        catalog = con.execute(
            "select product_id, category from intermediate.int_products_current"
            " where is_in_latest_snapshot"
        ).fetchnumpy()
        visits = sessions.read_session_log(
            con.sql(
                "select * from features.session_product_events where session_date < $end",
                params={"end": cutoff + timedelta(days=days)},
            )
        )
        suppressed = con.execute(
            "select customer_id from intermediate.int_customers_consent_as_of where is_suppressed"
        ).fetchnumpy()["customer_id"]
    log = interactions.InteractionLog(
        user_id=rows["user_id"].astype(np.int64),
        product_id=rows["product_id"].astype(np.int64),
        weight=rows["weight"].astype(np.float64),
        purchases=rows["purchases"].astype(np.int64),
        day=rows["day"].astype("datetime64[D]"),
    )
    products = (catalog["product_id"].astype(np.int64), catalog["category"])
    inputs = {"log": log, "catalog": products, "suppressed": suppressed, "sessions": visits}
    return np.datetime64(cutoff, "D"), inputs


def state_at(config: GenerateConfig, first_day: int):
    """(users, catalog, tastes, last session end per user) at the start of ``first_day``."""
    users, catalog = build_users(config), build_catalog(config)
    state = tastes.build_tastes(config, catalog)
    last_end = np.full(config.n_users, -(10**9), dtype=np.int64)
    for day in range(first_day):
        activity.simulate_day(config, users, catalog, day, last_end, state)
    return users, catalog, state, last_end


def purchase_kinds(at_cutoff, user_id, product_id) -> np.ndarray:
    """What the generator's state at the cutoff (``state_at``) says of each (user, product)
    new purchase, first match wins: the user's staple consumable, a complement of their last
    purchase, a product of the noun of their last session's anchor (what a resumed visit
    browses), of the complement noun of their last purchase, of their favourite category, or
    other."""
    users, catalog, state, _ = at_cutoff
    user = np.searchsorted(users.ids, user_id)
    product = np.searchsorted(catalog.ids, product_id)
    last_bought, last_anchor = state.last_bought[user], state.last_anchor[user]
    noun = catalog.nouns[product]
    return np.select(
        [
            product == state.staple[user],
            (last_bought >= 0)
            & (state.complements[np.maximum(last_bought, 0)] == product[:, None]).any(axis=1),
            (last_anchor >= 0) & (noun == catalog.nouns[np.maximum(last_anchor, 0)]),
            (last_bought >= 0)
            & (noun == tastes.COMPLEMENT_NOUN[catalog.nouns[np.maximum(last_bought, 0)]]),
            catalog.categories[product] == state.favourite_category[user],
        ],
        list(KINDS[:-1]),
        KINDS[-1],
    )


def simulate_week(
    config: GenerateConfig, first_day: int, at_cutoff, replicates: int, redraw_staple: bool
):
    """(user id, product id, replicates in which the user bought it) from ``first_day`` on,
    for 7 days, from the true state at the start of ``first_day`` (``state_at``; copied, not
    changed)."""
    users, catalog, state, last_end = at_cutoff
    favourite = state.favourite_category
    consumable = np.flatnonzero(tastes.IS_CONSUMABLE_NOUN)
    pools = tastes.day_pools(catalog, 0)
    counts = sparse.csr_matrix((config.n_users, len(catalog.ids)))
    for replicate in range(replicates):

        def other_draws(seed: int, stream: int, day: int = 0, replicate: int = replicate):
            return rng_for(seed + 1_000 * (replicate + 1), stream, day)

        week, end = copy.deepcopy(state), last_end.copy()
        if redraw_staple:
            draw = rng_for(config.seed + 1_000 * (replicate + 1), 99)
            week.staple = pools.by_noun.sample(draw, consumable[favourite])
        bought = sparse.csr_matrix((config.n_users, len(catalog.ids)))
        with (
            mock.patch.object(activity, "rng_for", other_draws),
            mock.patch.object(tastes, "rng_for", other_draws),
        ):
            for day in range(first_day, min(first_day + 7, config.days)):
                day_activity = activity.simulate_day(config, users, catalog, day, end, week)
                buy = day_activity.event_type == activity.PURCHASE
                bought = bought + sparse.csr_matrix(
                    (
                        np.ones(int(buy.sum())),
                        (day_activity.event_user[buy], day_activity.event_product[buy]),
                    ),
                    shape=bought.shape,
                )
        bought.data[:] = 1.0
        counts = counts + bought
    coo = counts.tocoo()
    return users.ids[coo.row], catalog.ids[coo.col], coo.data


def oracle_lists(train, simulated, candidates: np.ndarray, rows: np.ndarray, k: int):
    """Top k per evaluated user by simulated purchases, never bought before."""
    user_id, product_id, count = simulated
    row = np.searchsorted(train.user_ids, user_id)
    col = np.searchsorted(train.product_ids, product_id)
    ok = (row < train.n_users) & (col < train.n_products)
    ok &= train.user_ids[np.minimum(row, train.n_users - 1)] == user_id
    ok &= train.product_ids[np.minimum(col, train.n_products - 1)] == product_id
    ok &= candidates[np.minimum(col, train.n_products - 1)]
    scores = sparse.csr_matrix((count[ok], (row[ok], col[ok])), shape=train.strength.shape)
    scores = scores[rows]
    scores = (scores - scores.multiply(train.purchased[rows])).tocsr()
    r, c, v, rank = top_k_of_rows(scores, k)
    return interactions.Recommendations(train.user_ids[rows[r]], rank, train.product_ids[c], v)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=None)
    parser.add_argument("--split", choices=("validation", "test"), default="validation")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--start-date", type=date.fromisoformat, default=date(2026, 10, 1))
    parser.add_argument("--replicates", type=int, default=400)
    args = parser.parse_args(argv)
    database = Path(args.database or resolve().database)
    if not database.is_file():
        print(f"error: no warehouse at {database}; run `make run` first", file=sys.stderr)
        return 2
    settings = recommend.RecommenderSettings()
    cutoff, inputs = read_split(database, args.split, 7)
    log, suppressed = inputs["log"], inputs["suppressed"]
    result = evaluation.evaluate_time_split(
        log,
        cutoff,
        settings,
        candidate_product_ids=inputs["catalog"][0],
        catalog=inputs["catalog"],
        excluded_user_ids=suppressed,
        session_log=inputs["sessions"],
    )
    train_log = log.select(log.day < cutoff)
    train = interactions.build_interactions(train_log)
    test_user, test_product = evaluation.new_purchases_after(log, cutoff, train, suppressed)
    rows = np.searchsorted(train.user_ids, np.unique(test_user))
    candidates = np.isin(train.product_ids, inputs["catalog"][0])
    config = GenerateConfig(
        scale=args.scale, seed=args.seed, days=args.days, start_date=args.start_date
    )
    first_day = int((cutoff - np.datetime64(args.start_date, "D")).astype(int))
    at_cutoff = state_at(config, first_day)
    scores = dict(result.by_method.items())
    oracle = {}
    for name, redraw in (("oracle", False), ("oracle_without_staple", True)):
        simulated = simulate_week(config, first_day, at_cutoff, args.replicates, redraw)
        oracle[name] = oracle_lists(train, simulated, candidates, rows, settings.k)
        scores[name] = evaluation.ranking_metrics(
            oracle[name], test_user, test_product, k=settings.k
        )
    best = max(scores[name].rate or 0.0 for name in recommend.BASELINES)
    print(f"split={args.split} cutoff={cutoff} users={scores['random'].users}")
    for name, metrics in sorted(scores.items(), key=lambda item: -(item[1].rate or 0.0)):
        rate = metrics.rate or 0.0
        print(f"{name:30s} hit@{settings.k}={rate:.3f}  x best baseline={rate / best:.3f}")
    best_baseline = max(recommend.BASELINES, key=lambda name: scores[name].rate or 0.0)
    last_train_day = cutoff - np.timedelta64(1, "D")
    category = recommend.category_codes(train.product_ids, *inputs["catalog"])
    visits = inputs["sessions"].select(inputs["sessions"].day < cutoff)
    lists = {
        # Trained as evaluate_time_split trains them (it keeps only their metrics).
        name: recommend.fit_and_recommend(
            name,
            evaluation.method_interactions(name, train_log, train, last_train_day, settings),
            settings,
            product_category=category,
            candidates=candidates,
            users=rows,
            session_log=visits,
        )
        for name in (result.chosen(), best_baseline)
    }
    lists["oracle"] = oracle["oracle"]
    print_kinds(purchase_kinds_table(at_cutoff, test_user, test_product, lists))
    return 0


def purchase_kinds_table(at_cutoff, test_user, test_product, lists) -> list[tuple]:
    """(kind, new purchases of that kind, share of them in each method's list) per kind."""
    pairs = np.unique(interactions.pair_keys(test_user, test_product))
    kinds = purchase_kinds(at_cutoff, pairs["user"], pairs["product"])
    listed = {
        name: np.isin(pairs, interactions.pair_keys(found.user_id, found.product_id))
        for name, found in lists.items()
    }
    table = []
    for kind in KINDS:
        mine = kinds == kind
        count = int(mine.sum())
        shares = {name: float(hit[mine].mean()) if count else 0.0 for name, hit in listed.items()}
        table.append((kind, count, shares))
    return table


def print_kinds(table: list[tuple]) -> None:
    names = list(table[0][2])
    print()
    print(f"{'new purchases by kind':30s} {'pairs':>5s}  " + "  ".join(names))
    for kind, count, shares in table:
        cells = "  ".join(f"{shares[name]:>{len(name)}.2f}" for name in names)
        print(f"{kind:30s} {count:5d}  {cells}")


if __name__ == "__main__":
    raise SystemExit(main())
