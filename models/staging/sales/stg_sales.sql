with

validated as (
    select * from {{ ref('stg_sales__validated') }}
),

final as (
    select
        sale_id,
        sale_date,
        product_id,
        customer_id,
        quantity,
        price,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at
    from validated
    where rejection_reason_count = 0
)

select * from final
