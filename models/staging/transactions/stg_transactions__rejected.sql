{#
    The rejected transactions rows: raw text, lineage and rejection reasons (the rules live in
    stg_transactions__validated).
#}
{{ staged_rows(
    'stg_transactions__validated', raw_contract_columns('transactions'), rejected=true
) }}
