with

validated as (
    select * from {{ ref('stg_user_behavior__validated') }}
),

final as (
    select
        raw_user_id as user_id,
        raw_page_views as page_views,
        raw_session_duration as session_duration,
        raw_timestamp as {{ adapter.quote('timestamp') }},
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
