"""The top k products per user not already bought, by the method recommendation_metrics chose.

Thin on purpose: the logic lives in pipeline_ml (unit-tested with pytest). Settings come
from dbt vars through the model's yml config (_ml__models.yml).
"""

from typing import Any

from pipeline_ml import consent, interactions, recommend, sessions
from pipeline_ml.settings import recommender_config


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    settings, test_days = recommender_config(dbt.config.get("recommender"))
    chosen = interactions.scalar(
        dbt.ref("recommendation_metrics").filter("is_chosen").project("method")
    )
    as_of_day = interactions.scalar(dbt.ref("int_as_of").project("cast(as_of_at as date)"))
    catalog = dbt.ref("int_products_current").filter("is_in_latest_snapshot")
    products = catalog.project("product_id, category").fetchnumpy()
    recommendations = recommend.recommend_everyone(
        chosen,
        interactions.read_interaction_log(dbt.ref("user_product_interactions"), test_days),
        settings,
        reference_day=as_of_day,
        catalog=(products["product_id"], products["category"]),
        session_log=sessions.read_session_log(dbt.ref("session_product_events")),
    )
    # Privacy: customers who opted out (do-not-sell, no marketing consent) get none.
    suppressed = consent.suppressed_user_ids(dbt.ref("int_customers_consent_as_of"))
    return consent.without_users(recommendations.to_arrow(), suppressed)
