"""Webhook deliveries of the DQS alerts of this build (dbt-duckdb runs this in-process).

Thin: the logic lives in ingest.quality.alerts (tested with pytest against a local server).
"""

import os
from typing import Any

from ingest.quality import alerts


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    alerts_frame = dbt.ref("data_quality_alerts").df()
    return alerts.deliver_alerts(alerts_frame, os.environ.get(alerts.WEBHOOK_ENV_VAR))
