{#
    A view over the append-only audit.run_results_history written by the on-run-end hook
    (through stg_audit__run_results_history), not a table: `dbt build --full-refresh`
    rebuilds the view and never touches the history, and the view shows the invocation that
    just finished as soon as its hook has run.
#}
with

run_results as (
    select * from {{ ref('stg_audit__run_results_history') }}
),

data_tests as (
    select
        invocation_id,
        run_started_at,
        command,
        unique_id,
        node_name,
        attached_node,
        severity,
        status,
        failures,
        message,
        execution_time_seconds,
        -- a skipped test never ran: it is dated by the run that recorded it
        coalesce(node_completed_at, recorded_at) as node_completed_at,
        failures_relation,
        coalesce(test_name, node_name) as test_name,
        case when test_name is null then 'singular' else 'generic' end as test_type
    from run_results
    where resource_type = 'test'
),

invocation_scores as (
    select
        invocation_id,
        sum(case when status = 'pass' then 1 else 0 end) as checks_passed,
        sum(
            case when status in ('pass', 'warn', 'fail', 'error') then 1 else 0 end
        ) as checks_run
    from data_tests
    group by invocation_id
),

final as (
    select
        data_tests.invocation_id,
        data_tests.run_started_at,
        data_tests.command,
        data_tests.unique_id,
        data_tests.node_name,
        data_tests.test_name,
        data_tests.test_type,
        data_tests.attached_node,
        {{ dbt.split_part('data_tests.attached_node', "'.'", -1) }} as tested_model,
        data_tests.severity,
        data_tests.status,
        data_tests.failures,
        data_tests.message,
        data_tests.execution_time_seconds,
        data_tests.node_completed_at as checked_at,
        data_tests.failures_relation,
        invocation_scores.checks_passed,
        invocation_scores.checks_run,
        cast(
            round(
                100.0 * invocation_scores.checks_passed
                / nullif(invocation_scores.checks_run, 0),
                2
            ) as decimal(5, 2)
        ) as checks_passed_pct
    from data_tests
    inner join invocation_scores
        on data_tests.invocation_id = invocation_scores.invocation_id
)

select * from final
