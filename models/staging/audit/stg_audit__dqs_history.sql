with

source as (
    select * from {{ source('audit', 'dqs_history') }}
),

final as (
    select
        invocation_id,
        run_started_at,
        source_name,
        batch_id,
        batch_loaded_at,
        total_rows,
        valid_rows,
        rejected_rows,
        dqs
    from source
)

select * from final
