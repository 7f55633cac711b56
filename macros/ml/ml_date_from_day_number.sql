{#
    The date of a day number (days since 1970-01-01): the inverse of ml_day_number.
    DuckDB adds integers to dates natively; other adapters use dbt.dateadd. Dispatched.
#}
{% macro ml_date_from_day_number(day_number_expr) -%}
    {{ return(adapter.dispatch('ml_date_from_day_number')(day_number_expr)) }}
{%- endmacro %}

{% macro default__ml_date_from_day_number(day_number_expr) -%}
    cast({{ dbt.dateadd('day', day_number_expr, "cast('1970-01-01' as date)") }} as date)
{%- endmacro %}

{% macro duckdb__ml_date_from_day_number(day_number_expr) -%}
    (date '1970-01-01' + cast({{ day_number_expr }} as integer))
{%- endmacro %}
