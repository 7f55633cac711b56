{#
    The valid events rows (no rejection reason), typed (the rules live in
    stg_events__validated).
#}
{{ staged_rows(
    'stg_events__validated',
    [
        'event_id', 'user_id', 'event_type', 'event_at', 'event_date', 'product_id',
        'amount', 'page', 'search_query', 'data',
    ]
) }}
