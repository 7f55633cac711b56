"""Offline evaluation of the recommenders on a time split: one row per method and build.

Trains every model and baseline on features.user_product_interactions before the holdout
and tests on the holdout's new purchases of the customers who may be personalised
(consent-suppressed customers are not evaluated; erased ones have no data left). Thin: the
logic lives in pipeline_ml.evaluation.
"""

from datetime import UTC, datetime
from typing import Any

from pipeline_ml import consent, evaluation, interactions, sessions
from pipeline_ml.settings import recommender_config


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    settings, test_days = recommender_config(dbt.config.get("recommender"))
    log = interactions.read_interaction_log(dbt.ref("user_product_interactions"), test_days)
    cutoff_day = interactions.scalar(
        dbt.ref("user_product_interactions").aggregate("min(holdout_start_date)")
    )
    catalog = dbt.ref("int_products_current").filter("is_in_latest_snapshot")
    products = catalog.project("product_id, category").fetchnumpy()
    result = evaluation.evaluate_time_split(
        log,
        cutoff_day,
        settings,
        candidate_product_ids=products["product_id"],
        catalog=(products["product_id"], products["category"]),
        # Privacy: suppressed customers get no list, so they are not evaluated either.
        excluded_user_ids=consent.suppressed_user_ids(dbt.ref("int_customers_consent_as_of")),
        session_log=sessions.read_session_log(dbt.ref("session_product_events")),
    )
    return evaluation.evaluation_table(
        result,
        settings,
        test_last_day=log.day.max(),
        built_at=datetime.now(UTC).replace(tzinfo=None),
    )
