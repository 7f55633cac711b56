-- Customers suppressed at as_of (do-not-sell or no marketing consent) have no row in the
-- personalised outputs. One row per offending (model, user).
with

suppressed as (
    select * from {{ ref('int_customers_consent_as_of') }}
    where is_suppressed
),

recommendations as (
    select * from {{ ref('product_recommendations') }}
),

propensity as (
    select * from {{ ref('purchase_propensity') }}
),

recommended as (
    select distinct
        'product_recommendations' as model_name,
        recommendations.user_id
    from recommendations
    inner join suppressed
        on recommendations.user_id = suppressed.customer_id
),

scored as (
    select distinct
        'purchase_propensity' as model_name,
        propensity.user_id
    from propensity
    inner join suppressed
        on propensity.user_id = suppressed.customer_id
),

final as (
    select * from recommended
    union all
    select * from scored
)

select * from final
