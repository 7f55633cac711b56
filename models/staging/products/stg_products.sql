{#
    The valid products rows (no rejection reason), typed (the rules live in
    stg_products__validated).
#}
{{ staged_rows(
    'stg_products__validated',
    [
        'product_id', 'product_name', 'category', 'price', 'rating', 'updated_at',
        'snapshot_date',
    ]
) }}
