{#
    The design's pipeline metrics (docs/design.md), one row per dbt invocation, for the latest
    load batch finished before the invocation started:
    - T (throughput): load_throughput_rows_per_second = batch rows / load seconds;
      build_throughput_rows_per_second = raw rows in the warehouse / build seconds (every
      build re-reads all raw rows through the staging views).
    - L (latency): load_seconds (first file started -> last file loaded), wait_seconds
      (loaded -> build started), build_seconds (first node started -> last node finished),
      end_to_end_latency_seconds = load start -> build finished. The ledger records when a
      file's load started, not when it landed, so "landed" is the load start.
    - DQS: valid / total rows x 100 over every batch, as this invocation scored them.
    - CE (cost efficiency): pipeline_rows_per_hour / cost_per_hour, where
      pipeline_rows_per_hour = batch rows / (load seconds + build seconds) x 3600 and
      cost_per_hour is a dbt var (dollars per hour of the machine).
    A view over the hook-written history, like data_quality_checks, so a --full-refresh
    keeps every past run.
#}
with

run_results as (
    select * from {{ ref('stg_audit__run_results_history') }}
),

dqs_history as (
    select * from {{ ref('stg_audit__dqs_history') }}
),

source_batch_counts as (
    select * from {{ ref('int_quality__source_batch_counts') }}
),

invocations as (
    select
        invocation_id,
        min(run_started_at) as run_started_at,
        min(command) as command,
        min(node_started_at) as build_started_at,
        max(node_completed_at) as build_finished_at,
        sum(
            case when resource_type = 'model' and status = 'success' then 1 else 0 end
        ) as models_built,
        sum(case when resource_type = 'test' and status = 'pass' then 1 else 0 end)
            as checks_passed,
        sum(
            case
                when resource_type = 'test' and status in ('pass', 'warn', 'fail', 'error')
                    then 1
                else 0
            end
        ) as checks_run
    from run_results
    group by invocation_id
),

batches as (
    select
        batch_id,
        min(load_started_at) as load_started_at,
        max(load_finished_at) as load_finished_at,
        sum(rows_read) as batch_rows,
        sum(bytes_read) as batch_bytes
    from source_batch_counts
    where files_loaded is not null
    group by batch_id
),

batches_before_run as (
    select
        invocations.invocation_id,
        batches.batch_id,
        batches.load_started_at,
        batches.load_finished_at,
        batches.batch_rows,
        batches.batch_bytes,
        sum(batches.batch_rows) over (
            partition by invocations.invocation_id
        ) as warehouse_rows,
        row_number() over (
            partition by invocations.invocation_id
            order by batches.load_finished_at desc, batches.batch_id desc
        ) as batch_recency
    from invocations
    inner join batches
        on invocations.run_started_at >= batches.load_finished_at
),

run_dqs as (
    select
        invocation_id,
        sum(valid_rows) as valid_rows,
        sum(total_rows) as total_rows
    from dqs_history
    group by invocation_id
),

timed as (
    select
        invocations.invocation_id,
        invocations.run_started_at,
        invocations.command,
        invocations.build_started_at,
        invocations.build_finished_at,
        invocations.models_built,
        invocations.checks_passed,
        invocations.checks_run,
        latest_batch.batch_id,
        latest_batch.load_started_at,
        latest_batch.load_finished_at,
        latest_batch.batch_rows,
        latest_batch.batch_bytes,
        latest_batch.warehouse_rows,
        run_dqs.valid_rows,
        run_dqs.total_rows,
        {{ dbt.datediff(
            'latest_batch.load_started_at', 'latest_batch.load_finished_at', 'millisecond'
        ) }} / 1000.0 as load_seconds,
        {{ dbt.datediff(
            'latest_batch.load_finished_at', 'invocations.build_started_at', 'millisecond'
        ) }} / 1000.0 as wait_seconds,
        {{ dbt.datediff(
            'invocations.build_started_at', 'invocations.build_finished_at', 'millisecond'
        ) }} / 1000.0 as build_seconds,
        {{ dbt.datediff(
            'latest_batch.load_started_at', 'invocations.build_finished_at', 'millisecond'
        ) }} / 1000.0 as end_to_end_latency_seconds
    from invocations
    left join batches_before_run as latest_batch
        on
            invocations.invocation_id = latest_batch.invocation_id
            and latest_batch.batch_recency = 1
    left join run_dqs
        on invocations.invocation_id = run_dqs.invocation_id
),

final as (
    select
        invocation_id,
        run_started_at,
        command,
        batch_id,
        -- volumes
        batch_rows,
        batch_bytes,
        warehouse_rows,
        models_built,
        -- latency (L)
        load_started_at,
        load_finished_at,
        build_started_at,
        build_finished_at,
        load_seconds,
        wait_seconds,
        build_seconds,
        end_to_end_latency_seconds,
        -- throughput (T)
        round(batch_rows / nullif(load_seconds, 0), 2) as load_throughput_rows_per_second,
        round(warehouse_rows / nullif(build_seconds, 0), 2)
            as build_throughput_rows_per_second,
        round(3600.0 * batch_rows / nullif(load_seconds + build_seconds, 0), 2)
            as pipeline_rows_per_hour,
        -- quality (DQS, checks passed)
        cast(round(100.0 * valid_rows / nullif(total_rows, 0), 2) as decimal(5, 2)) as dqs,
        checks_passed,
        checks_run,
        cast(round(100.0 * checks_passed / nullif(checks_run, 0), 2) as decimal(5, 2))
            as checks_passed_pct,
        -- cost efficiency (CE)
        {{ number_literal(var('cost_per_hour'), 'decimal(18, 4)') }} as cost_per_hour,
        round(
            3600.0 * batch_rows / nullif(load_seconds + build_seconds, 0)
            / nullif({{ number_literal(var('cost_per_hour'), 'decimal(18, 4)') }}, 0),
            2
        ) as cost_efficiency_rows_per_hour_per_dollar
    from timed
)

select * from final
