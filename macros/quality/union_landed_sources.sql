{#
    One `union all` of a staging model per landed source: for each source, `select
    '<source>' as source_name, <columns> from stg_<source><model_suffix>`.
#}
{% macro union_landed_sources(model_suffix, columns) -%}
    {%- for source_name in landed_source_names() %}
        select
            {{ quality_sql_literal(source_name) }} as source_name,
            {{ columns | join(',\n            ') }}
        from {{ ref('stg_' ~ source_name ~ model_suffix) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
