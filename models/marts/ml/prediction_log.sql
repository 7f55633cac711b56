{#-
    Append-only history of the per-user predictions: every build adds one generation (the
    rows of this build, stamped with its built_at and invocation_id) for the propensity model
    and the engagement rules. `full_refresh=false`: `dbt build --full-refresh` keeps the
    history (like the audit history tables); only dropping the table removes it.
    Configured as an append-only history in dbt_project.yml (incremental append,
    full_refresh false, new columns appended).
    model_version = a hash of the model's code and parameters: for the propensity model its
    code_version (pipeline_ml.propensity source + settings), for the engagement rules the md5
    of the model's SQL and its vars.
-#}
{%- set engagement_id = 'model.' ~ project_name ~ '.user_engagement_predictions' -%}
{%- set engagement_node = graph.nodes.get(engagement_id) -%}
{%- set engagement_code = engagement_node.raw_code if engagement_node else '' -%}
{%- set engagement_params = [
    var('engagement_rules'), var('engagement_high_min_score'),
    var('engagement_medium_min_score'), var('engagement_confidence_boost'),
] | tojson -%}
{%- set engagement_version = 'engagement-' ~ local_md5(engagement_code ~ engagement_params)[:12] -%}

with

propensity as (
    select * from {{ ref('purchase_propensity') }}
),

engagement as (
    select * from {{ ref('user_engagement_predictions') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

propensity_rows as (
    select
        'purchase_propensity' as model,  -- noqa: RF04
        propensity.code_version as model_version,
        propensity.features_as_of as as_of,
        propensity.user_id,
        cast(propensity.propensity as double) as score,
        case when propensity.predicted_label then 'purchase' else 'no_purchase' end
            as predicted_label
    from propensity
),

engagement_rows as (
    select
        'engagement_rules' as model,  -- noqa: RF04
        {{ sql_string_literal(engagement_version) }} as model_version,
        as_of.as_of_at as as_of,
        engagement.user_id,
        cast(engagement.score as double) as score,
        engagement.prediction as predicted_label
    from engagement
    cross join as_of
),

final as (
    select
        predictions.model,
        predictions.model_version,
        cast(predictions.as_of as {{ dbt.type_timestamp() }}) as as_of,
        predictions.user_id,
        predictions.score,
        predictions.predicted_label,
        cast(
            {{ sql_string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }}
            as {{ dbt.type_timestamp() }}
        ) as built_at,
        {{ sql_string_literal(invocation_id) }} as invocation_id
    from (
        select * from propensity_rows
        union all
        select * from engagement_rows
    ) as predictions
)

select * from final
