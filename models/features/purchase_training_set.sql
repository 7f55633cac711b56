{#-
    Point-in-time training set of the purchase-propensity model.

    Label times are UTC midnights: the end of every day of the data range (up to the day of
    int_as_of, never the wall clock). A row's features count only activity on days before its
    label date, i.e. strictly before label_at; its label looks at the horizon after it.

    How, without one window per feature over every user-day and label time: each measure's
    running total per user is computed once, on the activity days only (cumulative). A label
    time then needs the running totals at four activity days: the user's last activity day
    before the label day (totals, "days since"), before the label day - 7 and - 28 (a "7d" or
    "28d" sum is the total minus the total 7 or 28 days earlier), and the last one within the
    label horizon (the label). Those four days come from four range-frame maxima over one
    narrow sequence of activity days and label times per user; the totals from equality joins.
    The feature columns are the var `propensity_features` (the list the propensity model
    trains on), in that order, after the keys and the label.
-#}
{%- set horizon_days = var('purchase_label_horizon_days') | int -%}
{%- set label_every_days = var('training_label_every_days') | int -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set money = 'decimal(18, 2)' -%}
{#- Windowed sums: feature column -> (daily measure, window, type); zero when no activity.
    The window is the running total at which lookup day is subtracted: none for the totals. -#}
{%- set window_sums = {
    'events_7d': ('events', 'before_7d', bigint),
    'events_28d': ('events', 'before_28d', bigint),
    'events_total': ('events', none, bigint),
    'page_view_events_28d': ('page_view_events', 'before_28d', bigint),
    'click_events_28d': ('click_events', 'before_28d', bigint),
    'search_events_28d': ('search_events', 'before_28d', bigint),
    'add_to_cart_events_7d': ('add_to_cart_events', 'before_7d', bigint),
    'add_to_cart_events_28d': ('add_to_cart_events', 'before_28d', bigint),
    'purchase_events_7d': ('purchase_events', 'before_7d', bigint),
    'purchase_events_28d': ('purchase_events', 'before_28d', bigint),
    'purchase_events_total': ('purchase_events', none, bigint),
    'sessions_7d': ('sessions', 'before_7d', bigint),
    'sessions_28d': ('sessions', 'before_28d', bigint),
    'active_days_28d': ('is_active_day', 'before_28d', bigint),
    'distinct_products_total': ('new_products', none, bigint),
    'transactions_28d': ('transaction_count', 'before_28d', bigint),
    'sales_lines_28d': ('sales_lines', 'before_28d', bigint),
    'purchase_value_28d': ('purchase_value', 'before_28d', money),
    'purchase_value_total': ('purchase_value', none, money),
    'transaction_amount_28d': ('transaction_amount', 'before_28d', money),
    'sales_amount_28d': ('sales_amount', 'before_28d', money),
} -%}
{%- set measures = [] -%}
{%- for spec in window_sums.values() if spec[0] not in measures -%}
    {%- do measures.append(spec[0]) -%}
{%- endfor -%}
{%- set by_day = "partition by sequence.user_id order by sequence.day_index" -%}
{#- lookup -> (range frame end before the label day, alias of the joined running totals) -#}
{%- set lookups = {
    'before': ('1 preceding', 'totals_before'),
    'before_7d': ('8 preceding', 'totals_before_7d'),
    'before_28d': ('29 preceding', 'totals_before_28d'),
    'horizon_end': ((horizon_days - 1) ~ ' following', 'totals_to_horizon_end'),
} %}

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

-- Per user and activity day, every measure summed over the user's days up to that day, and
-- the user's last day with events and with purchase events so far.
running_totals as (
    select
        activity.user_id,
        activity.day_index,
        {%- for measure in measures %}
            sum(activity.{{ measure }}) over (
                partition by activity.user_id
                order by activity.day_index
                rows between unbounded preceding and current row
            ) as {{ measure }},
        {%- endfor %}
        max(case when activity.events > 0 then activity.day_index end) over (
            partition by activity.user_id
            order by activity.day_index
            rows between unbounded preceding and current row
        ) as last_event_day_index,
        max(case when activity.purchase_events > 0 then activity.day_index end) over (
            partition by activity.user_id
            order by activity.day_index
            rows between unbounded preceding and current row
        ) as last_purchase_day_index
    from activity
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
        users.first_day_index,
        label_days.day_index,
        label_days.last_day_index
    from users
    inner join label_days
        on users.first_day_index < label_days.day_index
),

-- Activity days and label times in one sequence per user (keys only): an activity row
-- carries its own day as activity_day_index, a label row its user's first day and the last
-- day of data.
sequence as (
    select
        activity.user_id,
        activity.day_index,
        activity.day_index as activity_day_index,
        cast(null as {{ bigint }}) as first_day_index,
        cast(null as {{ bigint }}) as last_day_index,
        false as is_label_row
    from activity
    union all
    select
        label_rows.user_id,
        label_rows.day_index,
        cast(null as {{ bigint }}) as activity_day_index,
        label_rows.first_day_index,
        label_rows.last_day_index,
        true as is_label_row
    from label_rows
),

-- Per label time, the user's last activity day in each lookup's range.
lookup_days as (
    select
        sequence.user_id,
        sequence.day_index,
        {%- for lookup, spec in lookups.items() %}
            max(sequence.activity_day_index) over (
                {{ by_day }} range between unbounded preceding and {{ spec[0] }}
            ) as {{ lookup }}_day_index,
        {%- endfor %}
        sequence.first_day_index,
        sequence.last_day_index,
        sequence.is_label_row
    from sequence
),

features as (
    select
        lookup_days.user_id,
        lookup_days.day_index,
        lookup_days.last_day_index,
        {%- for feature, spec in window_sums.items() %}
            cast(
                coalesce(totals_before.{{ spec[0] }}, 0)
                {%- if spec[1] %}
                    - coalesce({{ lookups[spec[1]][1] }}.{{ spec[0] }}, 0)
                {%- endif %}
                as {{ spec[2] }}
            ) as {{ feature }},
        {%- endfor %}
        lookup_days.day_index - lookup_days.first_day_index as days_since_first_seen,
        lookup_days.day_index - totals_before.last_event_day_index as days_since_last_event,
        lookup_days.day_index - totals_before.last_purchase_day_index
            as days_since_last_purchase,
        coalesce(totals_to_horizon_end.purchase_events, 0)
        - coalesce(totals_before.purchase_events, 0) as purchase_events_in_horizon
    from lookup_days
    {%- for lookup, spec in lookups.items() %}
        left join running_totals as {{ spec[1] }}
            on
                lookup_days.user_id = {{ spec[1] }}.user_id
                and lookup_days.{{ lookup }}_day_index = {{ spec[1] }}.day_index
    {%- endfor %}
    where lookup_days.is_label_row
),

final as (
    select
        -- features, from activity strictly before label_at (the contract orders the columns)
        {%- for feature in var('propensity_features') %}
            features.{{ feature }},
        {%- endfor %}
        -- keys
        {{ dbt.hash(dbt.concat([
            "cast(features.user_id as " ~ dbt.type_string() ~ ")",
            "'|'",
            "cast(features.day_index as " ~ dbt.type_string() ~ ")",
        ])) }} as training_row_id,
        features.user_id,
        {{ ml_date_from_day_number('features.day_index') }} as label_date,
        cast({{ ml_date_from_day_number('features.day_index') }} as timestamp) as label_at,
        cast(
            {{ ml_date_from_day_number('features.day_index + ' ~ horizon_days) }} as timestamp
        ) as label_window_end_at,
        -- label: purchase events in [label_at, label_window_end_at); null when that window
        -- reaches past the data, so no label is truncated
        features.day_index + {{ horizon_days }} <= features.last_day_index + 1
            as is_label_complete,
        -- the end of the last data day: the features the model scores users with
        features.day_index = features.last_day_index + 1 as is_scoring_snapshot,
        case
            when features.day_index + {{ horizon_days }} <= features.last_day_index + 1
                then features.purchase_events_in_horizon > 0
        end as purchased_in_horizon
    from features
)

select * from final
