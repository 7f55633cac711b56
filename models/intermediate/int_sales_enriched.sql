{{
    config(
        materialized='incremental',
        incremental_strategy=incremental_by_partition_strategy(),
        unique_key='sale_date',
        partition_by=('sale_date' if target.type == 'spark' else none),
        on_schema_change='fail',
    )
}}
{#-
    Every column is computed from its own row, so a run only rebuilds the sale dates of the
    staged rows loaded after the newest _loaded_at already here: a new day costs that day.
    A rebuilt date is replaced whole, with all its rows from stg_sales (DuckDB's
    delete+insert on sale_date, Spark's insert_overwrite of the sale_date partition), so a
    re-sent file's new version replaces the old version's rows, the lines it dropped
    included. Rows that leave stg_sales on a date not rebuilt (`ingest purge-expired`) stay
    until a --full-refresh; `ingest erase` deletes a person's rows here itself.
-#}
with

sales as (
    select * from {{ ref('stg_sales') }}
    {% if is_incremental() -%}
        where sale_date in (
            select new_sales.sale_date
            from {{ ref('stg_sales') }} as new_sales
            where new_sales._loaded_at > (
                select
                    coalesce(
                        max(already_built._loaded_at), cast('1900-01-01' as timestamp)
                    ) as cursor_at
                from {{ this }} as already_built
            )
        )
    {%- endif %}
),

final as (
    select
        -- ids
        sales.sale_id,
        sales.sale_date,
        sales.product_id,
        sales.customer_id,
        -- measures
        sales.quantity,
        sales.price,
        cast(sales.quantity * sales.price as decimal(18, 2)) as total_amount,
        -- date parts, as pandas' dt accessors give them
        cast(extract(year from sales.sale_date) as integer) as sale_year,
        cast(extract(month from sales.sale_date) as integer) as sale_month,
        cast(extract(day from sales.sale_date) as integer) as sale_day,
        {{ day_of_week_monday_zero('sales.sale_date') }} as day_of_week,
        -- lineage
        sales._batch_id,
        sales._source_file,
        sales._row_number,
        sales._loaded_at
    from sales
)

select * from final
