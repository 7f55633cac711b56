"""List every undocumented node, column, macro and custom test of the project; fail if any.

Reads <target>/manifest.json and, when present, <target>/catalog.json (written by
`dbt docs generate`). With the catalog, every column that exists in the warehouse must be
described in yml, and every described column must exist (stale docs are reported too).

    .venv/bin/python scripts/check_docs.py --target-dir target

Exit codes: 0 = everything documented; 1 = something is not; 2 = artifacts missing/unreadable.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHECKED_NODE_TYPES = ("model", "seed", "snapshot")
# adapter.dispatch implementations (`duckdb__foo`, `default__foo`, ...) are documented by the
# macro that dispatches to them.
DISPATCH_IMPLEMENTATION = re.compile(r"^[a-z0-9]+__\w+$")


class CheckDocsError(Exception):
    """The dbt artifacts could not be read."""


@dataclass(frozen=True)
class Problem:
    """One missing piece of documentation."""

    unique_id: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.unique_id}: {self.kind}: {self.detail}"


def _load(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CheckDocsError(f"cannot read {path}: {exc}") from exc


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _column_problems(
    unique_id: str, declared: dict[str, Any], catalog_entry: dict[str, Any] | None
) -> list[Problem]:
    problems = []
    described = {
        name.lower(): column
        for name, column in declared.items()
        if not _blank(column.get("description"))
    }
    for name, column in declared.items():
        if _blank(column.get("description")):
            problems.append(Problem(unique_id, "column without description", name))
    if catalog_entry is not None:
        actual = {name.lower(): name for name in catalog_entry.get("columns", {})}
        declared_lower = {name.lower() for name in declared}
        for lower, name in sorted(actual.items()):
            if lower not in declared_lower and lower not in described:
                problems.append(Problem(unique_id, "column not documented", name))
        for name in sorted(declared):
            if name.lower() not in actual:
                problems.append(
                    Problem(unique_id, "documented column missing from the warehouse", name)
                )
    return problems


def find_problems(manifest: dict[str, Any], catalog: dict[str, Any] | None) -> list[Problem]:
    """Every undocumented item of the manifest's own project."""
    project = manifest["metadata"]["project_name"]
    problems: list[Problem] = []
    catalog_nodes = (catalog or {}).get("nodes", {})
    catalog_sources = (catalog or {}).get("sources", {})

    for unique_id, node in sorted(manifest.get("nodes", {}).items()):
        if node.get("package_name") != project:
            continue
        resource_type = node.get("resource_type")
        if resource_type in CHECKED_NODE_TYPES:
            if _blank(node.get("description")):
                problems.append(Problem(unique_id, f"{resource_type} without description", ""))
            entry = None
            if catalog is not None and node.get("config", {}).get("materialized") != "ephemeral":
                entry = catalog_nodes.get(unique_id)
                if entry is None and node.get("config", {}).get("enabled", True):
                    problems.append(Problem(unique_id, "not in the catalog (not built?)", ""))
            problems.extend(_column_problems(unique_id, node.get("columns", {}), entry))
        elif (
            resource_type == "test"
            and not node.get("test_metadata")
            and _blank(node.get("description"))
        ):
            # A singular data test (tests/*.sql): describe it in a `data_tests:` yml entry.
            problems.append(Problem(unique_id, "singular test without description", ""))

    for unique_id, source in sorted(manifest.get("sources", {}).items()):
        if source.get("package_name") != project:
            continue
        if _blank(source.get("source_description")):
            problems.append(Problem(unique_id, "source without description", ""))
        if _blank(source.get("description")):
            problems.append(Problem(unique_id, "source table without description", ""))
        entry = catalog_sources.get(unique_id) if catalog is not None else None
        if catalog is not None and entry is None:
            problems.append(Problem(unique_id, "source table not in the warehouse", ""))
        problems.extend(_column_problems(unique_id, source.get("columns", {}), entry))

    for unique_id, macro in sorted(manifest.get("macros", {}).items()):
        if macro.get("package_name") != project:
            continue
        name = macro.get("name", "")
        if DISPATCH_IMPLEMENTATION.match(name) and not name.startswith("test_"):
            continue
        kind = "custom generic test" if name.startswith("test_") else "macro"
        if _blank(macro.get("description")):
            problems.append(Problem(unique_id, f"{kind} without description", ""))
        for argument in macro.get("arguments", []):
            if _blank(argument.get("description")):
                problems.append(
                    Problem(unique_id, f"{kind} argument without description", argument["name"])
                )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-dir", type=Path, default=Path("target"))
    parser.add_argument(
        "--no-catalog",
        action="store_true",
        help="check the manifest only (columns that exist only in the warehouse are missed)",
    )
    parser.add_argument("--json", action="store_true", help="print the problems as JSON")
    args = parser.parse_args(argv)
    try:
        manifest = _load(args.target_dir / "manifest.json")
        catalog_path = args.target_dir / "catalog.json"
        catalog = None
        if not args.no_catalog:
            if not catalog_path.exists():
                raise CheckDocsError(f"{catalog_path} not found: run `dbt docs generate` first")
            catalog = _load(catalog_path)
    except CheckDocsError as exc:
        print(f"check_docs: {exc}", file=sys.stderr)
        return 2
    problems = find_problems(manifest, catalog)
    if args.json:
        print(json.dumps([problem.__dict__ for problem in problems], indent=2))
    elif problems:
        print(f"check_docs: {len(problems)} undocumented item(s):")
        for problem in problems:
            print(f"  {problem}")
    else:
        print(
            "check_docs: every source, model, column, seed, snapshot, macro and test is documented"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
