{#-
    Point-in-time training set of the purchase-propensity model.

    Label times are UTC midnights: the end of every day of the data range (up to the day of
    int_as_of, never the wall clock). A row's features count only activity on days before its
    label date, i.e. strictly before label_at; its label looks at the horizon after it. The
    activity per user and day (int_user_activity_daily) gets one extra row per label time,
    then every feature is a window over a user's days ordered by a day number, with range
    frames that end the day before the label day: one sort per user instead of a join of
    every label time with every event. The feature columns are the var `propensity_features`
    (the list the propensity model trains on), in that order, after the keys and the label.
-#}
{%- set horizon_days = var('purchase_label_horizon_days') | int -%}
{%- set label_every_days = var('training_label_every_days') | int -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set money = 'decimal(18, 2)' -%}
{%- set by_day = "partition by rows_by_day.user_id order by rows_by_day.day_index" -%}
{%- set last_7_days = by_day ~ " range between 7 preceding and 1 preceding" -%}
{%- set last_28_days = by_day ~ " range between 28 preceding and 1 preceding" -%}
{%- set all_before = by_day ~ " range between unbounded preceding and 1 preceding" -%}
{%- set horizon = by_day ~ " range between current row and "
    ~ (horizon_days - 1) ~ " following" -%}
{#- Windowed sums: feature column -> (daily measure, frame, type); zero when no activity. -#}
{%- set window_sums = {
    'events_7d': ('events', last_7_days, bigint),
    'events_28d': ('events', last_28_days, bigint),
    'events_total': ('events', all_before, bigint),
    'page_view_events_28d': ('page_view_events', last_28_days, bigint),
    'click_events_28d': ('click_events', last_28_days, bigint),
    'search_events_28d': ('search_events', last_28_days, bigint),
    'add_to_cart_events_7d': ('add_to_cart_events', last_7_days, bigint),
    'add_to_cart_events_28d': ('add_to_cart_events', last_28_days, bigint),
    'purchase_events_7d': ('purchase_events', last_7_days, bigint),
    'purchase_events_28d': ('purchase_events', last_28_days, bigint),
    'purchase_events_total': ('purchase_events', all_before, bigint),
    'sessions_7d': ('sessions', last_7_days, bigint),
    'sessions_28d': ('sessions', last_28_days, bigint),
    'active_days_28d': ('is_active_day', last_28_days, bigint),
    'distinct_products_total': ('new_products', all_before, bigint),
    'transactions_28d': ('transaction_count', last_28_days, bigint),
    'sales_lines_28d': ('sales_lines', last_28_days, bigint),
    'purchase_value_28d': ('purchase_value', last_28_days, money),
    'purchase_value_total': ('purchase_value', all_before, money),
    'transaction_amount_28d': ('transaction_amount', last_28_days, money),
    'sales_amount_28d': ('sales_amount', last_28_days, money),
} -%}
{%- set measures = [] -%}
{%- for spec in window_sums.values() if spec[0] not in measures -%}
    {%- do measures.append(spec[0]) -%}
{%- endfor %}

with

as_of as (
    select * from {{ ref('int_as_of') }}
),

user_activity_daily as (
    select * from {{ ref('int_user_activity_daily') }}
),

-- The last day of data: the day of the reference time.
data_range as (
    select
        cast(as_of.as_of_at as date) as last_date,
        {{ ml_day_number('as_of.as_of_at') }} as last_day_index
    from as_of
),

activity as (
    select
        user_activity_daily.*,
        case when user_activity_daily.events > 0 then 1 else 0 end as is_active_day,
        {{ ml_day_number('user_activity_daily.activity_date') }} as day_index
    from user_activity_daily
    cross join data_range
    where user_activity_daily.activity_date <= data_range.last_date
),

users as (
    select
        activity.user_id,
        min(activity.day_index) as first_day_index
    from activity
    group by activity.user_id
),

-- Label times: the end of each day with valid events (the next day's midnight), every
-- `training_label_every_days` days counted back from the end of the last day, which is the
-- scoring snapshot (its label window lies after the data, so it has no label).
label_days as (
    select distinct
        data_range.last_day_index,
        activity.day_index + 1 as day_index
    from activity
    cross join data_range
    where
        activity.events > 0
        and mod(data_range.last_day_index - activity.day_index, {{ label_every_days }}) = 0
),

label_rows as (
    select
        users.user_id,
        label_days.day_index,
        label_days.last_day_index
    from users
    inner join label_days
        on users.first_day_index < label_days.day_index
),

-- Activity days and label times in one sequence per user; a label row carries no measures.
row_keys as (
    select
        activity.user_id,
        activity.day_index,
        false as is_label_row
    from activity
    union all
    select
        label_rows.user_id,
        label_rows.day_index,
        true as is_label_row
    from label_rows
),

rows_by_day as (
    select
        {%- for measure in measures %}
            activity.{{ measure }},
        {%- endfor %}
        row_keys.user_id,
        row_keys.day_index,
        row_keys.is_label_row
    from row_keys
    left join activity
        on
            row_keys.user_id = activity.user_id
            and row_keys.day_index = activity.day_index
            and not row_keys.is_label_row
),

windowed as (
    select
        rows_by_day.user_id,
        rows_by_day.day_index,
        rows_by_day.is_label_row,
        {%- for feature, spec in window_sums.items() %}
            cast(
                coalesce(sum(rows_by_day.{{ spec[0] }}) over ({{ spec[1] }}), 0)
                as {{ spec[2] }}
            ) as {{ feature }},
        {%- endfor %}
        rows_by_day.day_index - min(rows_by_day.day_index) over ({{ all_before }})
            as days_since_first_seen,
        rows_by_day.day_index
        - max(case when rows_by_day.events > 0 then rows_by_day.day_index end)
            over ({{ all_before }}) as days_since_last_event,
        rows_by_day.day_index
        - max(case when rows_by_day.purchase_events > 0 then rows_by_day.day_index end)
            over ({{ all_before }}) as days_since_last_purchase,
        sum(rows_by_day.purchase_events) over ({{ horizon }}) as purchase_events_in_horizon
    from rows_by_day
),

final as (
    select
        -- features, from activity strictly before label_at (the contract orders the columns)
        {%- for feature in var('propensity_features') %}
            windowed.{{ feature }},
        {%- endfor %}
        -- keys
        {{ dbt.hash(dbt.concat([
            "cast(windowed.user_id as " ~ dbt.type_string() ~ ")",
            "'|'",
            "cast(windowed.day_index as " ~ dbt.type_string() ~ ")",
        ])) }} as training_row_id,
        windowed.user_id,
        {{ ml_date_from_day_number('windowed.day_index') }} as label_date,
        cast({{ ml_date_from_day_number('windowed.day_index') }} as timestamp) as label_at,
        cast(
            {{ ml_date_from_day_number('windowed.day_index + ' ~ horizon_days) }} as timestamp
        ) as label_window_end_at,
        -- label: purchase events in [label_at, label_window_end_at); null when that window
        -- reaches past the data, so no label is truncated
        windowed.day_index + {{ horizon_days }} <= label_rows.last_day_index + 1
            as is_label_complete,
        -- the end of the last data day: the features the model scores users with
        windowed.day_index = label_rows.last_day_index + 1 as is_scoring_snapshot,
        case
            when windowed.day_index + {{ horizon_days }} <= label_rows.last_day_index + 1
                then coalesce(windowed.purchase_events_in_horizon, 0) > 0
        end as purchased_in_horizon
    from windowed
    inner join label_rows
        on
            windowed.user_id = label_rows.user_id
            and windowed.day_index = label_rows.day_index
    where windowed.is_label_row
)

select * from final
