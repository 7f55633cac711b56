{#
    The value of top-level `key` (a literal) of the JSON object text `expr`, as text (a string
    without its quotes, a number as written, a nested object as JSON), or null when absent or
    JSON null. Call it only on values for which json_is_object(expr) holds.
#}
{% macro json_field_text(expr, key) -%}
    {{ return(adapter.dispatch('json_field_text', 'ml_data_pipeline')(expr, key)) }}
{%- endmacro %}

{% macro default__json_field_text(expr, key) -%}
    json_extract_path_text({{ expr }}, '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_field_text(expr, key) -%}
    json_extract_string({{ expr }}, '$.{{ key }}')
{%- endmacro %}

{% macro spark__json_field_text(expr, key) -%}
    get_json_object({{ expr }}, '$.{{ key }}')
{%- endmacro %}
