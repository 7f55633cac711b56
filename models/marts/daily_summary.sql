-- date is the design's column name (hence the RF04 exception below).
with

sales as (
    select * from {{ ref('int_sales_enriched') }}
),

final as (
    select
        sales.sale_date as date,  -- noqa: RF04
        cast(sum(sales.total_amount) as decimal(18, 2)) as daily_revenue,
        cast(sum(sales.quantity) as {{ dbt.type_bigint() }}) as daily_quantity,
        cast(count(distinct sales.customer_id) as {{ dbt.type_bigint() }}) as daily_customers,
        cast(count(distinct sales.product_id) as {{ dbt.type_bigint() }}) as daily_products
    from sales
    group by sales.sale_date
)

select * from final
