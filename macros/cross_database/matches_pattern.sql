{#
    True when `expr` matches the regular expression `pattern` (a literal written by the model
    author, never data). Patterns in this project are anchored with ^...$ so that engines with
    full-match (Snowflake) and partial-match (DuckDB, Spark, Postgres) semantics agree.
#}
{% macro matches_pattern(expr, pattern) -%}
    {{ return(adapter.dispatch('matches_pattern', 'ml_data_pipeline')(expr, pattern)) }}
{%- endmacro %}

{% macro default__matches_pattern(expr, pattern) -%}
    regexp_like({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__matches_pattern(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__matches_pattern(expr, pattern) -%}
    ({{ expr }} rlike '{{ pattern }}')
{%- endmacro %}
