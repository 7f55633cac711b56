"""Offline evaluation of the recommendations on a time split: hit rate at k per method.

Trains on interactions before the last `recommendation_test_days` days and tests on the
purchases in them, for the item-item model and the most-popular baseline. Thin: the logic
lives in pipeline_ml.recommend.
"""

from datetime import UTC, datetime
from typing import Any

from pipeline_ml import recommend
from pipeline_ml.settings import as_day, as_int, as_mapping


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    weights = recommend.parse_event_weights(
        as_mapping(dbt.config.get("event_weights"), "event_weights")
    )
    k = as_int(dbt.config.get("top_k"), "top_k", minimum=1)
    test_days = as_int(dbt.config.get("test_days"), "test_days", minimum=1)
    log = recommend.read_interaction_log(
        dbt.ref("stg_events"), weights, until=as_day(dbt.config.get("as_of"), "as_of")
    )
    cutoff_day, last_day = recommend.split_cutoff(log, test_days)
    catalog = dbt.ref("int_products_current").filter("is_in_latest_snapshot")
    result = recommend.evaluate_time_split(
        log,
        cutoff_day,
        k=k,
        neighbours=as_int(dbt.config.get("neighbours"), "neighbours", minimum=1),
        candidate_product_ids=catalog.project("product_id").fetchnumpy()["product_id"],
    )
    return recommend.evaluation_table(
        result, k=k, test_last_day=last_day, built_at=datetime.now(UTC).replace(tzinfo=None)
    )
