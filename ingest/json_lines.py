"""The rules of one JSON Lines line, shared by the file loader (``ingest.readers``) and the
Kafka stream (``ingest.stream.land``), so a line and a message holding the same text get the
same verdict: blank, malformed JSON, not an object, a key given twice, or valid.

Both are SQL fragments: the rules run in DuckDB over a relation of lines, never in a Python
loop over rows.
"""

from __future__ import annotations

from ingest.sql import quote_literal


def classified_json_lines(
    source: str, *, duplicate_keys: bool, empty: str = "empty line", rules: str = ""
) -> str:
    """CTEs ending in ``classified``: every column of ``source`` (a relation with a ``line``),
    then ``keys`` (a JSON object's keys) and ``problem`` (null for a valid object).

    The rules of a JSON Lines line, shared by the file loader and the Kafka stream: blank
    (``empty``), not JSON, not an object, a key twice (``duplicate_key``, when
    ``duplicate_keys``), then the caller's further ``rules`` (``when ... then ...``).
    Cheap checks first: validity (one parse), then the keys of the valid lines that are
    objects (a valid line starting with ``{`` is one; any other is asked its type). Blank
    lines are told apart from malformed ones among the invalid lines only.
    """
    duplicate_check = (
        # DuckDB keeps the first value of a repeated key: never pick one silently.
        "when len(keys) <> list_unique(keys) then 'duplicate_key'" if duplicate_keys else ""
    )
    return f"""checked as (
            select *, coalesce(json_valid(line), false) as is_json,
            from {source}
        ),
        keyed as (
            select
                * exclude (is_json),
                is_json,
                case
                    when is_json and (starts_with(line, '{{') or json_type(line) = 'OBJECT')
                        then json_keys(line)
                end as keys,
            from checked
        ),
        classified as (
            select
                * exclude (is_json),
                case
                    when not is_json and (line is null or trim(line) = '')
                        then {quote_literal(empty)}
                    when not is_json then 'malformed JSON'
                    when keys is null then 'not a JSON object'
                    {duplicate_check}
                    {rules}
                end as problem,
            from keyed
        )"""


def json_path(key: str) -> str:
    """The JSONPath of a top-level ``key`` (quoted: any key name is safe)."""
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
