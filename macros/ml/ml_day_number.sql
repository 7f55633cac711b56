{#
    Days since 1970-01-01 of a date (or of a timestamp's UTC day): an integer day axis that
    window range frames can order by ("range between 7 preceding and 1 preceding").
    DuckDB subtracts dates natively; other adapters use dbt.datediff. Dispatched.
#}
{% macro ml_day_number(date_expr) -%}
    {{ return(adapter.dispatch('ml_day_number')(date_expr)) }}
{%- endmacro %}

{% macro default__ml_day_number(date_expr) -%}
    {#- bigint, as DuckDB's date difference (Spark's datediff is an int) -#}
    cast(
        {{ dbt.datediff("cast('1970-01-01' as date)", "cast(" ~ date_expr ~ " as date)", 'day') }}
        as {{ dbt.type_bigint() }}
    )
{%- endmacro %}

{% macro duckdb__ml_day_number(date_expr) -%}
    (cast({{ date_expr }} as date) - date '1970-01-01')
{%- endmacro %}
