-- One row per fixture event: each (series, event_date) of fx_daily_volume repeated
-- row_count times, for the row_count_deviation fixtures.
with

daily_volume as (
    select * from {{ ref('fx_daily_volume') }}
),

events as (
    select
        series,
        event_date,
        unnest(range(row_count)) as event_index
    from daily_volume
),

final as (
    select
        series,
        cast(event_date as timestamp) + to_hours(event_index % 24) as event_at
    from events
)

select * from final
