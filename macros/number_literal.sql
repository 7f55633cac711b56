{#
    A number from configuration (a dbt var such as a score weight) as a SQL literal cast to
    `data_type`. Anything that is not a number (a string, a list, a boolean) stops the
    compilation, so configuration can never change the statement.
#}
{% macro number_literal(value, data_type='decimal(18, 6)') -%}
    {%- if value is boolean or value is not number -%}
        {{ exceptions.raise_compiler_error(
            "expected a number in the configuration, got " ~ (value | string)) }}
    {%- endif -%}
    cast({{ value | string }} as {{ data_type }})
{%- endmacro %}
