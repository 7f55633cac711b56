{#-
    The reference time of the as-of features: the `as_of` var when set, else the latest
    valid event time. Never the wall clock, so a rebuild over the same data gives the same
    tables.
-#}
with

events as (
    select * from {{ ref('int_events_sessionized') }}
),

latest_event as (
    select max(events.event_at) as event_at from events
),

final as (
    select
        {% if var('as_of') is not none -%}
            {{ ml_timestamp_literal(var('as_of')) }} as as_of_at
        {%- else -%}
            latest_event.event_at as as_of_at
        {%- endif %}
    from latest_event
)

select * from final
