{#
    The select-list items that carry a raw row into a `__validated` model: each contract
    column's text as `raw_<column>`, then `_extra` and the lineage columns (_batch_id,
    _source_file, _row_number, _loaded_at), qualified with relation_alias when given.
#}
{% macro raw_text_columns(columns, relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {%- for column in columns %}
        {{ prefix ~ adapter.quote(column) }} as raw_{{ column }},
    {%- endfor %}
        {{ prefix }}_extra,
        {{ prefix }}_batch_id,
        {{ prefix }}_source_file,
        {{ prefix }}_row_number,
        {{ prefix }}_loaded_at
{%- endmacro %}
