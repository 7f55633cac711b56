{#
    The landed sources, in report order: the var landed_sources, declared once in
    dbt_project.yml (tests/python/test_staging.py checks it names exactly the sources of
    ingest.contracts). Each has stg_<source>__validated, stg_<source> and
    stg_<source>__rejected models.
#}
{% macro landed_source_names() -%}
    {%- set names = var('landed_sources') -%}
    {%- if names is string or names is not iterable or names | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var landed_sources must be a non-empty list of source names, got "
            ~ (names | string)) }}
    {%- endif -%}
    {{ return(names | list) }}
{%- endmacro %}
