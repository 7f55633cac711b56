{#-
    The design's calculate_features per user, as of the reference time as_of (events after
    it are left out; without the var it is the latest valid event, so every user's features
    are as of the same instant). Whole days are floor(elapsed seconds / 86400), like
    timedelta.days. One `<type>_count` / `<type>_ratio` pair per accepted event type (read
    from the seed at compile time, see accepted_event_type_list), 0 when the user has none.
-#}
{%- set event_types = accepted_event_type_list() %}
-- depends_on: {{ ref('accepted_event_types') }}

with

events as (
    select * from {{ ref('int_events_sessionized') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

events_as_of as (
    select
        events.user_id,
        events.event_type,
        events.event_at,
        events.session_number,
        events.amount,
        as_of.as_of_at
    from events
    cross join as_of
    where events.event_at <= as_of.as_of_at
),

per_user as (
    select
        events_as_of.user_id,
        min(events_as_of.as_of_at) as as_of_at,
        count(*) as total_events,
        count(distinct events_as_of.event_type) as unique_event_types,
        min(events_as_of.event_at) as first_event_at,
        max(events_as_of.event_at) as last_event_at,
        sum(
            case
                when
                    {{ whole_days_between('events_as_of.event_at', 'events_as_of.as_of_at') }}
                    <= 7
                    then 1
                else 0
            end
        ) as recent_activity_7d,
        {%- for event_type in event_types %}
            sum(case when events_as_of.event_type = '{{ event_type }}' then 1 else 0 end)
                as {{ event_type }}_count,
        {%- endfor %}
        count(distinct events_as_of.session_number) as total_sessions,
        sum(
            case when events_as_of.event_type = 'purchase' then events_as_of.amount end
        ) as total_value
    from events_as_of
    group by events_as_of.user_id
),

with_days as (
    select
        per_user.*,
        {{ whole_days_between('per_user.first_event_at', 'per_user.last_event_at') }}
            as active_span_days,
        {{ whole_days_between('per_user.last_event_at', 'per_user.as_of_at') }}
            as last_activity_days,
        cast(coalesce(per_user.total_value, 0) as decimal(18, 2)) as total_value_exact
    from per_user
),

final as (
    select
        with_days.user_id,
        cast(with_days.total_events as {{ dbt.type_bigint() }}) as total_events,
        cast(with_days.unique_event_types as {{ dbt.type_bigint() }}) as unique_event_types,
        cast(with_days.total_events as double)
        / case
            when with_days.active_span_days > 1 then with_days.active_span_days else 1
        end as avg_events_per_day,
        with_days.last_activity_days,
        cast(with_days.recent_activity_7d as {{ dbt.type_bigint() }}) as recent_activity_7d,
        {%- for event_type in event_types %}
            cast(with_days.{{ event_type }}_count as {{ dbt.type_bigint() }})
                as {{ event_type }}_count,
            cast(with_days.{{ event_type }}_count as double)
            / with_days.total_events as {{ event_type }}_ratio,
        {%- endfor %}
        cast(with_days.total_sessions as {{ dbt.type_bigint() }}) as total_sessions,
        cast(with_days.total_events as double)
        / with_days.total_sessions as avg_session_length,
        with_days.total_value_exact as total_value,
        cast(with_days.total_value_exact as double)
        / with_days.total_events as avg_value_per_event
    from with_days
)

select * from final
