{#
    The row counts of every landed source and load batch, computed once for the quality
    marts (data_quality_scores, pipeline_metrics). Every line a batch read for a source is
    either a staged row (valid, or rejected by a staging rule) or a line the loader
    quarantined; the ledger adds what the batch's loaded files were.
#}
with

staged_rows as (
    {{ union_landed_sources('__validated', ['_batch_id as batch_id', 'rejection_reason_count']) }}
),

quarantine as (
    select * from {{ ref('stg_ingest__quarantine') }}
),

ledger as (
    select * from {{ ref('stg_ingest__load_ledger') }}
),

staged_counts as (
    select
        source_name,
        batch_id,
        count(case when rejection_reason_count = 0 then 1 end) as valid_rows,
        count(case when rejection_reason_count > 0 then 1 end) as staging_rejected_rows
    from staged_rows
    group by source_name, batch_id
),

quarantined_counts as (
    select
        source_name,
        batch_id,
        count(*) as quarantined_rows
    from quarantine
    group by source_name, batch_id
),

batch_loads as (
    select
        source_name,
        batch_id,
        count(*) as files_loaded,
        min(started_at) as load_started_at,
        max(finished_at) as load_finished_at,
        sum(rows_read) as rows_read,
        sum(size_bytes) as bytes_read
    from ledger
    where status = 'loaded'
    group by source_name, batch_id
),

source_batches as (
    select
        source_name,
        batch_id
    from staged_counts
    union
    select
        source_name,
        batch_id
    from quarantined_counts
    union
    select
        source_name,
        batch_id
    from batch_loads
),

counted as (
    select
        source_batches.source_name,
        source_batches.batch_id,
        batch_loads.files_loaded,
        batch_loads.load_started_at,
        batch_loads.load_finished_at,
        batch_loads.rows_read,
        batch_loads.bytes_read,
        coalesce(staged_counts.valid_rows, 0) as valid_rows,
        coalesce(staged_counts.staging_rejected_rows, 0) as staging_rejected_rows,
        coalesce(quarantined_counts.quarantined_rows, 0) as quarantined_rows
    from source_batches
    left join staged_counts
        on
            source_batches.source_name = staged_counts.source_name
            and source_batches.batch_id = staged_counts.batch_id
    left join quarantined_counts
        on
            source_batches.source_name = quarantined_counts.source_name
            and source_batches.batch_id = quarantined_counts.batch_id
    left join batch_loads
        on
            source_batches.source_name = batch_loads.source_name
            and source_batches.batch_id = batch_loads.batch_id
),

final as (
    select
        source_name,
        batch_id,
        files_loaded,
        load_started_at,
        load_finished_at,
        rows_read,
        bytes_read,
        valid_rows,
        staging_rejected_rows,
        quarantined_rows,
        valid_rows + staging_rejected_rows + quarantined_rows as total_rows,
        staging_rejected_rows + quarantined_rows as rejected_rows
    from counted
)

select * from final
