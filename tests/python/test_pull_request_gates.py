"""`make ci` end to end on a scratch copy of the project, as a pull request would change it.

One run of scripts/ci_local.sh (the script the workflow and `make ci` share) covers a pull
request that touches one model, adds a model with no documentation at all, adds a documented
model without a primary-key test, and adds badly formatted SQL. It must build only what
changed and what depends on it, lint only the changed SQL, and fail the gates on the two bad
models.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _project_copy import copy_project, dbt_env
from conftest import SUITE_DBT_VARS, Warehouse

pytestmark = pytest.mark.slow

UNDOCUMENTED = "model.ml_data_pipeline.zz_undocumented"
KEYLESS = "model.ml_data_pipeline.zz_keyless"
KEYLESS_YML = """\
models:
  - name: zz_keyless
    description: One row per other thing, for the gate test.
    columns:
      - name: other_id
        description: Id of the other thing.
        data_tests: [not_null]
      - name: amount
        description: An amount.
        data_tests: [not_null]
"""


@dataclass(frozen=True)
class PullRequestRun:
    result: subprocess.CompletedProcess[str]
    manifest: dict[str, Any]  # the state: main's manifest
    touched: str
    scratch: Path


def descendants(manifest: dict[str, Any], unique_id: str) -> set[str]:
    seen: set[str] = set()
    stack = [unique_id]
    while stack:
        for child in manifest["child_map"].get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(project), "-c", "user.email=ci@example.org", "-c", "user.name=ci", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def pr_run(
    built_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PullRequestRun]:
    if shutil.which("git") is None:
        pytest.skip("git not found")
    root = tmp_path_factory.mktemp("pull_request")
    project = copy_project(root / "project")
    # The state's warehouse; ci_local never writes it.
    database = built_warehouse.copy_to(root / "warehouse").database
    # The state: main's manifest, as `make run` saves it after its build. The suite build is
    # that build, of the same files (the copy is untouched so far).
    state = root / "state"
    state.mkdir()
    shutil.copy2(built_warehouse.target_path / "manifest.json", state / "manifest.json")
    manifest = json.loads((state / "manifest.json").read_text())
    models = sorted(
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and node["package_name"] == "ml_data_pipeline"
        and node["language"] == "sql"
        and node["config"]["materialized"] not in ("ephemeral", "incremental")
    )
    if not models:
        pytest.skip("the project has no SQL models yet")
    # Prefer a model with a child model, so that the `+` of state:modified+ is exercised.
    touched = next(
        (m for m in models if any(c.startswith("model.") for c in manifest["child_map"][m])),
        models[0],
    )
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "main")
    git(project, "checkout", "-qb", "feature")
    # The pull request:
    sql_path = project / manifest["nodes"][touched]["original_file_path"]
    sql_path.write_text(sql_path.read_text().rstrip("\n") + "\n-- touched by the slim CI test\n")
    new_models = project / "models" / "gate_checks"
    new_models.mkdir()
    (new_models / "zz_undocumented.sql").write_text("select\n    1 as thing_id\n")
    (new_models / "zz_keyless.sql").write_text("select\n    1 as other_id,\n    2 as amount\n")
    (new_models / "_gate_checks__models.yml").write_text(KEYLESS_YML)
    (project / "analyses").mkdir(exist_ok=True)
    (project / "analyses" / "zz_badly_formatted.sql").write_text("SELECT a+b as c FROM tbl\n")
    result = subprocess.run(
        [
            "bash",
            "scripts/ci_local.sh",
            "--state",
            str(state),
            "--warehouse",
            str(database),
            "--base",
            "main",
            "--vars",
            SUITE_DBT_VARS,
            "--keep",
        ],
        cwd=project,
        env=dbt_env(project, database),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    found = re.search(r"ci_local: scratch folder (\S+)", result.stdout)
    assert found, result.stdout[-3000:] + result.stderr[-3000:]
    scratch = Path(found.group(1))
    yield PullRequestRun(result, manifest, touched, scratch)
    shutil.rmtree(scratch, ignore_errors=True)


def section(output: str, prefix: str) -> str:
    """The lines of one step or gate, from `== <prefix>` to its passed/FAILED line."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f"== {prefix}")), None)
    assert start is not None, f"no {prefix!r} in:\n{output[-3000:]}"
    for end in range(start + 1, len(lines)):
        if lines[end].startswith("== ") and lines[end].endswith((": passed", ": FAILED")):
            return "\n".join(lines[start : end + 1])
    return "\n".join(lines[start:])


def test_pull_request_fails_the_gates(pr_run: PullRequestRun) -> None:
    assert pr_run.result.returncode == 1, pr_run.result.stdout[-3000:]
    assert "step(s) failed" in pr_run.result.stdout


def test_slim_build_builds_only_what_changed_and_its_descendants(pr_run: PullRequestRun) -> None:
    step = section(pr_run.result.stdout, "ci: slim build")
    assert step.endswith(": passed"), step[-4000:]
    built = set(re.findall(r"OK created sql \w+ model (\w+)\.(\w+)", step))
    built_names = {name for _, name in built}
    allowed = {pr_run.touched, UNDOCUMENTED, KEYLESS} | descendants(pr_run.manifest, pr_run.touched)
    allowed_names = {unique_id.split(".")[-1] for unique_id in allowed}
    assert pr_run.touched.split(".")[-1] in built_names, step[-3000:]
    assert {"zz_undocumented", "zz_keyless"} <= built_names
    assert built_names <= allowed_names, (
        f"built outside state:modified+: {built_names - allowed_names}"
    )
    untouched = {
        node["name"]
        for unique_id, node in pr_run.manifest["nodes"].items()
        if node["resource_type"] == "model" and unique_id not in allowed
    }
    assert untouched, "every model depends on the touched one: choose another"
    assert not (built_names & untouched)


def test_only_the_changed_sql_is_linted(pr_run: PullRequestRun) -> None:
    step = section(pr_run.result.stdout, "ci: lint changed SQL")
    assert step.endswith(": FAILED"), step[-3000:]
    assert "analyses/zz_badly_formatted.sql" in step
    assert pr_run.manifest["nodes"][pr_run.touched]["original_file_path"] in step
    assert "models/gate_checks/zz_undocumented.sql" in step
    listed = re.findall(r"^  (\S+\.sql)$", step, flags=re.MULTILINE)
    assert len(listed) == 4, listed  # touched model, two new models, the analysis


def test_undocumented_model_fails_the_docs_gate(pr_run: PullRequestRun) -> None:
    gate = section(pr_run.result.stdout, "gate: every item documented")
    assert f"{UNDOCUMENTED}: model without description" in gate
    assert f"{UNDOCUMENTED}: column not documented: thing_id" in gate
    assert KEYLESS not in gate  # it is documented
    assert gate.endswith(": FAILED")


def test_model_without_a_primary_key_test_fails_dbt_score(pr_run: PullRequestRun) -> None:
    gate = section(pr_run.result.stdout, "gate: dbt-score")
    assert gate.endswith(": FAILED")
    output = gate + pr_run.result.stderr
    for name in ("zz_keyless", "zz_undocumented"):
        block = next((b for b in output.split("\n\n") if f"Model: {name}" in b), "")
        assert "model_has_primary_key_test" in block, f"{name}:\n{output[-3000:]}"
        assert "score: 0.0" in block, block  # CRITICAL rule: the model scores 0
