{#
    A select of (column_name lower-case, data_type upper-case) for column `column_name` of
    `relation`: no row when the relation has no such column. DuckDB (default) reads
    information_schema.columns; Spark has no information_schema in its session catalog, so
    the column list is read with the adapter (DESCRIBE) at run time and written as literals.
#}
{% macro relation_column_types(relation, column_name) -%}
    {{ return(adapter.dispatch('relation_column_types', 'ml_data_pipeline')(
        relation, column_name)) }}
{%- endmacro %}

{% macro default__relation_column_types(relation, column_name) -%}
    select
        lower(column_name) as column_name,
        upper(data_type) as data_type
    from information_schema.columns
    where
        lower(table_catalog) = lower({{ sql_string_literal(relation.database) }})
        and lower(table_schema) = lower({{ sql_string_literal(relation.schema) }})
        and lower(table_name) = lower({{ sql_string_literal(relation.identifier) }})
        and lower(column_name) = lower({{ sql_string_literal(column_name) }})
{%- endmacro %}

{% macro spark__relation_column_types(relation, column_name) -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation)
                if column.name | lower == column_name | lower -%}
            {%- do found.append(column) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if found -%}
        select
            lower({{ quality_sql_literal(found[0].name) }}) as column_name,
            upper({{ quality_sql_literal(found[0].data_type) }}) as data_type
    {%- else -%}
        select
            cast(null as string) as column_name,
            cast(null as string) as data_type
        where false
    {%- endif -%}
{%- endmacro %}

{#
    The name `engine_type_name` (a type as the project's yml writes it, DuckDB's spelling:
    VARCHAR, JSON, INTEGER ...) has on the current engine, upper-case. Spark stores text and
    JSON as STRING and calls INTEGER INT. Used by expect_column_values_to_be_of_type.
#}
{% macro engine_type_name(type_name) -%}
    {{ return(adapter.dispatch('engine_type_name', 'ml_data_pipeline')(type_name)) }}
{%- endmacro %}

{% macro default__engine_type_name(type_name) -%}
    {{ return(type_name | upper) }}
{%- endmacro %}

{% macro spark__engine_type_name(type_name) -%}
    {%- set spark_names = {
        'VARCHAR': 'STRING', 'TEXT': 'STRING', 'JSON': 'STRING',
        'INTEGER': 'INT', 'HUGEINT': 'DECIMAL', 'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP',
    } -%}
    {{ return(spark_names.get(type_name | upper, type_name | upper)) }}
{%- endmacro %}
