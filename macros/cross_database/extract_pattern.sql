{#
    The text of capture group `group` of the first match of `pattern` (a literal) in `expr`,
    or null when there is no match.
#}
{% macro extract_pattern(expr, pattern, group=1) -%}
    {{ return(adapter.dispatch('extract_pattern', 'ml_data_pipeline')(expr, pattern, group)) }}
{%- endmacro %}

{% macro default__extract_pattern(expr, pattern, group=1) -%}
    regexp_substr({{ expr }}, '{{ pattern }}', 1, 1, 'e', {{ group }})
{%- endmacro %}

{% macro duckdb__extract_pattern(expr, pattern, group=1) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{% macro spark__extract_pattern(expr, pattern, group=1) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}
