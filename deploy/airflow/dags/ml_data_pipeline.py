"""Airflow DAG for ml_data_pipeline (example; Airflow is not a dependency of this project).

Copy this file into Airflow's dags folder and set the `ml_data_pipeline_dir` Airflow Variable
to the checkout. Every task calls deploy/run_pipeline.sh, so Airflow and any cron entry or
person at a terminal share one lock on the DuckDB file. On top of that the DAG keeps one run
at a time (max_active_runs=1) and puts every warehouse-writing task into the `duckdb_writer`
pool, which must be created with ONE slot:

    airflow pools set duckdb_writer 1 "single writer of the DuckDB warehouse"
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

# Read when a task runs (a Jinja template: bash_command and env are templated), not each
# time the scheduler parses this file: a top-level Variable.get would query the metadata
# database on every parse.
PROJECT_DIR = "{{ var.value.get('ml_data_pipeline_dir', '/opt/ml_data_pipeline') }}"
WRAPPER = f"{PROJECT_DIR}/deploy/run_pipeline.sh"
# Wait for the lock rather than fail when a backup or a manual run is going on.
ENV = {"PIPELINE_DIR": PROJECT_DIR, "PIPELINE_LOCK_WAIT": "900"}


def wrapped_task(task_id: str, command: str) -> BashOperator:
    """A task of the DAG it is created in: `command` run through the wrapper (its lock)."""
    return BashOperator(
        task_id=task_id,
        bash_command=f"{WRAPPER} {command}",
        env=ENV,
        append_env=True,
    )


with DAG(
    dag_id="ml_data_pipeline",
    schedule="5 * * * *",
    start_date=datetime(2026, 10, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        "pool": "duckdb_writer",
        "execution_timeout": timedelta(minutes=50),
    },
    tags=["dbt", "duckdb"],
) as dag:
    load = wrapped_task("ingest_load", "make load")
    build = wrapped_task("dbt_build", "make build")
    docs = wrapped_task("dbt_docs_generate", "make docs-generate")
    freshness = wrapped_task("dbt_source_freshness", ".venv/bin/dbt source freshness")
    load >> freshness >> build >> docs
