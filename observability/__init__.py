"""What runs after dbt: the HTML data quality report and the delivery of the DQS alerts.

``python -m observability report`` writes the report, ``python -m observability alerts``
POSTs the pending alerts of ``marts.data_quality_alerts`` to the webhook and records each
outcome in ``audit.alert_deliveries``. ``ingest`` lands data; this package only reads the
built warehouse (and appends to that one audit table).
"""
