{#
    The select-list items giving each of `columns` as trimmed text, null when blank
    (blank_to_null), named `<column>_text`: the input of the parsing macros.
#}
{% macro trimmed_text_columns(columns, relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {%- for column in columns %}
        {{ blank_to_null(prefix ~ adapter.quote(column)) }} as {{ column }}_text
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
