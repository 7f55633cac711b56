{#
    A select-list expression that turns one row holding a delimited list (e.g. the
    rejection_reasons 'missing_price,invalid_date') into one row per list element.
#}
{% macro unnest_delimited_list(expression, delimiter=',') -%}
    {{ return(adapter.dispatch('unnest_delimited_list')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__unnest_delimited_list(expression, delimiter) -%}
    unnest(string_split({{ expression }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro duckdb__unnest_delimited_list(expression, delimiter) -%}
    {{ default__unnest_delimited_list(expression, delimiter) }}
{%- endmacro %}

{% macro spark__unnest_delimited_list(expression, delimiter) -%}
    explode(split({{ expression }}, '{{ delimiter }}'))
{%- endmacro %}
