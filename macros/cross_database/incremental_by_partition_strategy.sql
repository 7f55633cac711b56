{#
    The incremental strategy of the fact models that rebuild whole dates
    (int_events_sessionized, int_sales_enriched): DuckDB deletes the rows of the rebuilt
    unique_key values and inserts the new ones (delete+insert); Spark without Delta has no
    delete, so it overwrites the rebuilt date partitions (insert_overwrite, with the model's
    partition_by set on Spark). Both need the model to select every row of each date it
    rebuilds. Called from the models' config().
#}
{% macro incremental_by_partition_strategy() -%}
    {{ return(adapter.dispatch('incremental_by_partition_strategy', 'ml_data_pipeline')()) }}
{%- endmacro %}

{% macro default__incremental_by_partition_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__incremental_by_partition_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}
