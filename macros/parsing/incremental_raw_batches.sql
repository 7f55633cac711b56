{#
    The rules tables whose rules read each raw row alone (stg_sales__validated,
    stg_events__validated) are incremental on DuckDB (dbt_project.yml): a build parses only
    the raw rows of the load batches the table does not hold yet (a batch lands whole, in one
    transaction), and first deletes the rows whose raw row is gone (`ingest purge-expired`
    deletes raw rows only; `ingest erase` deletes from every table, this one included). The
    other sources' rules compare a row with later rows (superseded duplicates), so a new batch
    can change old rows' reasons: they stay tables rebuilt whole. A change of the rules (the
    SQL, a seed they join, min_valid_year/max_valid_year) needs `dbt build --full-refresh`.
#}
{% macro raw_batches_not_yet_validated() -%}
    {%- if is_incremental() %}
    where _batch_id not in (
        select distinct kept._batch_id
        from {{ this }} as kept
        where kept._batch_id is not null
    )
    {%- endif -%}
{%- endmacro %}

{% macro delete_rows_gone_from_raw(source_table) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as kept
        where not exists (
            select 1
            from {{ source('raw', source_table) }} as landed
            where
                landed._batch_id = kept._batch_id
                and landed._source_file = kept._source_file
                and landed._row_number = kept._row_number
        )
    {%- endif -%}
{%- endmacro %}
