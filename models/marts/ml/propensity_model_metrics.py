"""Metrics of the purchase-propensity model: the time split and its AUC, one row per build.

Thin: the logic lives in pipeline_ml.propensity and propensity_data (unit-tested with pytest).
"""

from datetime import UTC, datetime
from typing import Any

from pipeline_ml import propensity
from pipeline_ml.settings import propensity_config


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    settings = propensity_config(dbt.config.get("propensity"))
    return propensity.evaluate(
        propensity.open_training_set(dbt.ref("purchase_training_set"), settings),
        settings,
        built_at=datetime.now(UTC).replace(tzinfo=None),
    )
