-- timestamp is the design's column name (hence the RF04 exception below).
with

transactions as (
    select * from {{ ref('stg_transactions') }}
),

with_parts as (
    select
        transactions.transaction_id,
        transactions.user_id,
        transactions.amount,
        transactions.transaction_at,
        cast(extract(hour from transactions.transaction_at) as integer)
            as hour_of_day,
        {{ day_of_week_monday_zero('transactions.transaction_at') }} as day_of_week
    from transactions
),

final as (
    select
        with_parts.transaction_id,
        with_parts.user_id,
        with_parts.amount,
        with_parts.transaction_at as timestamp,  -- noqa: RF04
        with_parts.hour_of_day,
        with_parts.day_of_week,
        with_parts.day_of_week in (5, 6) as is_weekend
    from with_parts
)

select * from final
