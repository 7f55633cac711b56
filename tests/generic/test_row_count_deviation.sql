{#
    Volume check: the row count of the latest period (rows matching row_condition grouped by
    date_trunc(datepart, column_name)) against the trailing_periods periods before it. Fails
    when |latest - mean| / mean > max_relative_deviation, or, with max_z_score set, when
    |latest - mean| / stddev > max_z_score (a zero stddev fails on any difference). Periods
    without rows are not counted (no zero-filling); the latest period is the latest with rows.
    Passes while fewer than min_trailing_periods periods of history exist. Returns one row
    (latest period, its count, the trailing mean, stddev, deviation, z-score) on failure.
#}
{% test row_count_deviation(
    model,
    column_name,
    datepart='day',
    trailing_periods=7,
    max_relative_deviation=0.5,
    max_z_score=none,
    min_trailing_periods=3,
    row_condition=none
) %}

{%- do require_one_of('row_count_deviation', {
    'max_relative_deviation': max_relative_deviation, 'max_z_score': max_z_score,
}) %}

with

rows_in_scope as (
    select {{ dbt.date_trunc(datepart, column_name) }} as period_start
    from {{ model }}
    where
        {{ column_name }} is not null
        {%- if row_condition %}
            and ({{ row_condition }})
        {%- endif %}
),

period_counts as (
    select
        period_start,
        count(*) as row_count
    from rows_in_scope
    group by period_start
),

ranked_periods as (
    select
        period_start,
        row_count,
        row_number() over (order by period_start desc) as periods_back
    from period_counts
),

latest_period as (
    select
        period_start,
        row_count
    from ranked_periods
    where periods_back = 1
),

trailing_periods as (
    select
        count(*) as trailing_period_count,
        avg(cast(row_count as {{ dbt.type_float() | lower }})) as trailing_mean,
        stddev_samp(cast(row_count as {{ dbt.type_float() | lower }})) as trailing_stddev
    from ranked_periods
    where periods_back between 2 and {{ 1 + trailing_periods }}
),

compared as (
    select
        latest_period.period_start as latest_period_start,
        latest_period.row_count as latest_row_count,
        trailing_periods.trailing_period_count,
        trailing_periods.trailing_mean,
        trailing_periods.trailing_stddev,
        abs(latest_period.row_count - trailing_periods.trailing_mean)
        / nullif(trailing_periods.trailing_mean, 0) as relative_deviation,
        abs(latest_period.row_count - trailing_periods.trailing_mean)
        / nullif(trailing_periods.trailing_stddev, 0) as z_score
    from latest_period
    cross join trailing_periods
),

final as (
    select * from compared
    where
        trailing_period_count >= {{ min_trailing_periods }}
        and (
            false
            {%- if max_relative_deviation is not none %}
                or relative_deviation > {{ max_relative_deviation }}
            {%- endif %}
            {%- if max_z_score is not none %}
                or z_score > {{ max_z_score }}
                or (trailing_stddev = 0 and latest_row_count <> trailing_mean)
            {%- endif %}
        )
)

select * from final

{% endtest %}
