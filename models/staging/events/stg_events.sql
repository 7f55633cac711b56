with

validated as (
    select * from {{ ref('stg_events__validated') }}
),

final as (
    select
        event_id,
        user_id,
        event_type,
        event_at,
        event_date,
        product_id,
        amount,
        page,
        search_query,
        data,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at
    from validated
    where rejection_reason_count = 0
)

select * from final
