-- The current catalog: each product as its latest valid snapshot shows it. A product missing
-- from the newest snapshot keeps its last known row (is_in_latest_snapshot says so).
with

products as (
    select * from {{ ref('stg_products') }}
),

latest_snapshot as (
    select max(snapshot_date) as snapshot_date from products
),

ranked as (
    select
        products.*,
        row_number() over (
            partition by products.product_id
            order by products.snapshot_date desc
        ) as snapshot_rank,
        min(products.snapshot_date) over (
            partition by products.product_id
        ) as first_snapshot_date
    from products
),

final as (
    select
        ranked.product_id,
        ranked.product_name,
        ranked.category,
        ranked.price,
        ranked.rating,
        ranked.updated_at,
        ranked.snapshot_date,
        ranked.first_snapshot_date,
        ranked.snapshot_date = latest_snapshot.snapshot_date as is_in_latest_snapshot,
        ranked._batch_id,
        ranked._source_file,
        ranked._row_number,
        ranked._loaded_at
    from ranked
    cross join latest_snapshot
    where ranked.snapshot_rank = 1
)

select * from final
