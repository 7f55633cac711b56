with

validated as (
    select * from {{ ref('stg_products__validated') }}
),

final as (
    select
        raw_product_id as product_id,
        -- the raw column names are the interface
        raw_name as name,  -- noqa: RF04
        raw_category as category,
        raw_price as price,
        raw_rating as rating,
        raw_updated_at as updated_at,
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
