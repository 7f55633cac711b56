{#
    A number from configuration (a dbt var such as a score weight) as a SQL literal cast to
    `data_type`. Anything that is not a number (a string, a list, a boolean) stops the
    compilation, so configuration can never change the statement. Checked when executing,
    not while dbt parses the project: a bad var is then reported by the on-run-start check
    (validate_project_vars), which names the var, before any node runs.
#}
{% macro number_literal(value, data_type='decimal(18, 6)') -%}
    {%- if execute and (value is boolean or value is not number) -%}
        {{ exceptions.raise_compiler_error(
            "expected a number in the configuration, got " ~ (value | string)) }}
    {%- endif -%}
    cast({{ value | string }} as {{ data_type }})
{%- endmacro %}
