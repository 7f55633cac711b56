with

source as (
    select * from {{ source('audit', 'run_results_history') }}
),

final as (
    select
        invocation_id,
        run_started_at,
        command,
        target_name,
        dbt_version,
        unique_id,
        resource_type,
        node_name,
        test_name,
        attached_node,
        severity,
        status,
        failures,
        rows_affected,
        message,
        execution_time_seconds,
        node_started_at,
        node_completed_at,
        failures_relation,
        recorded_at
    from source
)

select * from final
