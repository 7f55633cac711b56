{#
    A stable surrogate key of a raw row: the hash of its _source_file and _row_number, which
    together identify one physical line of one landed file.
#}
{% macro surrogate_key_of_row(source_file='_source_file', row_number='_row_number') -%}
    {{ dbt.hash(dbt.concat([
        source_file,
        "'|'",
        dbt.safe_cast(row_number, api.Column.translate_type('string')),
    ])) }}
{%- endmacro %}
