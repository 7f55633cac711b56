{#-
    One row per build and monitored variable (the propensity score and each model feature):
    the PSI against the previous build (model_distribution_log) and whether it crosses the
    `drift_psi_threshold` var (0.2: the usual "significant shift" line). A warn-severity
    test on is_drifted puts a warning in the build; the quality report lists the lines.
-#}

with

distribution_log as (
    select * from {{ ref('model_distribution_log') }}
),

latest_build as (
    select max(distribution_log.built_at) as built_at
    from distribution_log
),

final as (
    select
        distribution_log.invocation_id,
        distribution_log.built_at,
        distribution_log.model,
        distribution_log.variable,
        max(distribution_log.psi_vs_previous) as psi,
        {{ number_literal(var('drift_psi_threshold'), 'double') }} as psi_threshold,
        coalesce(
            max(distribution_log.psi_vs_previous)
            > {{ number_literal(var('drift_psi_threshold'), 'double') }},
            false
        ) as is_drifted,
        distribution_log.built_at = max(latest_build.built_at) as is_latest_build,
        cast(sum(distribution_log.bin_rows) as {{ dbt.type_bigint() }}) as rows_profiled
    from distribution_log
    cross join latest_build
    group by
        distribution_log.invocation_id,
        distribution_log.built_at,
        distribution_log.model,
        distribution_log.variable
)

select * from final
