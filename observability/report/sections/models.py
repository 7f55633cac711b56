"""Section: the models. Recommenders against their baselines (marts.recommendation_metrics),
the propensity model's evaluation and realised performance over time, and drift against the
previous build (one line per variable above the PSI threshold)."""

from __future__ import annotations

from decimal import Decimal

from observability.charts import Point, bar_chart, line_chart
from observability.report.data import ReportData
from observability.report.markup import esc as _esc
from observability.report.models_data import ModelsData


def _num(value: object, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def _table(headers: list[str], rows: list[list[str]], table_id: str) -> str:
    head = "".join(f"<th>{_esc(name)}</th>" for name in headers)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><tr>{head}</tr>{body}</table>'


def _cell(value: object, digits: int = 3) -> str:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f'<td class="num">{_num(value, digits)}</td>'
    return f"<td>{_esc(_num(value) if isinstance(value, bool) else value)}</td>"


def _recommendations(data: ModelsData) -> str:
    if not data.recommendations:
        return ""
    first = data.recommendations[0]
    columns = [
        ("method", "method"),
        ("method_kind", "kind"),
        ("is_chosen", "chosen"),
        ("hit_rate", "hit rate"),
        ("recall", "recall"),
        ("ndcg", "NDCG"),
        ("catalogue_coverage", "catalogue coverage"),
        ("user_coverage", "user coverage"),
        ("lift_over_best_baseline", "x best baseline"),
    ]
    rows = [[_cell(row.get(key)) for key, _ in columns] for row in data.recommendations]
    chart = bar_chart(
        [
            Point(str(row["method"]), float(row["hit_rate"] or 0.0), str(row["method_kind"]))
            for row in data.recommendations
        ],
        title=f"Hit rate at {first['k']}",
        groups=["model", "baseline"],
    )
    return (
        f"<h3>Recommendations against the baselines (at k = {_esc(first['k'])})</h3>"
        f'<p class="meta">Time split: trained before {_esc(first["cutoff_date"])}, tested on '
        f"new purchases up to {_esc(first['test_last_date'])} by "
        f"{_esc(first['evaluated_users'])} users. The chosen model writes "
        "product_recommendations.</p>"
        + _table([label for _, label in columns], rows, "recommendation-metrics")
        + chart
    )


def _realised(data: ModelsData) -> str:
    parts = ["<h3>Propensity: evaluation and realised performance over time</h3>"]
    if data.propensity:
        row = data.propensity[0]
        parts.append(
            f'<p class="meta">This build: AUC {_esc(_num(row["auc"]))} on the held-out label '
            f"date {_esc(row['holdout_label_date'])} ({_esc(row['holdout_rows'])} rows).</p>"
        )
    complete = [row for row in data.realised if row["is_label_complete"]]
    pending = len(data.realised) - len(complete)
    parts.append(
        f'<p class="meta">{len(complete)} logged generations with known labels, {pending} '
        "waiting for their label window to pass.</p>"
    )
    if complete:
        columns = [
            ("as_of", "as of"),
            ("built_at", "built"),
            ("labelled_users", "users"),
            ("buyers", "buyers"),
            ("realised_auc", "realised AUC"),
            ("realised_precision", "realised precision"),
        ]
        rows = [[_cell(row.get(key)) for key, _ in columns] for row in complete]
        parts.append(_table([label for _, label in columns], rows, "realised-performance"))
        if len(complete) > 1:
            parts.append(
                line_chart(
                    {
                        "realised AUC": [
                            Point(str(row["as_of"]), float(row["realised_auc"] or 0.0))
                            for row in complete
                        ]
                    },
                    title="Realised AUC by as_of",
                    y_label="AUC",
                )
            )
    return "".join(parts)


def _drift(data: ModelsData) -> str:
    if not data.drift:
        return ""
    if all(row["psi"] is None for row in data.drift):
        return (
            "<h3>Drift against the previous build</h3>"
            '<p class="meta">First build: no previous build to compare with.</p>'
        )
    lines = "".join(
        f'<p class="warn drift-line">Drift: {_esc(row["variable"])} PSI '
        f"{_esc(_num(row['psi']))} &gt; {_esc(_num(row['psi_threshold']))}</p>"
        for row in data.drifted
    )
    columns = [("variable", "variable"), ("psi", "PSI"), ("is_drifted", "drifted")]
    rows = [[_cell(row.get(key)) for key, _ in columns] for row in data.drift]
    summary = (
        f'<p class="ok">No variable above PSI {_esc(_num(data.drift[0]["psi_threshold"]))}.</p>'
        if not data.drifted
        else ""
    )
    return (
        "<h3>Drift against the previous build</h3>"
        '<p class="meta">Population stability index of the propensity score and each model '
        "feature: this build's values in the previous build's decile bins.</p>"
        + lines
        + summary
        + _table([label for _, label in columns], rows, "model-drift")
    )


def render(report: ReportData) -> str:
    """The section's HTML ('' without model tables); every value is escaped."""
    data = report.models
    if data is None:
        return ""
    return '<h2 id="models">Models</h2>' + _recommendations(data) + _realised(data) + _drift(data)
