with

source as (
    select * from {{ source('raw', '_load_ledger') }}
),

final as (
    select
        batch_id,
        source as source_name,
        path as source_file,
        size_bytes,
        sha256,
        rows_read,
        rows_loaded,
        rows_quarantined,
        rows_suppressed,
        rows_removed,
        status,
        error,
        started_at,
        finished_at
    from source
)

select * from final
