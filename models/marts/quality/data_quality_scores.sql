{#
    DQS = valid rows / total rows x 100 per source and load batch. Total counts every line the
    batch read: the raw rows (valid + rejected by staging) and the lines the loader
    quarantined because it could not parse them. A batch that read no line of the source
    (only empty files) has no score.
#}
with

source_batch_counts as (
    select * from {{ ref('int_quality__source_batch_counts') }}
),

final as (
    select
        source_name,
        batch_id,
        load_finished_at as batch_loaded_at,
        load_started_at,
        files_loaded,
        -- counts
        total_rows,
        valid_rows,
        rejected_rows,
        staging_rejected_rows,
        quarantined_rows,
        -- score
        cast(
            round(100.0 * valid_rows / nullif(total_rows, 0), 2) as decimal(5, 2)
        ) as dqs,
        row_number() over (
            partition by source_name
            order by load_finished_at desc nulls last, batch_id desc
        ) = 1 as is_latest_batch
    from source_batch_counts
    where total_rows > 0
)

select * from final
