"""Column classification (``meta.pii``) checks over dbt's manifest.json.

Every column of every source, model, seed and snapshot carries ``meta: {pii: LEVEL}`` in its
yml (or ``config: {meta: {pii: LEVEL}}``): ``direct`` identifies a person on its own (email,
name, IP address, free text that may hold them), ``pseudonymous`` is an internal id that
links to a person (user_id, customer_id, transaction_id, session ids), ``none`` is anything
else. Direct identifiers stop at staging: no model in ``features`` or ``marts`` has a
``direct`` column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

LEVELS = ("direct", "pseudonymous", "none")
CLASSIFIED_RESOURCES = ("model", "seed", "snapshot", "source")
PROTECTED_LAYERS = ("features", "marts")


def column_level(column: dict[str, Any]) -> object:
    """The column's pii level from ``meta`` or ``config.meta`` (None when absent)."""
    meta = column.get("meta") or {}
    config_meta = (column.get("config") or {}).get("meta") or {}
    return meta.get("pii", config_meta.get("pii"))


def _nodes(manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") in CLASSIFIED_RESOURCES and node.get("package_name") == (
            manifest.get("metadata", {}).get("project_name")
        ):
            yield node
    yield from manifest.get("sources", {}).values()


def _relation(node: dict[str, Any]) -> tuple[str, str]:
    name = node.get("alias") or node.get("identifier") or node["name"]
    return str(node.get("schema", "")).lower(), str(name).lower()


def unclassified(
    manifest: dict[str, Any], warehouse_columns: dict[tuple[str, str], Iterable[str]] | None = None
) -> list[str]:
    """``unique_id.column`` of every column without a valid level. With
    ``warehouse_columns`` ((schema, relation) -> column names as built), columns the yml
    does not declare at all count as unclassified too."""
    missing: list[str] = []
    for node in _nodes(manifest):
        declared = {name.lower(): column for name, column in node.get("columns", {}).items()}
        for name, column in declared.items():
            if column_level(column) not in LEVELS:
                missing.append(f"{node['unique_id']}.{name}")
        if warehouse_columns is not None:
            built = warehouse_columns.get(_relation(node), ())
            missing.extend(
                f"{node['unique_id']}.{name.lower()} (not declared in yml)"
                for name in built
                if name.lower() not in declared
            )
    return sorted(missing)


def direct_in_protected_layers(manifest: dict[str, Any]) -> list[str]:
    """``unique_id.column`` of every ``direct`` column of a model under features/ or marts/."""
    found: list[str] = []
    for node in _nodes(manifest):
        if node.get("resource_type") != "model":
            continue
        path = str(node.get("original_file_path", "")).replace("\\", "/").split("/")
        # models/<layer>/...: the folder right under models/
        if len(path) < 3 or path[1] not in PROTECTED_LAYERS:
            continue
        found.extend(
            f"{node['unique_id']}.{name}"
            for name, column in node.get("columns", {}).items()
            if column_level(column) == "direct"
        )
    return sorted(found)
