{#-
    The streamer's batch records, renamed into the project's conventions. Rows are written by
    ingest/stream (one per micro-batch) and only ever gain their build columns, so nothing
    here needs validation beyond types.
-#}
with

source as (
    select * from {{ source('stream', '_stream_batches') }}
),

final as (
    select
        -- ids
        source.batch_id,
        source.mode as stream_mode,
        source.stream_source,
        source.consumer_group,
        -- counts
        source.messages,
        source.rows_loaded,
        source.rows_quarantined,
        source.rows_skipped,
        source.lag_messages,
        -- times
        source.first_sent_at,
        source.last_sent_at,
        source.landed_at,
        source.features_built_at,
        -- build
        source.build_seconds,
        source.build_status,
        source.latency_p50_seconds,
        source.latency_p95_seconds,
        source.latency_max_seconds,
        source.model_seconds
    from source
)

select * from final
