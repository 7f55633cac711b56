with

validated as (
    select * from {{ ref('stg_products__validated') }}
),

final as (
    select
        product_id,
        product_name,
        category,
        price,
        rating,
        updated_at,
        snapshot_date,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at
    from validated
    where rejection_reason_count = 0
)

select * from final
