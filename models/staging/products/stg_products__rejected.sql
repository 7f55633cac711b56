{#
    The rejected products rows: raw text, lineage and rejection reasons (the rules live in
    stg_products__validated).
#}
{{ staged_rows(
    'stg_products__validated', raw_contract_columns('products'), rejected=true
) }}
