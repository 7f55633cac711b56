{#-
    One row per (user, product) with an interaction up to the day of as_of: event counts by
    type, the weighted interaction (the `recommendation_event_weights` var), and the same
    split into the training window and the evaluation holdout (the last
    `recommendation_test_days` days), plain and time-decayed (half-life
    `recommendation_half_life_days`, age counted to the end of the window), so the
    recommenders read one model, never the events.
-#}
{%- set weights = var('recommendation_event_weights') -%}
{%- if weights is not mapping or weights | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "recommendation_event_weights must be a mapping of event type to weight") }}
{%- endif -%}
{%- set test_days = var('recommendation_test_days') -%}
{%- set half_life = number_literal(var('recommendation_half_life_days'), 'double') -%}
{%- set age_at_as_of = dbt.datediff('events.event_date', 'windows.as_of_date', 'day') -%}
{%- set age_before_holdout =
    dbt.datediff('events.event_date', 'windows.holdout_start_date', 'day') -%}

with

events as (
    select * from {{ ref('stg_events') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

windows as (
    select
        cast(as_of.as_of_at as date) as as_of_date,
        cast({{ dbt.dateadd('day', '1 - ' ~ number_literal(test_days, 'integer'),
            'cast(as_of.as_of_at as date)') }} as date) as holdout_start_date
    from as_of
),

weighted as (
    select
        events.user_id,
        events.product_id,
        events.event_type,
        events.event_at,
        events.event_date,
        events.event_date >= windows.holdout_start_date as is_holdout,
        -- age in days at the end of the event's window: the day before the holdout for
        -- training events, the as_of day for holdout events
        case
            when events.event_date >= windows.holdout_start_date
                then {{ age_at_as_of }}
            else {{ age_before_holdout }} - 1
        end as age_days,
        case events.event_type
            {%- for event_type, weight in weights.items() %}
                when {{ sql_string_literal(event_type) }} then {{ number_literal(weight) }}
            {%- endfor %}
            else 0
        end as weight
    from events
    cross join windows
    where
        events.user_id is not null
        and events.product_id is not null
        and events.event_date <= windows.as_of_date
),

final as (
    select
        weighted.user_id,
        weighted.product_id,
        -- counts by event type up to as_of
        count(*) filter (where weighted.event_type = 'page_view') as page_views,
        count(*) filter (where weighted.event_type = 'click') as clicks,
        count(*) filter (where weighted.event_type = 'add_to_cart') as add_to_carts,
        count(*) filter (where weighted.event_type = 'purchase') as purchases,
        cast(sum(weighted.weight) as double) as interaction_weight,
        min(weighted.event_at) as first_interaction_at,
        max(weighted.event_at) as last_interaction_at,
        max(weighted.event_at) filter (where weighted.event_type = 'purchase')
            as last_purchase_at,
        -- the training window: before the holdout
        coalesce(cast(sum(weighted.weight) filter (where not weighted.is_holdout) as double), 0)
            as train_interaction_weight,
        coalesce(
            sum(weighted.weight * power(0.5, weighted.age_days / {{ half_life }}))
            filter (where not weighted.is_holdout),
            0
        ) as train_decayed_weight,
        count(*) filter (where not weighted.is_holdout and weighted.event_type = 'purchase')
            as train_purchases,
        max(weighted.event_date) filter (where not weighted.is_holdout)
            as train_last_interaction_date,
        -- the holdout: the last recommendation_test_days days up to as_of
        coalesce(cast(sum(weighted.weight) filter (where weighted.is_holdout) as double), 0)
            as holdout_interaction_weight,
        coalesce(
            sum(weighted.weight * power(0.5, weighted.age_days / {{ half_life }}))
            filter (where weighted.is_holdout),
            0
        ) as holdout_decayed_weight,
        count(*) filter (where weighted.is_holdout and weighted.event_type = 'purchase')
            as holdout_purchases,
        max(weighted.event_date) filter (where weighted.is_holdout)
            as holdout_last_interaction_date,
        min(windows.holdout_start_date) as holdout_start_date
    from weighted
    cross join windows
    group by weighted.user_id, weighted.product_id
    having sum(weighted.weight) > 0
)

select * from final
