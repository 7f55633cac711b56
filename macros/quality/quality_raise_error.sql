{#
    A statement that fails when executed, with `message` as its error. Used as the SQL of
    an on-run-end hook: dbt reports the hook as failed with the message and the invocation
    exits non-zero, after every other hook and result was recorded.
#}
{% macro quality_raise_error(message) -%}
    {{ return(adapter.dispatch('quality_raise_error')(message)) }}
{%- endmacro %}

{% macro default__quality_raise_error(message) -%}
    select error({{ quality_sql_literal(message) }})
{%- endmacro %}

{% macro spark__quality_raise_error(message) -%}
    select raise_error({{ quality_sql_literal(message) }})
{%- endmacro %}
