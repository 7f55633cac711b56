{#
    The contract columns of one landed source, in file order: the columns of source
    ('raw', source_name) in _raw__sources.yml, without the loader's own columns (_extra and the
    lineage columns, named with a leading underscore), as stg_<source>__rejected gives them
    back (tests/python/test_staging.py checks they are the ingest contract's). Empty while
    dbt parses: the graph is only filled in for compiling. Not for the __validated models:
    their dbt unit tests compile without the graph (dbt gives unit tests an empty one), so
    they keep their own list, next to their rules.
#}
{% macro raw_contract_columns(source_name) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set source_node = graph.sources.get('source.' ~ project_name ~ '.raw.' ~ source_name) -%}
    {%- if source_node is none -%}
        {{ exceptions.raise_compiler_error("no source ('raw', '" ~ source_name ~ "')") }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for name in source_node.columns if not name.startswith('_') -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}
