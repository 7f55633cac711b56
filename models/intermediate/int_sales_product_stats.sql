with

sales as (
    select * from {{ ref('int_sales_enriched') }}
),

aggregated as (
    select
        sales.product_id,
        sum(sales.quantity) as total_quantity_sold,
        sum(sales.total_amount) as total_revenue,
        count(distinct sales.customer_id) as unique_customers
    from sales
    group by sales.product_id
),

final as (
    select
        aggregated.product_id,
        cast(aggregated.total_quantity_sold as {{ dbt.type_bigint() }}) as total_quantity_sold,
        cast(aggregated.total_revenue as decimal(18, 2)) as total_revenue,
        cast(aggregated.unique_customers as {{ dbt.type_bigint() }}) as unique_customers
    from aggregated
)

select * from final
