{#
    The relation of one of the quality history tables (schema `audit`, next to the stored
    failures of tests). They are written by the run hooks, not by dbt models, so that
    `dbt build --full-refresh` never drops the history.
#}
{% macro quality_history_relation(identifier) -%}
    {{ return(api.Relation.create(
        database=target.get('database'),
        schema='audit',
        identifier=identifier,
        type='table',
    )) }}
{%- endmacro %}
