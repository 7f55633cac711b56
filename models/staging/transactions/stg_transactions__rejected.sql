{#
    The rejected transactions rows: raw text, lineage and rejection reasons (the rules live in
    stg_transactions__validated).
#}
{{ staged_rows(
    'stg_transactions__validated',
    ['transaction_id', 'user_id', 'amount', 'timestamp'],
    rejected=true
) }}
