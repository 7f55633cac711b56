{#-
    One row per (session, product) up to the day of as_of: the session's user and start,
    whether the product is the session's anchor (the product of its first event with a
    product) and whether it was carted or bought in the session. The session-aware
    recommender (pipeline_ml.sessions) reads this model, never the events.
-#}
with

events as (
    select * from {{ ref('int_events_sessionized') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

with_product as (
    select
        events.user_id,
        events.session_id,
        events.product_id,
        events.event_type,
        events.event_at,
        events.event_id
    from events
    cross join as_of
    where
        events.user_id is not null
        and events.product_id is not null
        and events.session_id is not null
        and events.event_date <= cast(as_of.as_of_at as date)
),

-- The anchor is the product of the session's first event (ties by event id): a window
-- rather than DuckDB's arg_min over a tuple, so that Spark builds the same model.
ranked as (
    select
        session_id,
        product_id,
        event_at,
        row_number() over (
            partition by session_id
            order by event_at, event_id
        ) as event_rank
    from with_product
),

sessions as (
    select
        session_id,
        event_at as session_started_at,
        product_id as anchor_product_id
    from ranked
    where event_rank = 1
),

final as (
    select
        with_product.user_id,
        with_product.session_id,
        with_product.product_id,
        sessions.session_started_at,
        cast(sessions.session_started_at as date) as session_date,
        with_product.product_id = sessions.anchor_product_id as is_anchor,
        count(*) filter (
            where with_product.event_type in ('add_to_cart', 'purchase')
        ) > 0 as is_bought,
        count(*) filter (where with_product.event_type = 'purchase') > 0 as is_purchased
    from with_product
    inner join sessions
        on with_product.session_id = sessions.session_id
    group by
        with_product.user_id,
        with_product.session_id,
        with_product.product_id,
        sessions.session_started_at,
        sessions.anchor_product_id
)

select * from final
