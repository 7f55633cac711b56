with

validated as (
    select * from {{ ref('stg_sales__validated') }}
),

final as (
    select
        raw_date as {{ adapter.quote('date') }},
        raw_product_id as product_id,
        raw_quantity as quantity,
        raw_price as price,
        raw_customer_id as customer_id,
        _extra,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at,
        rejection_reasons,
        rejection_reason_count
    from validated
    where rejection_reason_count > 0
)

select * from final
