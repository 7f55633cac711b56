with

source as (
    select * from {{ source('audit', 'dqs_history') }}
),

final as (
    select
        invocation_id,
        run_started_at,
        {{ dqs_score_columns() | join(', ') }}
    from source
)

select * from final
