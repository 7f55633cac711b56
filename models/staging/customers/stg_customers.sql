{#
    The valid customers rows (no rejection reason), typed (the rules live in
    stg_customers__validated).
#}
{{ staged_rows(
    'stg_customers__validated',
    [
        'customer_record_id', 'customer_id', 'email', 'full_name', 'country', 'signup_at',
        'has_marketing_consent', 'is_do_not_sell', 'updated_at',
    ]
) }}
