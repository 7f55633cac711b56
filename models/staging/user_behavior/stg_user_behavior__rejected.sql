{#
    The rejected user_behavior rows: raw text, lineage and rejection reasons (the rules live in
    stg_user_behavior__validated).
#}
{{ staged_rows(
    'stg_user_behavior__validated', raw_contract_columns('user_behavior'), rejected=true
) }}
