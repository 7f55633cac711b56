"""The figures of the report's models section, read from the model marts when they exist:
marts.recommendation_metrics, marts.propensity_model_metrics,
marts.propensity_realised_performance and marts.model_drift (a warehouse built without the
ML models gets no section)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from observability.warehouse import records, table_exists

if TYPE_CHECKING:
    import duckdb


@dataclass
class ModelsData:
    """The figures of the models section."""

    recommendations: list[dict[str, Any]] = field(default_factory=list)
    propensity: list[dict[str, Any]] = field(default_factory=list)
    realised: list[dict[str, Any]] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)

    @property
    def drifted(self) -> list[dict[str, Any]]:
        return [row for row in self.drift if row.get("is_drifted")]


def read_models_data(con: duckdb.DuckDBPyConnection) -> ModelsData | None:
    """The section's figures, or None when no model table was built."""
    data = ModelsData()
    if table_exists(con, "marts", "recommendation_metrics"):
        data.recommendations = records(
            con,
            "select method, method_kind, is_chosen, k, evaluated_users, hit_rate, recall,"
            " ndcg, catalogue_coverage, user_coverage, lift_over_best_baseline, cutoff_date,"
            " test_last_date from marts.recommendation_metrics"
            " order by method_kind desc, hit_rate desc, method",
        )
    if table_exists(con, "marts", "propensity_model_metrics"):
        data.propensity = records(
            con,
            "select model_version, holdout_label_date, holdout_rows, auc, built_at"
            " from marts.propensity_model_metrics",
        )
    if table_exists(con, "marts", "propensity_realised_performance"):
        data.realised = records(
            con,
            "select as_of, built_at, model_version, is_label_complete, labelled_users, buyers,"
            " realised_auc, realised_precision"
            " from marts.propensity_realised_performance order by built_at, as_of",
        )
    if table_exists(con, "marts", "model_drift"):
        data.drift = records(
            con,
            "select variable, psi, psi_threshold, is_drifted, built_at from marts.model_drift"
            " where is_latest_build order by psi desc nulls last, variable",
        )
    if not (data.recommendations or data.propensity or data.realised or data.drift):
        return None
    return data
