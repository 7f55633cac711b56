{#
    DQS = valid rows / total rows x 100 per source and load batch. Total counts every line the
    batch read: the raw rows (valid + rejected by staging) and the lines the loader
    quarantined because it could not parse them.
#}
{%- set source_names = quality_source_names() -%}

with

ledger as (
    select * from {{ source('raw', '_load_ledger') }}
),

quarantine as (
    select * from {{ source('raw', '_quarantine') }}
),

valid_rows as (
    {% for source_name in source_names -%}
        select
            '{{ source_name }}' as source_name,
            _batch_id as batch_id,
            count(*) as valid_rows
        from {{ ref('stg_' ~ source_name) }}
        group by _batch_id
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

staging_rejected_rows as (
    {% for source_name in source_names -%}
        select
            '{{ source_name }}' as source_name,
            _batch_id as batch_id,
            count(*) as staging_rejected_rows
        from {{ ref('stg_' ~ source_name ~ '__rejected') }}
        group by _batch_id
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

quarantined_rows as (
    select
        source as source_name,
        _batch_id as batch_id,
        count(*) as quarantined_rows
    from quarantine
    group by source, _batch_id
),

batch_loads as (
    select
        source as source_name,
        batch_id,
        count(*) as files_loaded,
        min(started_at) as load_started_at,
        max(finished_at) as load_finished_at
    from ledger
    where status = 'loaded'
    group by source, batch_id
),

source_batches as (
    select
        source_name,
        batch_id
    from valid_rows
    union
    select
        source_name,
        batch_id
    from staging_rejected_rows
    union
    select
        source_name,
        batch_id
    from quarantined_rows
),

counted as (
    select
        source_batches.source_name,
        source_batches.batch_id,
        batch_loads.files_loaded,
        batch_loads.load_started_at,
        batch_loads.load_finished_at,
        coalesce(valid_rows.valid_rows, 0) as valid_rows,
        coalesce(staging_rejected_rows.staging_rejected_rows, 0) as staging_rejected_rows,
        coalesce(quarantined_rows.quarantined_rows, 0) as quarantined_rows
    from source_batches
    left join valid_rows
        on
            source_batches.source_name = valid_rows.source_name
            and source_batches.batch_id = valid_rows.batch_id
    left join staging_rejected_rows
        on
            source_batches.source_name = staging_rejected_rows.source_name
            and source_batches.batch_id = staging_rejected_rows.batch_id
    left join quarantined_rows
        on
            source_batches.source_name = quarantined_rows.source_name
            and source_batches.batch_id = quarantined_rows.batch_id
    left join batch_loads
        on
            source_batches.source_name = batch_loads.source_name
            and source_batches.batch_id = batch_loads.batch_id
),

totals as (
    select
        *,
        valid_rows + staging_rejected_rows + quarantined_rows as total_rows,
        staging_rejected_rows + quarantined_rows as rejected_rows
    from counted
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
    from totals
)

select * from final
