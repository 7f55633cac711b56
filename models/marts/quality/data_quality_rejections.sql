{%- set source_names = quality_source_names() -%}

with

quarantine as (
    select * from {{ source('raw', '_quarantine') }}
),

rejected as (
    {% for source_name in source_names -%}
        select
            '{{ source_name }}' as source_name,
            _batch_id as batch_id,
            rejection_reasons
        from {{ ref('stg_' ~ source_name ~ '__rejected') }}
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
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
        source as source_name,
        _batch_id as batch_id,
        'loader' as rejected_by,
        'quarantine' as rejection_reason,
        reason as rejection_detail,
        count(*) as rejected_rows
    from quarantine
    group by source, _batch_id, reason
),

final as (
    select * from staging_counts
    union all
    select * from quarantine_counts
)

select * from final
