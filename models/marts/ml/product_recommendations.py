"""Item-item collaborative filtering: the top k products per user not already bought.

Thin on purpose: the logic lives in pipeline_ml.recommend (unit-tested with pytest). Settings
come from dbt vars through the model's yml config (_ml__models.yml).
"""

from typing import Any

from pipeline_ml import consent, recommend
from pipeline_ml.settings import as_day, as_int, as_mapping


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    weights = recommend.parse_event_weights(
        as_mapping(dbt.config.get("event_weights"), "event_weights")
    )
    log = recommend.read_interaction_log(
        dbt.ref("stg_events"), weights, until=as_day(dbt.config.get("as_of"), "as_of")
    )
    catalog = dbt.ref("int_products_current").filter("is_in_latest_snapshot")
    recommendations = recommend.recommend_all(
        log,
        k=as_int(dbt.config.get("top_k"), "top_k", minimum=1),
        neighbours=as_int(dbt.config.get("neighbours"), "neighbours", minimum=1),
        candidate_product_ids=catalog.project("product_id").fetchnumpy()["product_id"],
    )
    # Privacy: customers who opted out (do-not-sell, no marketing consent) get none.
    suppressed = consent.suppressed_user_ids(dbt.ref("int_customers_consent_as_of"))
    return consent.without_users(recommendations.to_arrow(), suppressed)
