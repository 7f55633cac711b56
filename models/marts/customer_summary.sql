with

customer_stats as (
    select * from {{ ref('int_sales_customer_stats') }}
),

final as (
    select
        customer_stats.customer_id,
        customer_stats.total_spent,
        customer_stats.avg_order_value,
        customer_stats.order_count,
        customer_stats.unique_products,
        cast(
            {{ dbt.datediff('customer_stats.first_sale_date', 'customer_stats.last_sale_date',
                            'day') }}
            as {{ dbt.type_bigint() }}
        ) as customer_lifetime_days
    from customer_stats
)

select * from final
