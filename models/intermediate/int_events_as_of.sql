{#-
    The reference time of the as-of features: the `as_of` var when set, else the latest
    valid event time. Never the wall clock, so a rebuild over the same data gives the same
    tables.
-#}
with

events as (
    select * from {{ ref('int_events_sessionized') }}
),

final as (
    select
        {% if var('as_of') is not none -%}
            {{ ml_timestamp_literal(var('as_of')) }} as as_of_at
        {%- else -%}
            max(events.event_at) as as_of_at
        {%- endif %}
    from events
)

select * from final
