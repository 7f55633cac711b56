{#
    The rejected customers rows: raw text, lineage and rejection reasons (the rules live in
    stg_customers__validated).
#}
{{ staged_rows(
    'stg_customers__validated', raw_contract_columns('customers'), rejected=true
) }}
