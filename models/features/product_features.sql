{#-
    `name` is the design's column name (hence the RF04 exception). The design's price
    bins, right-closed like pandas.cut(bins=[0, 50, 200, ...]): (0, 50] budget, (50, 200] mid-range, above 200 premium (the design's upper edge 1000 is dropped:
    the issue makes premium open-ended). A price of 0 is outside the first bin, so its
    category is null, as pd.cut gives NaN.
-#}
with

products as (
    select * from {{ ref('int_products_current') }}
),

final as (
    select
        products.product_id,
        products.product_name as name,  -- noqa: RF04
        products.category,
        products.price,
        products.rating,
        case
            when products.price > 0 and products.price <= 50 then 'budget'
            when products.price > 50 and products.price <= 200 then 'mid-range'
            when products.price > 200 then 'premium'
        end as price_category
    from products
)

select * from final
