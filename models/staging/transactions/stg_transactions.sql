{#
    The valid transactions rows (no rejection reason), typed (the rules live in
    stg_transactions__validated).
#}
{{ staged_rows(
    'stg_transactions__validated',
    ['transaction_id', 'user_id', 'amount', 'transaction_at']
) }}
