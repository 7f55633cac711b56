{#-
    The design's transformed sales (transform_sales_data): every valid sales row with its
    amount and date parts, and its customer's and product's aggregates joined on.
-#}
with

sales as (
    select * from {{ ref('int_sales_enriched') }}
),

customer_stats as (
    select * from {{ ref('int_sales_customer_stats') }}
),

product_stats as (
    select * from {{ ref('int_sales_product_stats') }}
),

final as (
    select
        sales.sale_id,
        -- the sale, with the design's column names
        sales.sale_date as date,  -- noqa: RF04
        sales.product_id,
        sales.quantity,
        sales.price,
        sales.customer_id,
        sales.total_amount,
        sales.sale_year as year,  -- noqa: RF04
        sales.sale_month as month,  -- noqa: RF04
        sales.sale_day as day,  -- noqa: RF04
        sales.day_of_week,
        -- the customer's aggregates
        customer_stats.total_spent,
        customer_stats.avg_order_value,
        customer_stats.order_count,
        customer_stats.unique_products,
        -- the product's aggregates
        product_stats.total_quantity_sold,
        product_stats.total_revenue,
        product_stats.unique_customers
    from sales
    left join customer_stats
        on sales.customer_id = customer_stats.customer_id
    left join product_stats
        on sales.product_id = product_stats.product_id
)

select * from final
