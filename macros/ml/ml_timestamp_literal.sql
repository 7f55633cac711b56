{#
    A timestamp value from configuration (a dbt var such as as_of) as a SQL literal: quotes are
    escaped so the value can never break out of the string, and the cast fails loudly on text
    that is not a timestamp.
#}
{% macro ml_timestamp_literal(value) -%}
    cast('{{ value | string | replace("'", "''") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
