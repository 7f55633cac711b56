{#
    `value` (text from configuration: a column name, a category, a type name) as a SQL string
    literal with its single quotes doubled, so a value can never change the statement.
#}
{% macro sql_string_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}
