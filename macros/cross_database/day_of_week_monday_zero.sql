{#
    Day of the week as pandas' `dt.dayofweek` numbers it: Monday = 0 ... Sunday = 6 (INTEGER).
    dbt.date_part('dayofweek') is engine-specific (Sunday = 0 on DuckDB, 1 on Spark), hence
    the dispatch.
#}
{% macro day_of_week_monday_zero(expr) -%}
    {{ return(adapter.dispatch('day_of_week_monday_zero', 'ml_data_pipeline')(expr)) }}
{%- endmacro %}

{% macro default__day_of_week_monday_zero(expr) -%}
    cast(extract(isodow from {{ expr }}) - 1 as integer)
{%- endmacro %}

{% macro duckdb__day_of_week_monday_zero(expr) -%}
    cast(isodow({{ expr }}) - 1 as integer)
{%- endmacro %}

{% macro spark__day_of_week_monday_zero(expr) -%}
    cast(weekday({{ expr }}) as integer)
{%- endmacro %}
