{#-
    The design's rule-based engagement prediction (make_prediction) over user_event_features:
    each rule adds its weight when its feature is above its threshold. Rules, class cut-offs
    and the confidence boost are dbt vars (engagement_rules, engagement_high_min_score,
    engagement_medium_min_score, engagement_confidence_boost). Scores are DECIMAL, so
    0.3 + 0.3 + 0.2 is exactly 0.8 at the cut-off.
-#}
{%- set allowed_features = [
    'total_events', 'unique_event_types', 'avg_events_per_day', 'last_activity_days',
    'recent_activity_7d', 'total_sessions', 'avg_session_length', 'total_value',
    'avg_value_per_event',
] -%}
{%- set rules = var('engagement_rules') -%}
{%- set score_type = 'decimal(18, 6)' -%}

with

features as (
    select * from {{ ref('user_event_features') }}
),

scored as (
    select
        features.user_id,
        cast(
            0
            {%- for feature, rule in rules.items() %}
                {%- if feature not in allowed_features -%}
        {{ exceptions.raise_compiler_error(
            "engagement_rules: unknown feature '" ~ feature ~ "'") }}
    {%- endif %}
                + case
                    when
                        features.{{ adapter.quote(feature) }}
                        > {{ number_literal(rule['above'], score_type) }}
                        then {{ number_literal(rule['weight'], score_type) }}
                    else 0
                end
            {%- endfor %}
            as {{ score_type }}
        ) as score
    from features
),

final as (
    select
        scored.user_id,
        scored.score,
        case
            when scored.score >= {{ number_literal(var('engagement_high_min_score'), score_type) }}
                then 'high_engagement'
            when
                scored.score >= {{ number_literal(var('engagement_medium_min_score'), score_type) }}
                then 'medium_engagement'
            else 'low_engagement'
        end as prediction,
        case
            when
                scored.score + {{ number_literal(var('engagement_confidence_boost'), score_type) }}
                < 1
                then
                    scored.score
                    + {{ number_literal(var('engagement_confidence_boost'), score_type) }}
            else cast(1 as {{ score_type }})
        end as confidence
    from scored
)

select * from final
