"""Purchase propensity per user: the model refit on every build, scoring the latest features.

Thin: the logic lives in pipeline_ml.propensity (unit-tested with pytest).
"""

from typing import Any

from pipeline_ml import consent, propensity
from pipeline_ml.settings import as_float, as_int


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    settings = propensity.PropensitySettings(
        horizon_days=as_int(dbt.config.get("horizon_days"), "horizon_days", minimum=1),
        threshold=as_float(dbt.config.get("threshold"), "threshold"),
        max_training_rows=as_int(
            dbt.config.get("max_training_rows"), "max_training_rows", minimum=1
        ),
    )
    predictions = propensity.predict(
        propensity.read_training_set(dbt.ref("purchase_training_set"), settings), settings
    )
    # Privacy: customers who opted out (do-not-sell, no marketing consent) are not scored.
    suppressed = consent.suppressed_user_ids(dbt.ref("int_customers_consent_as_of"))
    return consent.without_users(predictions, suppressed)
