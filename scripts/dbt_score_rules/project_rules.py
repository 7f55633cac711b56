"""dbt-score rules for this project: every model has a tested key and states its grain.

A model without a primary-key test scores 0 (CRITICAL), so `--fail-any-item-under` fails the
gate however good the rest of its metadata is.
"""

import re
from typing import Any

from dbt_score import Macro, Model, RuleViolation, Severity, rule, rule_filter

# adapter.dispatch implementations (`duckdb__foo`, `default__foo`): the dispatching macro
# carries the documentation.
_DISPATCH_IMPLEMENTATION = re.compile(r"^[a-z0-9]+__\w+$")
_IDENTIFIER = re.compile(r'^[`"]?[A-Za-z_][A-Za-z0-9_]*[`"]?$')
# kwargs that hold the column list of a compound-key uniqueness test
# (dbt_utils-style unique_combination_of_columns, or this project's own generic tests).
_COMBINATION_KWARGS = (
    "combination_of_columns",
    "column_list",
    "columns",
    "column_names",
    "key_columns",
)


def _column_key(name: str) -> str:
    return name.strip('`"').lower()


def _at_least_one(value: Any) -> bool:
    """`mostly` is 1 (or absent); a templated value that is not a number counts as not 1."""
    try:
        return float(1.0 if value is None else value) >= 1.0
    except (TypeError, ValueError):
        return False


def primary_key_evidence(test_nodes: list[dict[str, Any]]) -> str | None:
    """Say which tests make a primary key, or None.

    A key is either one column with both a `unique` and a `not_null` test, or one uniqueness
    test over several columns: a `unique` test on an expression (`a || '-' || b`) or a
    generic test whose name contains `unique` and that takes a list of columns.
    """
    unique_columns: set[str] = set()
    not_null_columns: set[str] = set()
    for node in test_nodes:
        metadata = node.get("test_metadata") or {}
        test_name = str(metadata.get("name", ""))
        kwargs = metadata.get("kwargs") or {}
        column = kwargs.get("column_name")
        # A test that tolerates some duplicates (`mostly` < 1) does not make a key.
        strict = _at_least_one(kwargs.get("mostly", 1.0))
        if "unique" in test_name and strict:
            for key in _COMBINATION_KWARGS:
                value = kwargs.get(key)
                if isinstance(value, list) and value:
                    return f"{test_name}({', '.join(map(str, value))})"
        if not isinstance(column, str) or not column:
            continue
        if test_name == "unique" and not _IDENTIFIER.match(column.strip()):
            return f"unique({column})"
        if test_name == "unique":
            unique_columns.add(_column_key(column))
        elif test_name == "not_null":
            not_null_columns.add(_column_key(column))
    both = sorted(unique_columns & not_null_columns)
    return f"unique + not_null({both[0]})" if both else None


@rule_filter
def is_built(model: Model) -> bool:
    """Models that exist in the warehouse (ephemeral ones cannot be tested)."""
    return model.config.get("materialized") != "ephemeral"


@rule_filter
def is_not_dispatch_implementation(macro: Macro) -> bool:
    """Macros other than adapter.dispatch implementations (`duckdb__foo`, `default__foo`)."""
    return not _DISPATCH_IMPLEMENTATION.match(macro.name)


@rule(severity=Severity.CRITICAL, rule_filters={is_built()})
def model_has_primary_key_test(model: Model) -> RuleViolation | None:
    """A model has a primary-key test: unique + not_null on a column, or a compound unique."""
    if primary_key_evidence(model._raw_test_values) is None:
        return RuleViolation(
            message="No primary-key test (unique + not_null on a column, or a compound unique)."
        )
    return None


@rule(severity=Severity.MEDIUM)
def description_states_grain(model: Model) -> RuleViolation | None:
    """A model's description states its grain ("One row per ...")."""
    if not re.search(r"\bone row per\b", model.description or "", re.IGNORECASE):
        return RuleViolation(message='Description does not state the grain ("One row per").')
    return None


# The model layers: the folder under models/ a model lives in, and the prefix its name
# carries. staging and intermediate models are steps (stg_<source>..., int_<what>...);
# features (ML-ready tables at a stated grain) and marts (what people and services read)
# are named for what they hold, so they carry neither step prefix.
LAYER_PREFIXES: dict[str, str] = {
    "staging": "stg_",
    "intermediate": "int_",
    "features": "",
    "marts": "",
}
_STEP_PREFIXES = tuple(prefix for prefix in LAYER_PREFIXES.values() if prefix)


def layer_naming_problem(original_file_path: str, name: str) -> str | None:
    """Say why a model's folder or name breaks the layer rules, or None."""
    parts = original_file_path.replace("\\", "/").split("/")
    layer = parts[1] if len(parts) > 2 and parts[0] == "models" else None
    if layer not in LAYER_PREFIXES:
        known = ", ".join(f"models/{folder}/" for folder in LAYER_PREFIXES)
        return f"{original_file_path} is in no layer ({known})."
    prefix = LAYER_PREFIXES[layer]
    if prefix and not name.startswith(prefix):
        return f"A {layer} model is named {prefix}<...>, not {name}."
    if not prefix and name.startswith(_STEP_PREFIXES):
        return f"A {layer} model is named for what it holds, without a step prefix: {name}."
    return None


@rule(severity=Severity.HIGH)
def model_is_named_for_its_layer(model: Model) -> RuleViolation | None:
    """A model lives in a layer (staging, intermediate, features, marts) and is named for it."""
    problem = layer_naming_problem(model.original_file_path, model.name)
    return RuleViolation(message=problem) if problem else None
