"""The settings are defined once (ingest.settings) and everything else agrees with them:
dbt's profiles.yml (rendered by dbt itself), the CLIs, the Makefile and the shell scripts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from ingest.errors import SettingsError
from ingest.settings import (
    DATABASE_ENV,
    DEFAULT_DATABASE,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_THREADS,
    MEMORY_LIMIT_ENV,
    THREADS_ENV,
    Settings,
    resolve,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
SETTING_VARS = (DATABASE_ENV, MEMORY_LIMIT_ENV, THREADS_ENV, "DQ_ALERT_WEBHOOK_URL")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The process environment without any of the settings' variables."""
    for name in SETTING_VARS:
        monkeypatch.delenv(name, raising=False)
    yield {key: value for key, value in os.environ.items() if key not in SETTING_VARS}


def render_profile(environ: Mapping[str, str]) -> tuple[str, int, str]:
    """(path, threads, memory_limit) of profiles.yml's default target, rendered by dbt."""
    profile = dbt_profile(environ)
    credentials = profile.credentials
    return credentials.path, profile.threads, credentials.settings["memory_limit"]


def dbt_profile(environ: Mapping[str, str]):
    """profiles.yml's default target as dbt renders it under ``environ``."""
    from argparse import Namespace

    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    set_from_args(Namespace(PROFILES_DIR=str(PROJECT_DIR)), None)
    set_invocation_context(dict(environ))
    raw = read_profile(str(PROJECT_DIR))
    return Profile.from_raw_profiles(raw, "ml_data_pipeline", ProfileRenderer({}))


def as_profile(settings: Settings) -> tuple[str, int, str]:
    return str(settings.database), settings.threads, settings.memory_limit


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {DATABASE_ENV: "elsewhere/wh.duckdb", MEMORY_LIMIT_ENV: "3GB", THREADS_ENV: "5"},
        {DATABASE_ENV: "", MEMORY_LIMIT_ENV: " ", THREADS_ENV: ""},
    ],
    ids=["defaults", "overridden", "set-but-empty"],
)
def test_profiles_yml_agrees_with_the_settings(
    clean_env: dict[str, str], overrides: dict[str, str]
) -> None:
    environ = {**clean_env, **overrides}
    assert render_profile(environ) == as_profile(resolve(environ))


def test_defaults() -> None:
    settings = resolve({})
    assert settings == Settings(
        database=DEFAULT_DATABASE,
        memory_limit=DEFAULT_MEMORY_LIMIT,
        threads=DEFAULT_THREADS,
        alert_webhook_url=None,
    )
    assert settings.duckdb_config() == {"memory_limit": DEFAULT_MEMORY_LIMIT}
    # An empty variable counts as unset.
    assert resolve({DATABASE_ENV: "", THREADS_ENV: " "}) == settings


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (THREADS_ENV, "0", "expected a whole number >= 1"),
        (THREADS_ENV, "two", "expected a whole number >= 1"),
        (THREADS_ENV, "-1", "expected a whole number >= 1"),
        (MEMORY_LIMIT_ENV, "lots", "expected a size such as 4GB"),
        (MEMORY_LIMIT_ENV, "4", "expected a size such as 4GB"),
    ],
)
def test_a_bad_value_names_the_variable(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as raised:
        resolve({name: value})
    message = str(raised.value)
    assert message.startswith(f"environment variable {name}={value!r}: {expected}")
    assert "\n" not in message
    assert raised.value.exit_code == 2


@pytest.mark.parametrize("value", ["4GB", "512MiB", "1.5gb", "80%", "2 GB"])
def test_memory_limits_duckdb_accepts_are_accepted(value: str) -> None:
    import duckdb

    settings = resolve({MEMORY_LIMIT_ENV: value})
    with duckdb.connect(config=settings.duckdb_config()) as con:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_the_profiles_duckdb_settings_reach_duckdb(clean_env: dict[str, str]) -> None:
    """Every DuckDB setting of the profile is one DuckDB takes; among them the allocator's
    background threads, which keep the Python models' peak down (docs/benchmarks.md,
    "The allocator's background threads")."""
    import duckdb

    from ingest.sql import quote_ident

    settings = dbt_profile(clean_env).credentials.settings
    with duckdb.connect() as con:
        for name, value in settings.items():
            # as dbt-duckdb applies them: one SET per setting on each connection
            con.execute(f"set {quote_ident(name)} = $value", {"value": value})
        shown = dict(con.execute("select name, value from duckdb_settings()").fetchall())
    assert shown["allocator_background_threads"] == "true"
    assert shown["preserve_insertion_order"] == "false"


def run_settings(*args: str, env: Mapping[str, str], python: str = sys.executable):
    return subprocess.run(
        [python, "-m", "ingest.settings", *args],
        cwd=PROJECT_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_command_prints_what_shell_scripts_read(clean_env: dict[str, str]) -> None:
    result = run_settings("database", env=clean_env)
    assert (result.returncode, result.stdout) == (0, f"{DEFAULT_DATABASE}\n")
    everything = run_settings(env={**clean_env, THREADS_ENV: "3"})
    assert "threads=3\nalert_webhook_url=\n" in everything.stdout
    bad = run_settings("database", env={**clean_env, THREADS_ENV: "x"})
    assert bad.returncode == 2 and bad.stdout == ""
    assert (
        bad.stderr
        == f"error: environment variable {THREADS_ENV}='x': expected a whole number >= 1\n"
    )


def test_makefile_takes_its_warehouse_default_from_the_settings(
    clean_env: dict[str, str],
) -> None:
    def make_dry_run(env: Mapping[str, str]) -> str:
        result = subprocess.run(
            ["make", "-n", "--no-print-directory", "alerts"],
            cwd=PROJECT_DIR,
            env=dict(env),
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    assert f"--database {DEFAULT_DATABASE}" in make_dry_run(clean_env)
    assert "--database other.duckdb" in make_dry_run({**clean_env, DATABASE_ENV: "other.duckdb"})


def test_cli_default_database_is_the_settings_one(
    clean_env: dict[str, str], tmp_path: Path
) -> None:
    """`ingest ledger` without --database opens $DUCKDB_PATH, else the settings' default."""
    env = {**clean_env, DATABASE_ENV: str(tmp_path / "absent.duckdb")}
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "ledger"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert str(tmp_path / "absent.duckdb") in result.stderr


def test_pipeline_wrapper_locks_the_settings_warehouse(
    clean_env: dict[str, str], tmp_path: Path
) -> None:
    wrapper = PROJECT_DIR / "deploy" / "run_pipeline.sh"
    env = {**clean_env, "PIPELINE_DIR": str(tmp_path)}
    env.pop("PIPELINE_LOCK", None)
    result = subprocess.run(
        ["bash", str(wrapper), "true"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / f"{DEFAULT_DATABASE}.lock").is_file()

    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = subprocess.run(
        ["bash", str(wrapper), "true"],
        env={**env, "PIPELINE_DIR": str(bad_dir), MEMORY_LIMIT_ENV: "plenty"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 64  # usage: the job never started
    assert f"environment variable {MEMORY_LIMIT_ENV}='plenty'" in bad.stderr
    assert list(bad_dir.iterdir()) == []  # no log, no lock file
