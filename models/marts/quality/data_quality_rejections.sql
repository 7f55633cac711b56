with

quarantine as (
    select * from {{ ref('stg_ingest__quarantine') }}
),

rejected as (
    {{ union_landed_sources('__rejected', ['_batch_id as batch_id', 'rejection_reasons']) }}
),

staging_reasons as (
    select
        source_name,
        batch_id,
        {{ unnest_delimited_list('rejection_reasons') }} as rejection_reason
    from rejected
),

staging_counts as (
    select
        source_name,
        batch_id,
        'staging' as rejected_by,
        rejection_reason,
        cast(null as {{ dbt.type_string() }}) as rejection_detail,
        count(*) as rejected_rows
    from staging_reasons
    group by source_name, batch_id, rejection_reason
),

quarantine_counts as (
    select
        source_name,
        batch_id,
        'loader' as rejected_by,
        'quarantine' as rejection_reason,
        reason as rejection_detail,
        count(*) as rejected_rows
    from quarantine
    group by source_name, batch_id, reason
),

final as (
    select * from staging_counts
    union all
    select * from quarantine_counts
)

select * from final
