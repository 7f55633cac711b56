"""Data quality outputs built on the warehouse: DQS alerts (webhook) and the HTML report."""
