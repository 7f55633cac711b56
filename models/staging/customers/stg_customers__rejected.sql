{#
    The rejected customers rows: raw text, lineage and rejection reasons (the rules live in
    stg_customers__validated).
#}
{{ staged_rows(
    'stg_customers__validated',
    [
        'customer_id', 'email', 'full_name', 'country', 'signup_at', 'marketing_consent',
        'do_not_sell', 'updated_at',
    ],
    rejected=true
) }}
