"""The documentation/test coverage gates: they fail on an undocumented or key-less model."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from _project_copy import VENV_BIN, copy_project, dbt
from conftest import PROJECT_DIR, Warehouse

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


# --- the gates on a real copy of the project --------------------------------------------


@pytest.fixture(scope="module")
def gate_run(
    built_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory
) -> subprocess.CompletedProcess[str]:
    """The gates over the project plus two bad models, with a complete catalog."""
    root = tmp_path_factory.mktemp("gates")
    project = copy_project(root / "project")
    database = root / "warehouse.duckdb"
    shutil.copy2(built_warehouse.database, database)
    marts = project / "models" / "gate_checks"
    marts.mkdir(parents=True)
    # 1. No yml at all: no description, no column docs, no key test.
    (marts / "zz_undocumented.sql").write_text("select\n    1 as thing_id\n")
    # 2. Fully described, tests on columns, but no primary-key test.
    (marts / "zz_keyless.sql").write_text("select\n    1 as other_id,\n    2 as amount\n")
    (marts / "_gate_checks__models.yml").write_text(
        "models:\n"
        "  - name: zz_keyless\n"
        "    description: One row per other thing, for the gate test.\n"
        "    columns:\n"
        "      - name: other_id\n"
        "        description: Id of the other thing.\n"
        "        data_tests: [not_null]\n"
        "      - name: amount\n"
        "        description: An amount.\n"
        "        data_tests: [not_null]\n"
    )
    built = dbt(project, "run", "--select", "path:models/gate_checks", database=database)
    assert built.returncode == 0, built.stdout[-3000:]
    docs = dbt(project, "docs", "generate", database=database)
    assert docs.returncode == 0, docs.stdout[-3000:]
    return subprocess.run(
        ["bash", GATES, "target"],
        cwd=project,
        env={**os.environ, "VENV_BIN": str(VENV_BIN)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def gate_section(output: str, name_prefix: str) -> str:
    """The lines a gate printed, from its `== gate: NAME` line to its passed/FAILED line."""
    lines = output.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line.startswith(f"== gate: {name_prefix}")), None
    )
    assert start is not None, output[-3000:]
    for end in range(start + 1, len(lines)):
        line = lines[end]
        if line.startswith("== gate: ") and line.endswith((": passed", ": FAILED")):
            return "\n".join(lines[start : end + 1])
    return "\n".join(lines[start:])


def test_gates_fail_on_the_bad_models(gate_run: subprocess.CompletedProcess[str]) -> None:
    assert gate_run.returncode == 1, gate_run.stdout[-3000:] + gate_run.stderr[-2000:]
    assert "gate(s) failed" in gate_run.stdout


def test_undocumented_model_fails_the_docs_gate(
    gate_run: subprocess.CompletedProcess[str],
) -> None:
    section = gate_section(gate_run.stdout, "every item documented")
    assert "model.ml_data_pipeline.zz_undocumented: model without description" in section
    assert "zz_undocumented: column not documented: thing_id" in section
    assert "zz_keyless" not in section  # it is documented
    assert "every item documented: FAILED" in section


def test_model_without_key_test_fails_dbt_score(
    gate_run: subprocess.CompletedProcess[str],
) -> None:
    section = gate_section(gate_run.stdout, "dbt-score")
    combined = section + gate_run.stderr
    blocks = {
        name: next((b for b in combined.split("\n\n") if f"Model: {name}" in b), "")
        for name in ("zz_keyless", "zz_undocumented")
    }
    for name, block in blocks.items():
        assert "model_has_primary_key_test" in block, f"{name}:\n{combined[-3000:]}"
        assert "score: 0.0" in block, block  # CRITICAL rule: the model scores 0
    assert "FAILED" in section


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
