{#
    The DQS gate reads the latest batch of each source: an old bad batch must not fail every
    later build, and a new bad batch must fail the build that first sees it.
#}
with

scores as (
    select * from {{ ref('data_quality_scores') }}
),

rejections as (
    select * from {{ ref('data_quality_rejections') }}
),

latest_batches as (
    select * from scores
    where is_latest_batch
),

latest_reasons as (
    select
        rejections.source_name,
        rejections.rejection_reason,
        sum(rejections.rejected_rows) as rejected_rows
    from rejections
    inner join latest_batches
        on
            rejections.source_name = latest_batches.source_name
            and rejections.batch_id = latest_batches.batch_id
    group by rejections.source_name, rejections.rejection_reason
),

ranked_reasons as (
    select
        source_name,
        rejection_reason,
        rejected_rows,
        row_number() over (
            partition by source_name
            order by rejected_rows desc, rejection_reason asc
        ) as reason_rank
    from latest_reasons
),

top_reasons as (
    select
        source_name,
        {{ dbt.listagg(
            "rejection_reason || ' (' || cast(rejected_rows as " ~ dbt.type_string() ~ ") || ')'",
            "', '",
            "order by reason_rank",
        ) }} as top_rejection_reasons
    from ranked_reasons
    where reason_rank <= 3
    group by source_name
),

flagged as (
    select
        latest_batches.source_name,
        latest_batches.batch_id,
        latest_batches.batch_loaded_at,
        latest_batches.total_rows,
        latest_batches.valid_rows,
        latest_batches.rejected_rows,
        latest_batches.dqs,
        {{ number_literal(var('min_dqs'), 'decimal(5, 2)') }} as min_dqs,
        coalesce(top_reasons.top_rejection_reasons, '') as top_rejection_reasons
    from latest_batches
    left join top_reasons
        on latest_batches.source_name = top_reasons.source_name
),

final as (
    select
        {{ dqs_score_columns() | join(', ') }},
        min_dqs,
        coalesce(dqs < min_dqs, false) as is_below_min_dqs,
        top_rejection_reasons,
        case
            when dqs < min_dqs
                then
                    'source ' || source_name
                    || ' DQS ' || cast(dqs as {{ dbt.type_string() }})
                    || ' < min_dqs ' || cast(min_dqs as {{ dbt.type_string() }})
                    || ': top reasons ' || top_rejection_reasons
        end as alert_message,
        '{{ invocation_id }}' as invocation_id
    from flagged
)

select * from final
