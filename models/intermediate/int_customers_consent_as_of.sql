{#-
    The consent in force at the build's as_of for every customer with a record by then: the
    latest valid version with updated_at <= as_of. A customer who withdrew marketing consent
    or asked not to have their data sold (CCPA) is suppressed: left out of the personalised
    outputs (product_recommendations, purchase_propensity), still counted in aggregates.
-#}
with

customers as (
    select * from {{ ref('stg_customers') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

versions as (
    select
        customers.customer_id,
        customers.has_marketing_consent,
        customers.is_do_not_sell,
        customers.updated_at,
        as_of.as_of_at,
        row_number() over (
            partition by customers.customer_id
            order by customers.updated_at desc
        ) as version_rank
    from customers
    inner join as_of
        on customers.updated_at <= as_of.as_of_at
),

final as (
    select
        customer_id,
        has_marketing_consent,
        is_do_not_sell,
        is_do_not_sell or not has_marketing_consent as is_suppressed,
        case
            when is_do_not_sell then 'do_not_sell'
            when not has_marketing_consent then 'marketing_consent_withdrawn'
        end as suppression_reason,
        updated_at as consent_updated_at,
        as_of_at
    from versions
    where version_rank = 1
)

select * from final
