{#-
    Point-in-time training set of the purchase-propensity model.

    Label times are UTC midnights: the end of every day of the data range (up to the day of
    int_as_of, never the wall clock). A row's features count only activity on days before its
    label date, i.e. strictly before label_at; its label looks at the horizon after it.

    How, without one window per feature over every user-day and label time (25 windows over
    user-days plus label times cost about 2.5 times the CPU): each measure's running total per
    user is computed once, over the activity days only. A label time then needs the running
    totals at four days: the user's last activity day before the label day (totals and "days
    since"), on or before the label day - 8 and - 29 (a "7d" or "28d" sum is the total minus
    the total then), and on or before the end of the label horizon (the label). An activity
    day stands for the days up to the user's next one, so each lookup is a join of the
    running totals with the (few) label days on that interval, and the four meet by key.
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
{#- Lookup day (the last activity day on or before the label day + offset) -> (offset,
    the measures whose running totals it needs). -#}
{%- set lookups = {
    'before': (-1, []),
    'before_7d': (-8, []),
    'before_28d': (-29, []),
    'horizon_end': (horizon_days - 1, ['purchase_events']),
} -%}
{%- set measure_types = {} -%}
{%- for spec in window_sums.values() -%}
    {%- do measure_types.update({spec[0]: spec[2] if spec[2] == bigint else 'decimal(38, 2)'}) -%}
    {%- for lookup in ['before', spec[1]] if lookup and spec[0] not in lookups[lookup][1] -%}
        {%- do lookups[lookup][1].append(spec[0]) -%}
    {%- endfor -%}
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
        data_range.last_day_index,
        case when user_activity_daily.events > 0 then 1 else 0 end as is_active_day,
        {{ ml_day_number('user_activity_daily.activity_date') }} as day_index
    from user_activity_daily
    cross join data_range
    where user_activity_daily.activity_date <= data_range.last_date
),

-- Per user and activity day: every measure summed over the user's days up to that day, the
-- user's last day with events and with purchase events so far, the user's first day, and the
-- user's next activity day (past every lookup after the last one).
running_totals as (
    select
        activity.user_id,
        activity.day_index,
        {%- for measure in lookups['before'][1] %}
            cast(
                sum(activity.{{ measure }}) over (
                    partition by activity.user_id
                    order by activity.day_index
                    rows between unbounded preceding and current row
                ) as {{ measure_types[measure] }}
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
        ) as last_purchase_day_index,
        min(activity.day_index) over (partition by activity.user_id) as first_day_index,
        coalesce(
            lead(activity.day_index) over (
                partition by activity.user_id order by activity.day_index
            ),
            activity.last_day_index + {{ horizon_days + 1 }}
        ) as next_day_index
    from activity
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
-- Per lookup, user and label day: the running totals at the user's last activity day on or
-- before the label day + the lookup's offset (an activity day covers the days up to its next
-- one). The lookup `before` has one row per label time after the user's first day.
{% for lookup, spec in lookups.items() %}
    totals_{{ lookup }} as (
        select
            running_totals.user_id,
            {%- if lookup == 'before' %}
                label_days.last_day_index,
                running_totals.first_day_index,
                running_totals.last_event_day_index,
                running_totals.last_purchase_day_index,
            {%- endif %}
            {%- for measure in spec[1] %}
                running_totals.{{ measure }},
            {%- endfor %}
            label_days.day_index
        from running_totals
        inner join label_days
            on
                running_totals.day_index - ({{ spec[0] }}) <= label_days.day_index
                and label_days.day_index < running_totals.next_day_index - ({{ spec[0] }})
    ),
{% endfor %}
features as (
    select
        totals_before.user_id,
        totals_before.day_index,
        totals_before.last_day_index,
        {%- for feature, spec in window_sums.items() %}
            cast(
                coalesce(totals_before.{{ spec[0] }}, 0)
                {%- if spec[1] %}
                    - coalesce(totals_{{ spec[1] }}.{{ spec[0] }}, 0)
                {%- endif %}
                as {{ spec[2] }}
            ) as {{ feature }},
        {%- endfor %}
        totals_before.day_index - totals_before.first_day_index as days_since_first_seen,
        totals_before.day_index - totals_before.last_event_day_index as days_since_last_event,
        totals_before.day_index - totals_before.last_purchase_day_index
            as days_since_last_purchase,
        coalesce(totals_horizon_end.purchase_events, 0)
        - coalesce(totals_before.purchase_events, 0) as purchase_events_in_horizon
    from totals_before
    {% for lookup in lookups if lookup != 'before' %}
        left join totals_{{ lookup }}
            on
                totals_before.user_id = totals_{{ lookup }}.user_id
                and totals_before.day_index = totals_{{ lookup }}.day_index
    {% endfor %}
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
