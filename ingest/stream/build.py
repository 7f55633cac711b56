"""Build the event-dependent dbt models in-process, with the parse kept warm.

One ``dbt parse`` when the streamer starts; every batch then runs ``dbt run`` through
``dbtRunner`` handed that manifest, so a batch pays neither the imports (~4.5 s per CLI
call) nor the parse. The models a batch runs are read from the manifest, not listed here:
every table or incremental model that depends (directly or not) on the raw events source
and that ``features.user_event_features``, ``marts.user_value_segments`` or
``marts.user_engagement_predictions`` needs, plus those three. Views on that path (staging)
need no run: they read raw.events as it is.

The first build after start runs every ancestor of the three (seeds and views too, so a new
warehouse works) and the stream metrics view; it also catches up on rows a previous
streamer landed but was killed before building.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from ingest.stream.errors import StreamError

TARGET_MODELS = ("user_event_features", "user_value_segments", "user_engagement_predictions")
METRICS_MODELS = ("stg_stream_batches", "stream_metrics")
EVENTS_SOURCE = ("raw", "events")
_RUNNABLE = {"table", "incremental"}


def project_dir() -> Path:
    """The dbt project: $DBT_PROJECT_DIR, else the folder holding this package's repo."""
    configured = os.environ.get("DBT_PROJECT_DIR")
    folder = Path(configured) if configured else Path(__file__).resolve().parents[2]
    if not (folder / "dbt_project.yml").is_file():
        raise StreamError(f"no dbt project in {folder} (set DBT_PROJECT_DIR)")
    return folder


@dataclass
class BuildResult:
    status: str
    seconds: float
    model_seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None


@dataclass
class WarmBuilder:
    """Parses once, then builds the event models per batch against ``database``."""

    database: Path
    target_path: Path | None = None
    parse_seconds: float = 0.0
    batch_models: list[str] = field(default_factory=list)
    _manifest: object | None = None
    _built_once: bool = False

    def _args(self) -> list[str]:
        project = project_dir()
        configured = os.environ.get("DBT_TARGET_PATH")
        target = self.target_path or (Path(configured) if configured else None)
        target = target or project / "target" / "stream"
        return [
            "--project-dir",
            str(project),
            "--profiles-dir",
            os.environ.get("DBT_PROFILES_DIR", str(project)),
            "--target-path",
            str(target),
            "--quiet",
        ]

    def parse(self) -> None:
        """Import dbt and parse the project (once; the streamer's start-up cost)."""
        os.environ["DUCKDB_PATH"] = str(self.database)
        os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        started = time.perf_counter()
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke(["parse", *self._args()])
        if not result.success or result.result is None:
            raise StreamError(f"dbt parse failed: {_one_line(result.exception)}")
        self._manifest = result.result
        self.batch_models = batch_models(self._manifest)
        self.parse_seconds = time.perf_counter() - started

    def build(self) -> BuildResult:
        """Run the batch models (the first time: everything they need as well)."""
        from dbt.cli.main import dbtRunner

        if self._manifest is None:
            self.parse()
        if self._built_once:
            # No manifest.json / run_results.json per batch: writing the manifest of the
            # whole project is a fixed cost of every run, and nothing reads them.
            command = ["run", "--no-write-json", "--select", " ".join(self.batch_models)]
        else:
            selection = " ".join(f"+{name}" for name in (*TARGET_MODELS, *METRICS_MODELS))
            command = [
                "build",
                "--select",
                selection,
                "--resource-type",
                "model",
                "--resource-type",
                "seed",
            ]
        started = time.perf_counter()
        try:
            result = dbtRunner(manifest=self._manifest).invoke([*command, *self._args()])  # type: ignore[arg-type]
        finally:
            release_warehouse()
        seconds = time.perf_counter() - started
        timings: dict[str, float] = {}
        errors: list[str] = []
        for node_result in getattr(result.result, "results", None) or []:
            node = node_result.node
            timings[node.name] = round(float(node_result.execution_time or 0.0), 3)
            if str(node_result.status) in {"error", "fail", "skipped"} and node_result.message:
                errors.append(f"{node.name}: {_one_line(node_result.message)}")
        if result.success:
            self._built_once = True
            return BuildResult("success", seconds, timings)
        error = errors[0] if errors else _one_line(result.exception)
        return BuildResult("error", seconds, timings, error)


def release_warehouse() -> None:
    """Close the DuckDB database that dbt-duckdb keeps open after an invocation.

    dbt-duckdb (``keep_open``, true by default) holds the file for the life of the process,
    which would keep every other process out between batches. Its connection manager keeps
    one environment per process; closing it lets the next invocation open the file anew.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager._ENV = None


def batch_models(manifest: object) -> list[str]:
    """Names of the table/incremental models between raw.events and the target models."""
    nodes = manifest.nodes  # type: ignore[attr-defined]
    sources = manifest.sources  # type: ignore[attr-defined]
    source_ids = {
        unique_id
        for unique_id, source in sources.items()
        if (source.source_name, source.name) == EVENTS_SOURCE
    }
    by_name = {
        node.name: unique_id for unique_id, node in nodes.items() if node.resource_type == "model"
    }
    missing = [name for name in TARGET_MODELS if name not in by_name]
    if missing:
        raise StreamError(f"the dbt project has no model named {', '.join(missing)}")
    ancestors: set[str] = set()
    pending = [by_name[name] for name in TARGET_MODELS]
    while pending:
        unique_id = pending.pop()
        if unique_id in ancestors:
            continue
        ancestors.add(unique_id)
        node = nodes.get(unique_id)
        if node is not None:
            pending.extend(getattr(node.depends_on, "nodes", []))
    memo: dict[str, bool] = {}

    def reads_events(unique_id: str) -> bool:
        if unique_id in source_ids:
            return True
        if unique_id not in memo:
            memo[unique_id] = False
            node = nodes.get(unique_id)
            memo[unique_id] = node is not None and any(
                reads_events(parent) for parent in getattr(node.depends_on, "nodes", [])
            )
        return memo[unique_id]

    return sorted(
        nodes[unique_id].name
        for unique_id in ancestors
        if unique_id in nodes
        and nodes[unique_id].resource_type == "model"
        and nodes[unique_id].config.materialized in _RUNNABLE
        and reads_events(unique_id)
    )


def _one_line(error: object) -> str:
    """The telling line of a dbt error: the database's own message if there is one."""
    text = str(error or "unknown error").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[1:]:
        if re.match(r"^[A-Za-z ]+ Error: ", line):
            return line
    return lines[0] if lines else text
