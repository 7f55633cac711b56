-- The DQS gate: one failing row per source whose latest batch scores under min_dqs.
{{ config(severity='error', store_failures=true) }}

with

alerts as (
    select * from {{ ref('data_quality_alerts') }}
),

final as (
    select
        source_name,
        batch_id,
        dqs,
        min_dqs,
        top_rejection_reasons,
        alert_message
    from alerts
    where is_below_min_dqs
)

select * from final

-- The raise_dqs_alerts hook then names the failing sources in dbt's output; the webhook
-- alerts go out after the build (python -m observability alerts).
