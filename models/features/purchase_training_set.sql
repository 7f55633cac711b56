{#-
    Point-in-time training set of the purchase-propensity model.

    Label times are UTC midnights: the end of every day of the data range (from the data,
    never the wall clock). A row's features count only activity on days before its label
    date, i.e. strictly before label_at; its label looks at the horizon after it. Activity is
    first aggregated per user and day, then every feature is a window over a user's days
    ordered by a day number, with range frames that end the day before the label day. That
    is one sort per user instead of a join of every label time with every event.
-#}
{%- set horizon_days = var('purchase_label_horizon_days') | int -%}
{%- set label_every_days = var('training_label_every_days') | int -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set as_of_at = "cast(null as " ~ dbt.type_timestamp() ~ ")" if var('as_of') is none
    else ml_timestamp_literal(var('as_of')) -%}
{%- set by_day = "partition by activity.user_id order by activity.day_index" -%}
{%- set last_7_days = by_day ~ " range between 7 preceding and 1 preceding" -%}
{%- set last_28_days = by_day ~ " range between 28 preceding and 1 preceding" -%}
{%- set all_before = by_day ~ " range between unbounded preceding and 1 preceding" -%}
{%- set horizon = by_day ~ " range between current row and "
    ~ (horizon_days - 1) ~ " following" -%}

with

-- The valid events (stg_events) with their sessions (a gap of more than 30 minutes to the
-- user's previous event starts one; exactly 30:00 stays in the session).
events as (
    select * from {{ ref('int_events_sessionized') }}
),

transactions as (
    select * from {{ ref('stg_transactions') }}
),

sales as (
    select * from {{ ref('stg_sales') }}
),

-- The last day of data: the day of as_of, or of the latest valid event.
data_end as (
    select cast(coalesce({{ as_of_at }}, max(events.event_at)) as date) as last_date
    from events
),

data_range as (
    select
        data_end.last_date,
        {{ ml_day_number('data_end.last_date') }} as last_day_index
    from data_end
),

events_in_range as (
    select
        events.user_id,
        events.event_type,
        events.event_at,
        events.product_id,
        events.amount,
        events.is_session_start,
        {{ ml_day_number('events.event_date') }} as day_index
    from events
    cross join data_range
    where events.event_date <= data_range.last_date
),

transactions_in_range as (
    select
        transactions.user_id,
        transactions.amount,
        {{ ml_day_number('transactions.transaction_at') }} as day_index
    from transactions
    cross join data_range
    where cast(transactions.transaction_at as date) <= data_range.last_date
),

sales_in_range as (
    select
        sales.customer_id as user_id,
        sales.quantity * sales.price as amount,
        {{ ml_day_number('sales.sale_date') }} as day_index
    from sales
    cross join data_range
    where sales.sale_date <= data_range.last_date
),

session_starts as (
    select
        events_in_range.user_id,
        events_in_range.day_index,
        count(*) as sessions
    from events_in_range
    where events_in_range.is_session_start
    group by events_in_range.user_id, events_in_range.day_index
),

-- The day a user first touched each product: summed over days, the distinct products so far.
first_product_touches as (
    select
        events_in_range.user_id,
        min(events_in_range.day_index) as day_index
    from events_in_range
    where events_in_range.product_id is not null
    group by events_in_range.user_id, events_in_range.product_id
),

event_days as (
    select
        events_in_range.user_id,
        events_in_range.day_index,
        count(*) as events,
        sum(case when events_in_range.event_type = 'page_view' then 1 else 0 end)
            as page_view_events,
        sum(case when events_in_range.event_type = 'click' then 1 else 0 end) as click_events,
        sum(case when events_in_range.event_type = 'search' then 1 else 0 end) as search_events,
        sum(case when events_in_range.event_type = 'add_to_cart' then 1 else 0 end)
            as add_to_cart_events,
        sum(case when events_in_range.event_type = 'purchase' then 1 else 0 end)
            as purchase_events,
        sum(case when events_in_range.event_type = 'purchase' then events_in_range.amount end)
            as purchase_value
    from events_in_range
    group by events_in_range.user_id, events_in_range.day_index
),

-- One stream of daily measures from every source; the label rows are added below.
activity_measures as (
    select
        event_days.user_id,
        event_days.day_index,
        event_days.events,
        event_days.page_view_events,
        event_days.click_events,
        event_days.search_events,
        event_days.add_to_cart_events,
        event_days.purchase_events,
        event_days.purchase_value,
        1 as active_days,
        0 as sessions,
        0 as new_products,
        0 as transaction_count,
        null as transaction_amount,
        0 as sales_lines,
        null as sales_amount
    from event_days

    union all

    select
        session_starts.user_id,
        session_starts.day_index,
        0 as events,
        0 as page_view_events,
        0 as click_events,
        0 as search_events,
        0 as add_to_cart_events,
        0 as purchase_events,
        null as purchase_value,
        0 as active_days,
        session_starts.sessions,
        0 as new_products,
        0 as transaction_count,
        null as transaction_amount,
        0 as sales_lines,
        null as sales_amount
    from session_starts

    union all

    select
        first_product_touches.user_id,
        first_product_touches.day_index,
        0 as events,
        0 as page_view_events,
        0 as click_events,
        0 as search_events,
        0 as add_to_cart_events,
        0 as purchase_events,
        null as purchase_value,
        0 as active_days,
        0 as sessions,
        count(*) as new_products,
        0 as transaction_count,
        null as transaction_amount,
        0 as sales_lines,
        null as sales_amount
    from first_product_touches
    group by first_product_touches.user_id, first_product_touches.day_index

    union all

    select
        transactions_in_range.user_id,
        transactions_in_range.day_index,
        0 as events,
        0 as page_view_events,
        0 as click_events,
        0 as search_events,
        0 as add_to_cart_events,
        0 as purchase_events,
        null as purchase_value,
        0 as active_days,
        0 as sessions,
        0 as new_products,
        count(*) as transaction_count,
        sum(transactions_in_range.amount) as transaction_amount,
        0 as sales_lines,
        null as sales_amount
    from transactions_in_range
    group by transactions_in_range.user_id, transactions_in_range.day_index

    union all

    select
        sales_in_range.user_id,
        sales_in_range.day_index,
        0 as events,
        0 as page_view_events,
        0 as click_events,
        0 as search_events,
        0 as add_to_cart_events,
        0 as purchase_events,
        null as purchase_value,
        0 as active_days,
        0 as sessions,
        0 as new_products,
        0 as transaction_count,
        null as transaction_amount,
        count(*) as sales_lines,
        sum(sales_in_range.amount) as sales_amount
    from sales_in_range
    group by sales_in_range.user_id, sales_in_range.day_index
),

user_days as (
    select
        activity_measures.user_id,
        activity_measures.day_index,
        sum(activity_measures.events) as events,
        sum(activity_measures.page_view_events) as page_view_events,
        sum(activity_measures.click_events) as click_events,
        sum(activity_measures.search_events) as search_events,
        sum(activity_measures.add_to_cart_events) as add_to_cart_events,
        sum(activity_measures.purchase_events) as purchase_events,
        sum(activity_measures.purchase_value) as purchase_value,
        sum(activity_measures.active_days) as active_days,
        sum(activity_measures.sessions) as sessions,
        sum(activity_measures.new_products) as new_products,
        sum(activity_measures.transaction_count) as transaction_count,
        sum(activity_measures.transaction_amount) as transaction_amount,
        sum(activity_measures.sales_lines) as sales_lines,
        sum(activity_measures.sales_amount) as sales_amount
    from activity_measures
    group by activity_measures.user_id, activity_measures.day_index
),

users as (
    select
        user_days.user_id,
        min(user_days.day_index) as first_day_index
    from user_days
    group by user_days.user_id
),

-- Label times: the end of each day with valid events (the next day's midnight), every
-- `training_label_every_days` days counted back from the end of the last day, which is the
-- scoring snapshot (its label window lies after the data, so it has no label).
label_days as (
    select distinct
        data_range.last_day_index,
        events_in_range.day_index + 1 as day_index
    from events_in_range
    cross join data_range
    where
        mod(data_range.last_day_index - events_in_range.day_index, {{ label_every_days }}) = 0
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

activity as (
    select
        user_days.*,
        false as is_label_row
    from user_days

    union all

    select
        label_rows.user_id,
        label_rows.day_index,
        0 as events,
        0 as page_view_events,
        0 as click_events,
        0 as search_events,
        0 as add_to_cart_events,
        0 as purchase_events,
        null as purchase_value,
        0 as active_days,
        0 as sessions,
        0 as new_products,
        0 as transaction_count,
        null as transaction_amount,
        0 as sales_lines,
        null as sales_amount,
        true as is_label_row
    from label_rows
),

windowed as (
    select
        activity.user_id,
        activity.day_index,
        activity.is_label_row,
        sum(activity.events) over ({{ last_7_days }}) as events_7d,
        sum(activity.events) over ({{ last_28_days }}) as events_28d,
        sum(activity.events) over ({{ all_before }}) as events_total,
        sum(activity.page_view_events) over ({{ last_28_days }}) as page_view_events_28d,
        sum(activity.click_events) over ({{ last_28_days }}) as click_events_28d,
        sum(activity.search_events) over ({{ last_28_days }}) as search_events_28d,
        sum(activity.add_to_cart_events) over ({{ last_7_days }}) as add_to_cart_events_7d,
        sum(activity.add_to_cart_events) over ({{ last_28_days }}) as add_to_cart_events_28d,
        sum(activity.purchase_events) over ({{ last_7_days }}) as purchase_events_7d,
        sum(activity.purchase_events) over ({{ last_28_days }}) as purchase_events_28d,
        sum(activity.purchase_events) over ({{ all_before }}) as purchase_events_total,
        sum(activity.purchase_value) over ({{ last_28_days }}) as purchase_value_28d,
        sum(activity.purchase_value) over ({{ all_before }}) as purchase_value_total,
        sum(activity.sessions) over ({{ last_7_days }}) as sessions_7d,
        sum(activity.sessions) over ({{ last_28_days }}) as sessions_28d,
        sum(activity.active_days) over ({{ last_28_days }}) as active_days_28d,
        sum(activity.new_products) over ({{ all_before }}) as distinct_products_total,
        sum(activity.transaction_count) over ({{ last_28_days }}) as transactions_28d,
        sum(activity.transaction_amount) over ({{ last_28_days }}) as transaction_amount_28d,
        sum(activity.sales_lines) over ({{ last_28_days }}) as sales_lines_28d,
        sum(activity.sales_amount) over ({{ last_28_days }}) as sales_amount_28d,
        min(activity.day_index) over ({{ all_before }}) as first_day_index,
        max(case when activity.events > 0 then activity.day_index end)
            over ({{ all_before }}) as last_event_day_index,
        max(case when activity.purchase_events > 0 then activity.day_index end)
            over ({{ all_before }}) as last_purchase_day_index,
        sum(activity.purchase_events) over ({{ horizon }}) as purchase_events_in_horizon
    from activity
),

final as (
    select
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
                then windowed.purchase_events_in_horizon > 0
        end as purchased_in_horizon,
        -- features, from activity strictly before label_at
        cast(coalesce(windowed.events_7d, 0) as {{ bigint }}) as events_7d,
        cast(coalesce(windowed.events_28d, 0) as {{ bigint }}) as events_28d,
        cast(coalesce(windowed.events_total, 0) as {{ bigint }}) as events_total,
        cast(coalesce(windowed.page_view_events_28d, 0) as {{ bigint }}) as page_view_events_28d,
        cast(coalesce(windowed.click_events_28d, 0) as {{ bigint }}) as click_events_28d,
        cast(coalesce(windowed.search_events_28d, 0) as {{ bigint }}) as search_events_28d,
        cast(coalesce(windowed.add_to_cart_events_7d, 0) as {{ bigint }}) as add_to_cart_events_7d,
        cast(coalesce(windowed.add_to_cart_events_28d, 0) as {{ bigint }})
            as add_to_cart_events_28d,
        cast(coalesce(windowed.purchase_events_7d, 0) as {{ bigint }}) as purchase_events_7d,
        cast(coalesce(windowed.purchase_events_28d, 0) as {{ bigint }}) as purchase_events_28d,
        cast(coalesce(windowed.purchase_events_total, 0) as {{ bigint }}) as purchase_events_total,
        cast(coalesce(windowed.sessions_7d, 0) as {{ bigint }}) as sessions_7d,
        cast(coalesce(windowed.sessions_28d, 0) as {{ bigint }}) as sessions_28d,
        cast(coalesce(windowed.active_days_28d, 0) as {{ bigint }}) as active_days_28d,
        cast(coalesce(windowed.distinct_products_total, 0) as {{ bigint }})
            as distinct_products_total,
        cast(coalesce(windowed.transactions_28d, 0) as {{ bigint }}) as transactions_28d,
        cast(coalesce(windowed.sales_lines_28d, 0) as {{ bigint }}) as sales_lines_28d,
        cast(coalesce(windowed.purchase_value_28d, 0) as decimal(18, 2)) as purchase_value_28d,
        cast(coalesce(windowed.purchase_value_total, 0) as decimal(18, 2)) as purchase_value_total,
        cast(coalesce(windowed.transaction_amount_28d, 0) as decimal(18, 2))
            as transaction_amount_28d,
        cast(coalesce(windowed.sales_amount_28d, 0) as decimal(18, 2)) as sales_amount_28d,
        windowed.day_index - windowed.first_day_index as days_since_first_seen,
        windowed.day_index - windowed.last_event_day_index as days_since_last_event,
        windowed.day_index - windowed.last_purchase_day_index as days_since_last_purchase
    from windowed
    inner join label_rows
        on
            windowed.user_id = label_rows.user_id
            and windowed.day_index = label_rows.day_index
    where windowed.is_label_row
)

select * from final
