{#-
    One row per user and UTC day with any valid activity: events (with their sessions),
    payment transactions or sales lines (as customer). Counts are 0 and amounts null on a
    day without that activity. Every day of the data, no as_of cut: the features apply it.
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set money = 'decimal(18, 2)' %}

with

events as (
    select * from {{ ref('int_events_sessionized') }}
),

transactions as (
    select * from {{ ref('stg_transactions') }}
),

sales as (
    select * from {{ ref('stg_sales') }}
),

event_days as (
    select
        events.user_id,
        events.event_date as activity_date,
        count(*) as events,
        {%- for event_type in ['page_view', 'click', 'search', 'add_to_cart', 'purchase'] %}
            sum(case when events.event_type = '{{ event_type }}' then 1 else 0 end)
                as {{ event_type }}_events,
        {% endfor %}
        sum(case when events.event_type = 'purchase' then events.amount end) as purchase_value,
        sum(case when events.is_session_start then 1 else 0 end) as sessions
    from events
    group by events.user_id, events.event_date
),

-- The day a user first touched each product: summed over days, the distinct products so far.
first_product_touches as (
    select
        events.user_id,
        min(events.event_date) as activity_date
    from events
    where events.product_id is not null
    group by events.user_id, events.product_id
),

new_product_days as (
    select
        first_product_touches.user_id,
        first_product_touches.activity_date,
        count(*) as new_products
    from first_product_touches
    group by first_product_touches.user_id, first_product_touches.activity_date
),

transaction_days as (
    select
        transactions.user_id,
        cast(transactions.transaction_at as date) as activity_date,
        count(*) as transaction_count,
        sum(transactions.amount) as transaction_amount
    from transactions
    group by transactions.user_id, cast(transactions.transaction_at as date)
),

sales_days as (
    select
        sales.customer_id as user_id,
        sales.sale_date as activity_date,
        count(*) as sales_lines,
        sum(sales.quantity * sales.price) as sales_amount
    from sales
    group by sales.customer_id, sales.sale_date
),

-- Product touches come from events, so the event days already hold their days.
user_days as (
    select
        event_days.user_id,
        event_days.activity_date
    from event_days
    union
    select
        transaction_days.user_id,
        transaction_days.activity_date
    from transaction_days
    union
    select
        sales_days.user_id,
        sales_days.activity_date
    from sales_days
),

final as (
    select
        user_days.user_id,
        user_days.activity_date,
        -- events
        cast(coalesce(event_days.events, 0) as {{ bigint }}) as events,
        cast(coalesce(event_days.page_view_events, 0) as {{ bigint }}) as page_view_events,
        cast(coalesce(event_days.click_events, 0) as {{ bigint }}) as click_events,
        cast(coalesce(event_days.search_events, 0) as {{ bigint }}) as search_events,
        cast(coalesce(event_days.add_to_cart_events, 0) as {{ bigint }}) as add_to_cart_events,
        cast(coalesce(event_days.purchase_events, 0) as {{ bigint }}) as purchase_events,
        cast(event_days.purchase_value as {{ money }}) as purchase_value,
        cast(coalesce(event_days.sessions, 0) as {{ bigint }}) as sessions,
        cast(coalesce(new_product_days.new_products, 0) as {{ bigint }}) as new_products,
        -- payments and sales
        cast(coalesce(transaction_days.transaction_count, 0) as {{ bigint }}) as transaction_count,
        cast(transaction_days.transaction_amount as {{ money }}) as transaction_amount,
        cast(coalesce(sales_days.sales_lines, 0) as {{ bigint }}) as sales_lines,
        cast(sales_days.sales_amount as {{ money }}) as sales_amount
    from user_days
    {% for day_rows in ['event_days', 'new_product_days', 'transaction_days', 'sales_days'] %}
        left join {{ day_rows }}
            on
                user_days.user_id = {{ day_rows }}.user_id
                and user_days.activity_date = {{ day_rows }}.activity_date
    {% endfor %}
)

select * from final
