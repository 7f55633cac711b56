with

validated as (
    select * from {{ ref('stg_events__validated') }}
),

final as (
    select
        raw_user_id as user_id,
        raw_event_type as event_type,
        raw_timestamp as {{ adapter.quote('timestamp') }},
        -- the raw column names are the interface
        raw_data as data,  -- noqa: RF04
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
