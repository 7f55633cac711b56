{#
    True when the text `expr` is valid JSON whose top-level value is an object; false for
    malformed JSON, arrays, scalars and null.
#}
{% macro json_is_object(expr) -%}
    {{ return(adapter.dispatch('json_is_object', 'ml_data_pipeline')(expr)) }}
{%- endmacro %}

{% macro default__json_is_object(expr) -%}
    {{ exceptions.raise_compiler_error(
        'json_is_object is not implemented for adapter ' ~ adapter.type()
    ) }}
{%- endmacro %}

{% macro duckdb__json_is_object(expr) -%}
    coalesce(
        case when json_valid({{ expr }}) then json_type({{ expr }}) = 'OBJECT' end,
        false
    )
{%- endmacro %}

{% macro spark__json_is_object(expr) -%}
    coalesce(schema_of_json({{ expr }}) like 'STRUCT<%', false)
{%- endmacro %}
