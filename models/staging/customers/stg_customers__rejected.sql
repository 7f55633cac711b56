with

validated as (
    select * from {{ ref('stg_customers__validated') }}
),

final as (
    select
        raw_customer_id as customer_id,
        raw_email as email,
        raw_full_name as full_name,
        raw_country as country,
        raw_signup_at as signup_at,
        raw_marketing_consent as marketing_consent,
        raw_do_not_sell as do_not_sell,
        raw_updated_at as updated_at,
        _extra,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at,
        rejection_reasons,
        rejection_reason_count
    from validated
    where rejection_reason_count > 0
)

select * from final
