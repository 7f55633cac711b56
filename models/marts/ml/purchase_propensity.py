"""Purchase propensity per user: the model refit on every build, scoring the latest features.

Thin: the logic lives in pipeline_ml.propensity and propensity_data (unit-tested with pytest).
"""

from typing import Any

from pipeline_ml import consent, propensity
from pipeline_ml.settings import propensity_config


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    settings = propensity_config(dbt.config.get("propensity"))
    # The training set stays in DuckDB: only the labelled rows trained on, then the scoring
    # snapshot batch by batch, are read into memory (pipeline_ml.propensity_data).
    training = propensity.open_training_set(dbt.ref("purchase_training_set"), settings)
    predictions = propensity.predict(training, settings)
    # Privacy: customers who opted out (do-not-sell, no marketing consent) are not scored.
    suppressed = consent.suppressed_user_ids(dbt.ref("int_customers_consent_as_of"))
    return consent.without_users(predictions, suppressed)
