"""Dagster definitions for ml_data_pipeline (example; Dagster is not a dependency here).

Load with `dagster dev -f deploy/dagster/definitions.py`; `make check-schedulers` validates
it with the real Dagster (pins in deploy/requirements-dagster.txt, in a venv of its own) and
executes the job on small generated data. Each op calls deploy/run_pipeline.sh,
so Dagster shares the single-writer lock with cron and manual runs. To keep one writer inside
Dagster too, limit runs tagged `duckdb_writer` to one at a time in dagster.yaml:

    run_queue:
      max_concurrent_runs: 10
      tag_concurrency_limits:
        - key: duckdb_writer
          limit: 1

No `from __future__ import annotations` here: Dagster inspects the type of each op's
`context` parameter at definition time, and a string annotation is refused
(DagsterInvalidDefinitionError: Cannot annotate 'context' parameter with type ...).
"""

import os
import subprocess

from dagster import (
    Definitions,
    Failure,
    In,
    Nothing,
    OpExecutionContext,
    ScheduleDefinition,
    job,
    op,
)

PROJECT_DIR = os.environ.get("ML_DATA_PIPELINE_DIR", "/opt/ml_data_pipeline")
WRAPPER = os.path.join(PROJECT_DIR, "deploy", "run_pipeline.sh")


def _run(context: OpExecutionContext, *command: str) -> None:
    env = {**os.environ, "PIPELINE_DIR": PROJECT_DIR, "PIPELINE_LOCK_WAIT": "900"}
    result = subprocess.run([WRAPPER, *command], env=env, capture_output=True, text=True)
    context.log.info(result.stdout + result.stderr)
    if result.returncode != 0:
        raise Failure(f"{' '.join(command)} exited {result.returncode}: {result.stderr}")


@op
def ingest_load(context: OpExecutionContext) -> None:
    _run(context, "make", "load")


@op(ins={"after": In(Nothing)})
def dbt_source_freshness(context: OpExecutionContext) -> None:
    _run(context, ".venv/bin/dbt", "source", "freshness")


@op(ins={"after": In(Nothing)})
def dbt_build(context: OpExecutionContext) -> None:
    _run(context, "make", "build")


@op(ins={"after": In(Nothing)})
def dbt_docs_generate(context: OpExecutionContext) -> None:
    _run(context, "make", "docs-generate")


@job(tags={"duckdb_writer": "warehouse"})
def ml_data_pipeline() -> None:
    dbt_docs_generate(after=dbt_build(after=dbt_source_freshness(after=ingest_load())))


defs = Definitions(
    jobs=[ml_data_pipeline],
    schedules=[ScheduleDefinition(job=ml_data_pipeline, cron_schedule="5 * * * *")],
)
