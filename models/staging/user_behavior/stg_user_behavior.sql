with

validated as (
    select * from {{ ref('stg_user_behavior__validated') }}
),

final as (
    select
        behavior_id,
        user_id,
        page_views,
        session_duration,
        behavior_at,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at
    from validated
    where rejection_reason_count = 0
)

select * from final
