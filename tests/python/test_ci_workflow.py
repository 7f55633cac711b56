"""The pull-request workflow validates against GitHub's schema and runs the gates it promises."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
WORKFLOW = PROJECT_DIR / ".github" / "workflows" / "ci.yml"
PRE_COMMIT = PROJECT_DIR / ".pre-commit-config.yaml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def check_workflow(
    path: Path, schema: str = "vendor.github-workflows"
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_workflow(path: Path = WORKFLOW) -> dict[Any, Any]:
    # YAML 1.1 reads the key `on` as True; GitHub reads it as "on".
    data = yaml.safe_load(path.read_text())
    if True in data:
        data["on"] = data.pop(True)
    return data


def all_steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_workflow_passes_github_workflow_schema() -> None:
    result = check_workflow(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok" in result.stdout


def test_every_job_has_a_timeout() -> None:
    result = check_workflow(WORKFLOW, "custom.github-workflows-require-timeout")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("case", "mutate"),
    [
        ("job without runs-on", lambda wf: wf["jobs"]["test"].pop("runs-on")),
        (
            "step with both uses and run",
            lambda wf: wf["jobs"]["test"]["steps"][0].update({"run": "echo hi"}),
        ),
        ("unknown trigger", lambda wf: wf["on"].update({"pull_requests": None})),
        ("jobs missing", lambda wf: wf.pop("jobs")),
    ],
)
def test_broken_workflow_fails_the_schema(tmp_path: Path, case: str, mutate: Any) -> None:
    workflow = load_workflow()
    mutate(workflow)
    broken = tmp_path / "ci.yml"
    broken.write_text(yaml.safe_dump(workflow, sort_keys=False))
    result = check_workflow(broken)
    assert result.returncode != 0, f"{case}: schema accepted a broken workflow"
    assert "Schema validation errors" in result.stdout + result.stderr


def test_workflow_runs_on_pull_requests_and_main() -> None:
    workflow = load_workflow()
    assert "pull_request" in workflow["on"]
    assert workflow["on"]["push"]["branches"] == ["main"]


def test_workflow_sets_up_from_the_pins_then_runs_make_test() -> None:
    steps = all_steps(load_workflow())
    uses = [step.get("uses", "") for step in steps]
    runs = [step.get("run", "") for step in steps]
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11"
    assert any(u.startswith("actions/checkout") for u in uses)
    assert "make install" in runs
    assert "make test" in runs
    assert runs.index("make install") < runs.index("make test")


def test_workflow_does_slim_ci_against_main_state() -> None:
    steps = all_steps(load_workflow())
    download = next(step for step in steps if "download-artifact" in step.get("uses", ""))
    assert download["with"]["name"] == "dbt-state"
    assert download["with"]["branch"] == "main"
    assert download["with"]["workflow_conclusion"] == "success"
    assert "pull_request" in download["if"]
    slim = next(step for step in steps if "ci_local.sh" in step.get("run", ""))
    assert "--state state" in slim["run"]
    upload = next(step for step in steps if "upload-artifact" in step.get("uses", ""))
    assert upload["with"]["name"] == "dbt-state"
    assert "refs/heads/main" in upload["if"]
    collect = next(step for step in steps if "ci_state" in step.get("run", ""))
    assert "target/manifest.json" in collect["run"]
    # The slim build itself lives in the script the workflow and `make ci` share.
    script = (PROJECT_DIR / "scripts" / "ci_local.sh").read_text()
    assert "state:modified+" in script
    assert "--defer" in script


def test_pre_commit_config_has_the_promised_hooks() -> None:
    config = yaml.safe_load(PRE_COMMIT.read_text())
    hooks = {hook["id"]: repo for repo in config["repos"] for hook in repo["hooks"]}
    for repo in config["repos"]:
        assert repo["repo"].startswith("https://github.com/")
        assert repo["rev"], repo
    assert hooks["ruff-check"]["repo"].endswith("astral-sh/ruff-pre-commit")
    assert hooks["ruff-format"]["repo"].endswith("astral-sh/ruff-pre-commit")
    assert hooks["sqlfluff-lint"]["repo"].endswith("sqlfluff/sqlfluff")
    for hook_id in ("check-yaml", "end-of-file-fixer", "trailing-whitespace"):
        assert hooks[hook_id]["repo"].endswith("pre-commit/pre-commit-hooks")


def test_pre_commit_hook_versions_match_the_pins() -> None:
    config = yaml.safe_load(PRE_COMMIT.read_text())
    pins = dict(
        line.split("==", 1)
        for line in (PROJECT_DIR / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    revs = {repo["repo"].rsplit("/", 1)[1]: repo["rev"] for repo in config["repos"]}
    assert revs["ruff-pre-commit"] == "v" + pins["ruff"]
    assert revs["sqlfluff"] == pins["sqlfluff"]
    assert revs["check-jsonschema"] == pins["check-jsonschema"]
    sqlfluff_hook = next(
        hook for repo in config["repos"] for hook in repo["hooks"] if hook["id"] == "sqlfluff-lint"
    )
    for dependency in sqlfluff_hook["additional_dependencies"]:
        name, version = dependency.split("==")
        assert pins.get(name) == version, f"{dependency} differs from constraints.txt"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not found")
def test_lint_changed_sql_lints_only_changed_files(tmp_path: Path) -> None:
    """scripts/lint_changed_sql.sh lints the SQL changed since the base ref, nothing else."""
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    (repo / ".sqlfluff").write_text("[sqlfluff]\ndialect = duckdb\ntemplater = raw\n")
    clean = "select\n    1 as one\n"
    (repo / "models" / "old_bad.sql").write_text("SELECT a+b as c FROM tbl\n")
    (repo / "models" / "changed.sql").write_text(clean)
    git = ["git", "-C", str(repo), "-c", "user.email=ci@example.org", "-c", "user.name=ci"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    subprocess.run([*git, "checkout", "-qb", "feature"], check=True)
    script = PROJECT_DIR / "scripts" / "lint_changed_sql.sh"
    env_path = f"{Path(sys.executable).parent}:/usr/bin:/bin"

    def lint() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(script), "main"],
            cwd=repo,
            env={"PATH": env_path, "HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=300,
        )

    nothing = lint()  # old_bad.sql is not clean, but nobody changed it
    assert nothing.returncode == 0, nothing.stdout + nothing.stderr
    assert "no changed SQL" in nothing.stdout
    (repo / "models" / "changed.sql").write_text("SELECT a+b as c FROM tbl\n")
    dirty = lint()
    assert dirty.returncode != 0
    assert "models/changed.sql" in dirty.stdout
    assert "old_bad.sql" not in dirty.stdout


# --- make ci ------------------------------------------------------------------------


def test_ci_local_without_state_says_to_run_make_run(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(PROJECT_DIR / "scripts" / "ci_local.sh"), "--state", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "make run" in result.stderr
