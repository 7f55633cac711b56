{#
    `expr` cast to `data_type`, null when the cast fails. dbt's own dbt.safe_cast compiles to a
    plain (failing) cast on dbt-duckdb, so DuckDB gets its native try_cast here; other engines
    use dbt.safe_cast (safe_cast / try_cast where the adapter implements it).
#}
{% macro try_cast_as(expr, data_type) -%}
    {{ return(adapter.dispatch('try_cast_as', 'ml_data_pipeline')(expr, data_type)) }}
{%- endmacro %}

{% macro default__try_cast_as(expr, data_type) -%}
    {{ dbt.safe_cast(expr, data_type) }}
{%- endmacro %}

{% macro duckdb__try_cast_as(expr, data_type) -%}
    try_cast({{ expr }} as {{ data_type }})
{%- endmacro %}
