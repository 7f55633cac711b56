with

source as (
    select * from {{ source('raw', '_quarantine') }}
),

final as (
    select
        _batch_id as batch_id,
        source as source_name,
        source_file,
        line_number,
        raw_line,
        reason,
        quarantined_at
    from source
)

select * from final
