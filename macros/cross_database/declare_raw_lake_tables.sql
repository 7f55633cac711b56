{#
    on-run-start hook: make the `raw` sources readable. DuckDB: nothing to do, `ingest load`
    writes them. Spark: each raw source becomes an external Parquet table over its folder of
    the lake that `python -m ingest export-lake` writes (var raw_lake_path, default the
    RAW_LAKE_PATH environment variable or `lake`). The tables are dropped (the files stay:
    they are external) and declared again at every run, so batches exported since the last run
    (new partition folders) and schema changes are picked up; Spark infers the schema from
    the files and the partition column from the folder names.
#}
{% macro declare_raw_lake_tables() -%}
    {{ return(adapter.dispatch('declare_raw_lake_tables', 'ml_data_pipeline')()) }}
{%- endmacro %}

{% macro default__declare_raw_lake_tables() -%}
{%- endmacro %}

{% macro spark__declare_raw_lake_tables() -%}
    {%- if execute -%}
        {%- set lake_path = var('raw_lake_path', env_var('RAW_LAKE_PATH', 'lake')) | string -%}
        {#- the raw data, and the streamer's batch log (source `stream`, also in raw) -#}
        {%- set raw_sources = graph.sources.values()
            | selectattr('source_name', 'in', ['raw', 'stream']) | list -%}
        {%- for source_node in raw_sources | sort(attribute='identifier') -%}
            {%- set relation = api.Relation.create(
                schema=source_node.schema, identifier=source_node.identifier, type='table') -%}
            {%- if loop.first -%}
                {%- do adapter.create_schema(relation) -%}
            {%- endif -%}
            {%- call statement('drop_raw_' ~ loop.index, auto_begin=false) -%}
                drop table if exists {{ relation }}
            {%- endcall -%}
            {%- call statement('declare_raw_' ~ loop.index, auto_begin=false) -%}
                create table {{ relation }}
                using parquet
                location {{ quality_sql_literal(lake_path ~ '/' ~ source_node.identifier) }}
            {%- endcall -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
