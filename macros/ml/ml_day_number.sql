{#
    Days since 1970-01-01 of a date (or of a timestamp's UTC day): an integer day axis that
    window range frames can order by ("range between 7 preceding and 1 preceding").
    DuckDB subtracts dates natively; other adapters use dbt.datediff. Dispatched.
#}
{% macro ml_day_number(date_expr) -%}
    {{ return(adapter.dispatch('ml_day_number')(date_expr)) }}
{%- endmacro %}

{% macro default__ml_day_number(date_expr) -%}
    {{ dbt.datediff("cast('1970-01-01' as date)", "cast(" ~ date_expr ~ " as date)", 'day') }}
{%- endmacro %}

{% macro duckdb__ml_day_number(date_expr) -%}
    (cast({{ date_expr }} as date) - date '1970-01-01')
{%- endmacro %}
