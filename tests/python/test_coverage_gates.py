"""The documentation/test coverage gates: they fail on an undocumented or key-less model."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import PROJECT_DIR

GATES = "scripts/coverage_gates.sh"


def load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


check_docs = load_module("check_docs", PROJECT_DIR / "scripts" / "check_docs.py")
project_rules = load_module(
    "project_rules", PROJECT_DIR / "scripts" / "dbt_score_rules" / "project_rules.py"
)
contract_test_coverage = load_module(
    "contract_test_coverage", PROJECT_DIR / "scripts" / "contract_test_coverage.py"
)


# --- check_docs on hand-made manifests ----------------------------------------------------


def manifest_with(**sections: dict[str, Any]) -> dict[str, Any]:
    return {
        "metadata": {"project_name": "ml_data_pipeline"},
        "nodes": {},
        "sources": {},
        "macros": {},
        **sections,
    }


def model(name: str, description: str = "One row per x.", **columns: str) -> dict[str, Any]:
    return {
        "resource_type": "model",
        "package_name": "ml_data_pipeline",
        "description": description,
        "config": {"materialized": "table", "enabled": True},
        "columns": {col: {"name": col, "description": text} for col, text in columns.items()},
    }


def test_check_docs_passes_a_documented_project() -> None:
    manifest = manifest_with(nodes={"model.ml_data_pipeline.m": model("m", x_id="Id.")})
    catalog = {"nodes": {"model.ml_data_pipeline.m": {"columns": {"x_id": {}}}}, "sources": {}}
    assert check_docs.find_problems(manifest, catalog) == []


def test_check_docs_lists_every_kind_of_gap() -> None:
    manifest = manifest_with(
        nodes={
            "model.ml_data_pipeline.m": model("m", "", x_id="", y=""),
            "model.other_package.ignored": {**model("x", ""), "package_name": "other_package"},
            "seed.ml_data_pipeline.s": {**model("s", ""), "resource_type": "seed"},
            "test.ml_data_pipeline.assert_x": {
                "resource_type": "test",
                "package_name": "ml_data_pipeline",
                "description": "",
            },
        },
        sources={
            "source.ml_data_pipeline.raw.sales": {
                "package_name": "ml_data_pipeline",
                "source_description": "",
                "description": "",
                "columns": {},
            }
        },
        macros={
            "macro.ml_data_pipeline.parse_x": {
                "package_name": "ml_data_pipeline",
                "name": "parse_x",
                "description": "",
                "arguments": [{"name": "column", "description": ""}],
            },
            "macro.ml_data_pipeline.duckdb__parse_x": {
                "package_name": "ml_data_pipeline",
                "name": "duckdb__parse_x",
                "description": "",
                "arguments": [],
            },
            "macro.ml_data_pipeline.test_is_positive": {
                "package_name": "ml_data_pipeline",
                "name": "test_is_positive",
                "description": "",
                "arguments": [],
            },
        },
    )
    catalog = {
        "nodes": {"model.ml_data_pipeline.m": {"columns": {"x_id": {}, "z_new": {}}}},
        "sources": {"source.ml_data_pipeline.raw.sales": {"columns": {"sale_date": {}}}},
    }
    problems = {
        (p.unique_id, p.kind, p.detail) for p in check_docs.find_problems(manifest, catalog)
    }
    expected = {
        ("model.ml_data_pipeline.m", "model without description", ""),
        ("model.ml_data_pipeline.m", "column without description", "x_id"),
        ("model.ml_data_pipeline.m", "column without description", "y"),
        ("model.ml_data_pipeline.m", "column not documented", "z_new"),
        ("model.ml_data_pipeline.m", "documented column missing from the warehouse", "y"),
        ("seed.ml_data_pipeline.s", "seed without description", ""),
        ("seed.ml_data_pipeline.s", "not in the catalog (not built?)", ""),
        ("test.ml_data_pipeline.assert_x", "singular test without description", ""),
        ("source.ml_data_pipeline.raw.sales", "source without description", ""),
        ("source.ml_data_pipeline.raw.sales", "source table without description", ""),
        ("source.ml_data_pipeline.raw.sales", "column not documented", "sale_date"),
        ("macro.ml_data_pipeline.parse_x", "macro without description", ""),
        ("macro.ml_data_pipeline.parse_x", "macro argument without description", "column"),
        ("macro.ml_data_pipeline.test_is_positive", "custom generic test without description", ""),
    }
    assert problems == expected


# --- the primary-key rule ---------------------------------------------------------------


def test_node(name: str, **kwargs: Any) -> dict[str, Any]:
    return {"test_metadata": {"name": name, "kwargs": kwargs}}


test_node.__test__ = False  # a helper, not a pytest test


@pytest.mark.parametrize(
    ("tests", "has_key"),
    [
        (
            [
                test_node("unique", column_name="sale_id"),
                test_node("not_null", column_name="sale_id"),
            ],
            True,
        ),
        ([test_node("unique", column_name="sale_id")], False),
        ([test_node("unique", column_name="a"), test_node("not_null", column_name="b")], False),
        ([test_node("unique", column_name="product_id || '-' || snapshot_date")], True),
        (
            [
                test_node(
                    "unique_combination_of_columns",
                    combination_of_columns=["product_id", "snapshot_date"],
                )
            ],
            True,
        ),
        ([test_node("expect_compound_columns_to_be_unique", column_list=["a", "b"])], True),
        (
            [test_node("expect_compound_columns_to_be_unique", column_list=["a"], mostly=0.9)],
            False,
        ),
        ([test_node("accepted_values", column_name="x", values=["a"])], False),
        ([], False),
    ],
)
def test_primary_key_evidence(tests: list[dict[str, Any]], has_key: bool) -> None:
    assert (project_rules.primary_key_evidence(tests) is not None) is has_key


# --- the gate script ------------------------------------------------------------------


def test_gates_refuse_a_target_without_catalog(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"metadata": {}}))
    result = subprocess.run(
        ["bash", str(PROJECT_DIR / GATES), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "catalog.json missing" in result.stderr


@pytest.mark.parametrize(
    ("path", "name", "ok"),
    [
        ("models/staging/sales/stg_sales.sql", "stg_sales", True),
        ("models/staging/ingest/stg_ingest__quarantine.sql", "stg_ingest__quarantine", True),
        ("models/intermediate/quality/int_quality__counts.sql", "int_quality__counts", True),
        ("models/features/user_event_features.sql", "user_event_features", True),
        ("models/marts/ml/purchase_propensity.py", "purchase_propensity", True),
        ("models/staging/sales/sales_clean.sql", "sales_clean", False),
        ("models/intermediate/sessions.sql", "sessions", False),
        ("models/features/int_user_features.sql", "int_user_features", False),
        ("models/marts/stg_daily.sql", "stg_daily", False),
        ("models/reports/daily.sql", "daily", False),
    ],
)
def test_layer_naming_problem(path: str, name: str, ok: bool) -> None:
    assert (project_rules.layer_naming_problem(path, name) is None) is ok


# --- test coverage: an enforced contract counts as a test of its typed columns -----------


def coverage_files(tmp_path: Path, *, enforced: bool) -> tuple[Path, Path]:
    report = {
        "covered": 1,
        "total": 4,
        "tables": [
            {
                "name": "staging.stg_x",
                "columns": [
                    {"name": "x_id", "covered": 1},
                    {"name": "amount", "covered": 0},
                    {"name": "untyped", "covered": 0},
                ],
            },
            {"name": "raw.x", "columns": [{"name": "amount", "covered": 0}]},
        ],
    }
    model = {
        "resource_type": "model",
        "name": "stg_x",
        "schema": "staging",
        "config": {"contract": {"enforced": enforced}},
        "columns": {
            "x_id": {"data_type": "bigint"},
            "amount": {"data_type": "decimal(18,2)"},
            "untyped": {},
        },
    }
    report_path, manifest_path = tmp_path / "report.json", tmp_path / "manifest.json"
    report_path.write_text(json.dumps(report))
    manifest_path.write_text(json.dumps({"nodes": {"model.p.stg_x": model}}))
    return report_path, manifest_path


@pytest.mark.parametrize(("enforced", "fail_under", "code"), [(True, 0.5, 0), (False, 0.5, 1)])
def test_contracted_columns_count_as_tested(
    tmp_path: Path, enforced: bool, fail_under: float, code: int
) -> None:
    """Typed columns of an enforced contract count (2 of 4); without it only 1 of 4 does."""
    report, manifest = coverage_files(tmp_path, enforced=enforced)
    argv = ["--report", str(report), "--manifest", str(manifest), "--fail-under", str(fail_under)]
    assert contract_test_coverage.main(argv) == code


def test_contract_coverage_refuses_a_missing_report(tmp_path: Path) -> None:
    argv = ["--report", str(tmp_path / "no.json"), "--manifest", str(tmp_path / "no.json")]
    assert contract_test_coverage.main([*argv, "--fail-under", "0.9"]) == 2
