{#-
    `timestamp` is the design's column name (hence the RF04 exception below).
    The design's engagement score per visit, in exact decimals (page_views * 0.3 +
    session_duration * 0.7 has one decimal), and is_active_user against the exact median of
    all valid rows (the mean of the two middle scores for an even count, as pandas).
-#}
with

behavior as (
    select * from {{ ref('stg_user_behavior') }}
),

scored as (
    select
        behavior.behavior_id,
        behavior.user_id,
        behavior.page_views,
        behavior.session_duration,
        behavior.behavior_at,
        cast(
            behavior.page_views * 0.3 + behavior.session_duration * 0.7 as decimal(18, 1)
        ) as engagement_score
    from behavior
),

median_score as (
    select {{ exact_median('scored.engagement_score', 'decimal(18, 2)') }} as engagement_score
    from scored
),

final as (
    select
        scored.behavior_id,
        scored.user_id,
        scored.page_views,
        scored.session_duration,
        scored.behavior_at as timestamp,  -- noqa: RF04
        scored.engagement_score,
        scored.engagement_score > median_score.engagement_score as is_active_user
    from scored
    cross join median_score
)

select * from final
