"""Column test coverage where a model contract counts as a test of its typed columns.

dbt-coverage counts a column as tested when a data test names it. A model with an enforced
contract (`contract: {enforced: true}`, a `data_type` per column) has every column's type
checked by dbt at build time, which replaced the `expect_column_values_to_be_of_type` tests
on those models: such a column counts as tested too.

    .venv/bin/python scripts/contract_test_coverage.py \
        --report target/coverage_test.json --manifest target/manifest.json --fail-under 0.9

Reads the report `dbt-coverage compute test --cov-report` wrote. Exit codes: 0 = coverage at
least --fail-under; 1 = below; 2 = artifacts missing or unreadable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


class CoverageError(Exception):
    """The coverage report or the manifest could not be read."""


def _load(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CoverageError(f"cannot read {path}: {exc}") from exc


def contracted_columns(manifest: dict[str, Any]) -> dict[str, set[str]]:
    """`schema.relation` -> lower-case columns typed by an enforced model contract."""
    typed: dict[str, set[str]] = {}
    for node in manifest.get("nodes", {}).values():
        config = node.get("config") or {}
        if node.get("resource_type") != "model":
            continue
        if not (config.get("contract") or {}).get("enforced"):
            continue
        relation = f"{node['schema']}.{node.get('alias') or node['name']}".lower()
        typed[relation] = {
            name.lower()
            for name, column in (node.get("columns") or {}).items()
            if column.get("data_type")
        }
    return typed


def coverage(report: dict[str, Any], typed: dict[str, set[str]]) -> tuple[int, int]:
    """(covered, total) columns: tested by a data test or typed by an enforced contract."""
    covered = total = 0
    for table in report.get("tables", []):
        contract = typed.get(str(table["name"]).lower(), set())
        for column in table.get("columns", []):
            total += 1
            if column.get("covered") or str(column["name"]).lower() in contract:
                covered += 1
    return covered, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--fail-under", type=float, required=True)
    args = parser.parse_args(argv)
    try:
        report = _load(args.report)
        typed = contracted_columns(_load(args.manifest))
    except CoverageError as exc:
        print(f"contract_test_coverage: {exc}", file=sys.stderr)
        return 2
    covered, total = coverage(report, typed)
    ratio = covered / total if total else 1.0
    print(
        f"column test coverage (contracts count): {covered}/{total} = {ratio:.3f} "
        f"(data tests alone: {report.get('covered', 0)}/{report.get('total', 0)})"
    )
    if ratio < args.fail_under:
        print(f"contract_test_coverage: {ratio:.3f} is under {args.fail_under}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
