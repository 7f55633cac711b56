-- Price intervals per product, computed from all daily catalog snapshots at once: one load
-- can land many days, which a dbt snapshot (it records only what it sees at each run) cannot
-- replay. Consecutive snapshots with the same price form one interval.
with

products as (
    select * from {{ ref('stg_products') }}
),

compared as (
    select
        product_id,
        price,
        snapshot_date,
        lag(price) over (
            partition by product_id
            order by snapshot_date
        ) as previous_price
    from products
),

flagged as (
    select
        product_id,
        price,
        snapshot_date,
        case
            when previous_price is null or previous_price <> price then 1 else 0
        end as is_price_change
    from compared
),

versioned as (
    select
        product_id,
        price,
        snapshot_date,
        sum(is_price_change) over (
            partition by product_id
            order by snapshot_date
            rows between unbounded preceding and current row
        ) as price_version
    from flagged
),

intervals as (
    select
        product_id,
        price_version,
        min(price) as price,
        min(snapshot_date) as valid_from,
        max(snapshot_date) as last_seen_date
    from versioned
    group by product_id, price_version
),

final as (
    select
        product_id,
        cast(price_version as integer) as price_version,
        price,
        valid_from,
        lead(valid_from) over (
            partition by product_id
            order by valid_from
        ) as valid_to,
        last_seen_date,
        lead(valid_from) over (
            partition by product_id
            order by valid_from
        ) is null as is_current
    from intervals
)

select * from final
