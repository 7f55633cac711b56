{#
    A Python value from dbt's run context (a message, a node name, a number, a datetime) as
    a SQL literal: none -> null, numbers as numbers, datetimes as a UTC timestamp cast,
    everything else as a string literal with its quotes escaped, so a value can never change
    the statement.
#}
{% macro quality_sql_literal(value) -%}
    {{ return(adapter.dispatch('quality_sql_literal')(value)) }}
{%- endmacro %}

{% macro default__quality_sql_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is boolean -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value | string }}
    {%- elif value is not string and value.strftime is defined -%}
        {%- set utc_value = value.astimezone(modules.pytz.utc).replace(tzinfo=none)
                if value.tzinfo is not none else value -%}
        cast('{{ utc_value.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        '{{ (value | string).replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}

{# Spark SQL string literals also treat the backslash as an escape character. #}
{% macro spark__quality_sql_literal(value) -%}
    {%- if value is string -%}
        '{{ value.replace("\\", "\\\\").replace("'", "\\'") }}'
    {%- else -%}
        {{ default__quality_sql_literal(value) }}
    {%- endif -%}
{%- endmacro %}
