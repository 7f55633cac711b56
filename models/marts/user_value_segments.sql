{#-
    The design's streaming value score (process_user_events) evaluated at each user's latest
    valid event up to as_of: the user's state then holds every one of their events up to and
    including it. score = event_count * w1 + unique_event_types * w2 + total_value * w3
    (+ w4 when that latest event is a purchase); the weights and segment cut-offs are dbt vars
    (value_score_weights, value_segment_high_above, value_segment_medium_above). DECIMAL.
    Ties in time are broken by event_id, as in int_events_sessionized.
-#}
{%- set weights = var('value_score_weights') -%}
{%- set score_type = 'decimal(18, 6)' -%}

with

features as (
    select * from {{ ref('user_event_features') }}
),

events as (
    select * from {{ ref('int_events_sessionized') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

ranked_events as (
    select
        events.user_id,
        events.event_type,
        row_number() over (
            partition by events.user_id
            order by events.event_at desc, events.event_id desc
        ) as recency_rank
    from events
    cross join as_of
    where events.event_at <= as_of.as_of_at
),

latest_events as (
    select
        ranked_events.user_id,
        ranked_events.event_type
    from ranked_events
    where ranked_events.recency_rank = 1
),

scored as (
    select
        features.user_id,
        cast(
            features.total_events * {{ number_literal(weights['event_count'], score_type) }}
            + features.unique_event_types
            * {{ number_literal(weights['unique_event_types'], score_type) }}
            + features.total_value * {{ number_literal(weights['total_value'], score_type) }}
            + case
                when latest_events.event_type = 'purchase'
                    then {{ number_literal(weights['latest_is_purchase'], score_type) }}
                else 0
            end
            as {{ score_type }}
        ) as score
    from features
    inner join latest_events
        on features.user_id = latest_events.user_id
),

final as (
    select
        scored.user_id,
        scored.score,
        case
            when scored.score > {{ number_literal(var('value_segment_high_above'), score_type) }}
                then 'high_value_user'
            when scored.score > {{ number_literal(var('value_segment_medium_above'), score_type) }}
                then 'medium_value_user'
            else 'low_value_user'
        end as segment
    from scored
)

select * from final
