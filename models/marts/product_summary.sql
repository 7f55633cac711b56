with

product_stats as (
    select * from {{ ref('int_sales_product_stats') }}
),

final as (
    select
        product_stats.product_id,
        product_stats.total_quantity_sold,
        product_stats.total_revenue,
        product_stats.unique_customers
    from product_stats
)

select * from final
