with

validated as (
    select * from {{ ref('stg_customers__validated') }}
),

final as (
    select
        customer_record_id,
        customer_id,
        email,
        full_name,
        country,
        signup_at,
        has_marketing_consent,
        is_do_not_sell,
        updated_at,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at
    from validated
    where rejection_reason_count = 0
)

select * from final
