{#-
    The streaming path's latency, one row per micro-batch: how long its messages took from
    being sent (Kafka message timestamp, or file modification time) to being in the features
    (the end of the dbt run that included them). A view, so it is current after every batch
    without being rebuilt by the streamer.
-#}
{%- set target_seconds = var('stream_latency_target_seconds', 10) %}

with

batches as (
    select * from {{ ref('stg_stream_batches') }}
),

final as (
    select
        batches.batch_id,
        batches.stream_mode,
        batches.stream_source,
        batches.consumer_group,
        batches.messages,
        batches.rows_loaded,
        batches.rows_quarantined,
        batches.rows_skipped,
        batches.lag_messages,
        batches.first_sent_at,
        batches.last_sent_at,
        batches.landed_at,
        batches.features_built_at,
        -- double on every engine (Spark divides an integer by 1000.0 as a decimal)
        cast(
            {{ dbt.datediff('batches.last_sent_at', 'batches.landed_at', 'millisecond') }}
            as double
        ) / 1000 as last_sent_to_landed_seconds,
        cast(
            {{ dbt.datediff('batches.landed_at', 'batches.features_built_at', 'millisecond') }}
            as double
        ) / 1000 as landed_to_built_seconds,
        batches.build_seconds,
        batches.build_status,
        batches.latency_p50_seconds,
        batches.latency_p95_seconds,
        batches.latency_max_seconds,
        batches.latency_p95_seconds <= {{ target_seconds }} as is_within_latency_target,
        batches.model_seconds
    from batches
)

select * from final
