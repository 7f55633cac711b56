"""The quality report's models section, on small hand-made model tables in a real DuckDB."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from observability.report.data import ReportData
from observability.report.models_data import read_models_data
from observability.report.sections import SECTIONS
from observability.report.sections.models import render


def render_models_section(models: object) -> str:
    """The section as the page renders it, for a report holding only `models`."""
    report = ReportData(
        generated_at=datetime(2026, 12, 1, tzinfo=UTC),
        database="w.duckdb",
        latest=[],
        batches=[],
        reasons=[],
        checks_invocation=None,
        problem_checks=[],
        check_runs=[],
        metrics=[],
        models=models,  # type: ignore[arg-type]
    )
    assert render in SECTIONS
    return render(report)


def _warehouse(path: Path, *, drifted: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        """
        create table marts.recommendation_metrics as
        select * from (values
            ('item_item_tuned', 'model', true, 10, 100, 0.5, 0.4, 0.3, 0.2, 1.0, 1.25),
            ('favourite_categories_popular', 'baseline', false, 10, 100, 0.4, 0.3, 0.2,
             0.05, 1.0, 1.0),
            ('<script>', 'baseline', false, 10, 100, 0.01, 0.01, 0.01, 1.0, 1.0, 0.025)
        ) as t (method, method_kind, is_chosen, k, evaluated_users, hit_rate, recall, ndcg,
                catalogue_coverage, user_coverage, lift_over_best_baseline),
        (select date '2026-10-22' as cutoff_date, date '2026-10-28' as test_last_date)
        """
    )
    con.execute(
        """
        create table marts.propensity_model_metrics as
        select 'propensity-1' as model_version, date '2026-10-21' as holdout_label_date,
               500 as holdout_rows, 0.77 as auc, timestamp '2026-12-01 03:00' as built_at
        """
    )
    con.execute(
        """
        create table marts.propensity_realised_performance as
        select * from (values
            (timestamp '2026-10-15', timestamp '2026-10-15 01:00', true, 90, 30, 0.71, 0.6),
            (timestamp '2026-10-22', timestamp '2026-10-22 01:00', true, 95, 31, 0.74, 0.62),
            (timestamp '2026-10-29', timestamp '2026-10-29 01:00', false, null, null, null, null)
        ) as t (as_of, built_at, is_label_complete, labelled_users, buyers, realised_auc,
                realised_precision),
        (select 'propensity-1' as model_version)
        """
    )
    psi = 0.35 if drifted else 0.01
    con.execute(
        f"""
        create table marts.model_drift as
        select * from (values
            ('propensity', {psi}, 0.2, {str(drifted).lower()}, true),
            ('events_28d', 0.02, 0.2, false, true),
            ('events_7d', 0.9, 0.2, true, false)
        ) as t (variable, psi, psi_threshold, is_drifted, is_latest_build),
        (select timestamp '2026-12-01 03:00' as built_at)
        """
    )
    return con


def test_models_section_shows_metrics_realised_performance_and_drift(tmp_path: Path) -> None:
    with _warehouse(tmp_path / "w.duckdb", drifted=True) as con:
        page = render_models_section(read_models_data(con))
    assert '<h2 id="models">Models</h2>' in page
    assert 'id="recommendation-metrics"' in page and "item_item_tuned" in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert 'id="realised-performance"' in page and "0.740" in page
    assert "2 logged generations with known labels, 1 waiting" in page
    # One drift line per drifted variable of the latest build only.
    assert page.count('class="warn drift-line"') == 1
    assert "Drift: propensity PSI 0.350 &gt; 0.200" in page


def test_models_section_without_drift_or_model_tables(tmp_path: Path) -> None:
    with _warehouse(tmp_path / "w.duckdb", drifted=False) as con:
        page = render_models_section(read_models_data(con))
    assert "drift-line" not in page and "No variable above PSI 0.200" in page
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as con:
        assert read_models_data(con) is None
    assert render_models_section(None) == ""
