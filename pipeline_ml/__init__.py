"""Reusable, vectorised ML helpers for the dbt Python models (importable and testable by pytest).

- `pipeline_ml.interactions`: the user-product interaction log (read from
  features.user_product_interactions) and its sparse matrices, with time decay.
- `pipeline_ml.similarity`: item-item collaborative filtering and the top-k selection.
- `pipeline_ml.baselines`: most popular, most popular in the favourite categories, random.
- `pipeline_ml.evaluation`: the time split, hit rate / recall / NDCG at k, coverage.
- `pipeline_ml.recommend`: the methods by name and the chosen method's fit for everyone.
- `pipeline_ml.propensity`: the purchase-propensity model trained on the point-in-time
  training set, its time-based hold-out evaluation and per-user predictions.
- `pipeline_ml.settings`: parsing of the dbt vars the Python models receive as config.
"""

from pipeline_ml.errors import InputError, PipelineMLError

__all__ = ["InputError", "PipelineMLError"]
