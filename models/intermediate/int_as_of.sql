{#-
    The one reference time of the as-of features and the training set: the `as_of` var when
    set, else the latest valid event time. Never the wall clock, so a rebuild over the same
    data gives the same tables. Every model that needs "as of" reads this row.
-#}
{%- if var('as_of') is not none -%}
    {%- set as_of_at = ml_timestamp_literal(var('as_of')) -%}
{%- else -%}
    {%- set as_of_at = 'latest_event.event_at' -%}
{%- endif %}

with

events as (
    select * from {{ ref('int_events_sessionized') }}
),

latest_event as (
    select max(events.event_at) as event_at from events
),

final as (
    select {{ as_of_at }} as as_of_at
    from latest_event
)

select * from final
