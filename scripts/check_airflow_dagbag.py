"""Load a DAG folder in Airflow's DagBag and fail on import errors or deprecation warnings.

Run with the Python of the Airflow venv (`make check-schedulers`):
    .schedulers/airflow/bin/python scripts/check_airflow_dagbag.py deploy/airflow/dags
Prints one line per DAG (``<dag_id>: <n> tasks``); exit 1 with the errors otherwise.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path


def main(folder: str) -> int:
    from airflow.dag_processing.dagbag import DagBag

    dags = Path(folder).resolve()
    # Only what loading the DAG files triggers (Airflow's own imports are done above).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bag = DagBag(dag_folder=str(dags))
    problems = [f"import error in {path}: {error}" for path, error in bag.import_errors.items()]
    problems += [
        f"{Path(w.filename).name}:{w.lineno}: {w.category.__name__}: {w.message}"
        for w in caught
        if issubclass(w.category, DeprecationWarning | PendingDeprecationWarning)
        or "deprecat" in str(w.message).lower()
    ]
    if not bag.dags:
        problems.append(f"no DAG found in {dags}")
    for problem in problems:
        print(problem, file=sys.stderr)
    for dag_id, dag in sorted(bag.dags.items()):
        print(f"{dag_id}: {len(dag.tasks)} tasks")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
