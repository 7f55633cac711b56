{#
    True on a row that passes every check of field_checks but is not the latest loaded row
    (lineage_recency_order) of its key among such rows: the `duplicate` reason of staging.
    A row failing another check never competes for the key, nor supersedes a valid row.
#}
{% macro is_superseded_duplicate(field_checks, key_columns) -%}
    {%- set is_otherwise_valid = rejection_reason_count(field_checks) ~ ' = 0' -%}
    coalesce(
        {{ is_otherwise_valid }}
        and row_number() over (
            partition by {{ is_otherwise_valid }}, {{ key_columns | join(', ') }}
            order by {{ lineage_recency_order() }}
        ) > 1,
        false
    )
{%- endmacro %}
