{#-
    The design's customer aggregates over the valid sales rows (one row = one order line):
    sums exact in DECIMAL, the mean line amount rounded half away from zero to the cent.
-#}
with

sales as (
    select * from {{ ref('int_sales_enriched') }}
),

aggregated as (
    select
        sales.customer_id,
        sum(sales.total_amount) as total_spent,
        count(*) as order_count,
        count(distinct sales.product_id) as unique_products,
        min(sales.sale_date) as first_sale_date,
        max(sales.sale_date) as last_sale_date
    from sales
    group by sales.customer_id
),

final as (
    select
        aggregated.customer_id,
        cast(aggregated.total_spent as decimal(18, 2)) as total_spent,
        {{ money_mean('aggregated.total_spent', 'aggregated.order_count') }}
            as avg_order_value,
        cast(aggregated.order_count as {{ dbt.type_bigint() }}) as order_count,
        cast(aggregated.unique_products as {{ dbt.type_bigint() }}) as unique_products,
        aggregated.first_sale_date,
        aggregated.last_sale_date
    from aggregated
)

select * from final
