{#
    The rejected sales rows: raw text, lineage and rejection reasons (the rules live in
    stg_sales__validated).
#}
{{ staged_rows(
    'stg_sales__validated', raw_contract_columns('sales'), rejected=true
) }}
