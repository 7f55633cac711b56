"""The project's shape (issue 8, docs/architecture.md), checked on every run so it does not
erode as features land: only staging reads sources, every source has its staging model,
as_of is defined once, public models are those read outside the project, every SQL model of
staging, features and marts enforces a contract and no contracted model carries type tests,
ingest holds no reporting code, exceptions live in each package's errors module, every
folder of models and macros has one yml named after it, and no module of the Python
packages (or the training-set model) grows past the size where it should be split.

The dbt graph comes from the manifest of the suite's `dbt parse` (``suite_parse_state``),
the same one the suite's build starts from.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

PACKAGES = ("ingest", "observability", "pipeline_ml")
MAX_MODULE_LINES = 400
MAX_TRAINING_SET_LINES = 250


@pytest.fixture(scope="module")
def manifest(suite_parse_state: Path) -> dict:
    return json.loads((suite_parse_state.parent / "manifest.json").read_text())


def models(manifest: dict) -> dict[str, dict]:
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }


def sources_read(node: dict) -> set[str]:
    return {parent for parent in node["depends_on"]["nodes"] if parent.startswith("source.")}


def test_only_staging_models_read_sources_and_every_source_has_one(manifest: dict) -> None:
    readers = {
        node["original_file_path"]: sources_read(node)
        for node in models(manifest).values()
        if sources_read(node)
    }
    outside = sorted(path for path in readers if not path.startswith("models/staging/"))
    assert outside == [], f"models outside models/staging read a source(): {outside}"
    unread = set(manifest["sources"]) - set().union(*readers.values())
    assert unread == set(), f"sources without a staging model: {sorted(unread)}"


def test_as_of_is_defined_by_one_model(manifest: dict) -> None:
    """The reference time: int_as_of alone turns the `as_of` var into a time (no other model
    or macro of the project reads the var, but the on-run-start check of the vars' forms);
    every other model that needs it reads int_as_of."""
    project = next(iter(models(manifest).values()))["package_name"]
    reads_the_var = re.compile(r"""var\(\s*['"]as_of['"]""")
    defining = sorted(
        node["original_file_path"]
        for node in [*models(manifest).values(), *manifest["macros"].values()]
        if node["package_name"] == project
        and reads_the_var.search(node.get("raw_code") or node.get("macro_sql", ""))
    )
    assert defining == [
        "macros/quality/validate_project_vars.sql",
        "models/intermediate/int_as_of.sql",
    ]


def test_public_models_are_those_read_outside_the_project(manifest: dict) -> None:
    """A model an exposure depends on, or a mart the quality report or the alerts read
    (`observability/`), is `access: public`; every other model is protected or private."""
    nodes = models(manifest)
    by_name = {node["name"]: unique_id for unique_id, node in nodes.items()}
    exposed = {
        parent
        for exposure in manifest["exposures"].values()
        for parent in exposure["depends_on"]["nodes"]
        if parent in nodes
    }
    read_by_observability = {
        by_name[name]
        for path in (PROJECT_DIR / "observability").rglob("*.py")
        for name in re.findall(r"\bmarts\.(\w+)", path.read_text(encoding="utf-8"))
        if name in by_name
    }
    outside = exposed | read_by_observability
    assert len(exposed) >= 4 and len(read_by_observability) >= 5
    public = {unique_id for unique_id, node in nodes.items() if node["access"] == "public"}
    not_public = sorted(nodes[unique_id]["name"] for unique_id in outside - public)
    assert not_public == [], f"read outside the project, not public: {not_public}"
    unread = sorted(nodes[unique_id]["name"] for unique_id in public - outside)
    assert unread == [], f"public, read by nothing outside the project: {unread}"


def test_every_sql_model_of_staging_features_and_marts_enforces_its_contract(
    manifest: dict,
) -> None:
    """Native contracts (a data_type per column, checked by dbt at build time) on every SQL
    model people or the ML read. Python models cannot carry one: their Arrow tables set each
    column's type (docs/extending.md)."""
    loose = sorted(
        node["original_file_path"]
        for node in models(manifest).values()
        if node["language"] == "sql"
        and node["original_file_path"].split("/")[1] in ("staging", "features", "marts")
        and not node["config"]["contract"]["enforced"]
    )
    assert loose == [], f"SQL models without an enforced contract: {loose}"


def test_no_contracted_model_carries_column_type_tests(manifest: dict) -> None:
    """An enforced contract already types every column; a type test beside it would be a
    second definition of the same fact. The type tests left are on sources, the snapshot and
    a Python model, which cannot carry a contract."""
    nodes = manifest["nodes"]
    type_tests = [
        node
        for node in nodes.values()
        if node["resource_type"] == "test"
        and (node.get("test_metadata") or {}).get("name") == "expect_column_values_to_be_of_type"
    ]
    assert type_tests, "the type tests of the uncontracted models are gone: check the manifest"
    contracted = {
        unique_id
        for unique_id, node in nodes.items()
        if node["resource_type"] == "model" and node["config"]["contract"]["enforced"]
    }
    doubled = sorted(
        {
            nodes[test["attached_node"]]["original_file_path"]
            for test in type_tests
            if test["attached_node"] in contracted
        }
    )
    assert doubled == [], f"contracted models with column type tests: {doubled}"


def test_no_module_of_the_python_packages_is_over_400_lines() -> None:
    sizes = {
        str(path.relative_to(PROJECT_DIR)): len(path.read_text(encoding="utf-8").splitlines())
        for package in PACKAGES
        for path in sorted((PROJECT_DIR / package).rglob("*.py"))
    }
    assert len(sizes) > 20, "the packages' modules were not found"
    too_long = {path: lines for path, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert too_long == {}, f"split these modules (over {MAX_MODULE_LINES} lines): {too_long}"


def _named_like_an_exception(node: ast.expr) -> bool:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return name.endswith(("Error", "Exception"))


def test_exceptions_live_in_the_errors_module_of_their_package() -> None:
    """One exception hierarchy per package, in one module: `ingest/errors.py` (and its
    stream sub-package's `ingest/stream/errors.py`), `observability/errors.py`,
    `pipeline_ml/errors.py`; a class named or derived like an exception anywhere else is
    a stray."""
    stray = []
    for package in PACKAGES:
        for path in sorted((PROJECT_DIR / package).rglob("*.py")):
            if path.name == "errors.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and (
                    node.name.endswith(("Error", "Exception"))
                    or any(_named_like_an_exception(base) for base in node.bases)
                ):
                    stray.append(f"{path.relative_to(PROJECT_DIR)}:{node.lineno} {node.name}")
    assert stray == [], f"exceptions outside their package's errors.py: {stray}"


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_ingest_lands_data_and_observability_reports_it() -> None:
    """`ingest` holds no reporting code: it never imports `observability`, and
    `observability` takes from it only the shared settings, errors and CLI plumbing, never
    its loading or streaming code (the stream's report reader lives in observability)."""
    shared = {"ingest.settings", "ingest.errors", "ingest.cli"}
    crossings = [
        f"{path.relative_to(PROJECT_DIR)} imports {module}"
        for package, other, allowed in (
            ("ingest", "observability", set()),
            ("observability", "ingest", shared),
        )
        for path in sorted((PROJECT_DIR / package).rglob("*.py"))
        for module in sorted(_imported_modules(path))
        if module.split(".")[0] == other and module not in allowed
    ]
    assert crossings == [], f"imports across the ingest / observability line: {crossings}"


def test_the_training_set_model_stays_a_short_feature_model() -> None:
    """Its daily activity lives in int_user_activity_daily; the model keeps the windows."""
    path = PROJECT_DIR / "models" / "features" / "purchase_training_set.sql"
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert 0 < lines < MAX_TRAINING_SET_LINES


def test_one_yml_per_folder_named_after_it() -> None:
    """dbt Labs' layout: every sub-folder of models/ has one `_<folder>__models.yml` (its
    sources, if any, in `_<source>__sources.yml`); every sub-folder of macros/ one
    `_<folder>__macros.yml`."""
    misplaced = []
    for root, suffix in (("models", "models"), ("macros", "macros")):
        for folder in sorted(path for path in (PROJECT_DIR / root).rglob("*") if path.is_dir()):
            ymls = sorted(
                path.name
                for path in folder.glob("*.yml")
                if not path.name.endswith("__sources.yml")
            )
            if any(folder.glob("*.sql")) or any(folder.glob("*.py")) or ymls:
                expected = [f"_{folder.name}__{suffix}.yml"]
                if ymls != expected:
                    misplaced.append(f"{folder.relative_to(PROJECT_DIR)}: {ymls}")
    assert misplaced == [], f"folders whose yml is not one named after them: {misplaced}"
