{#
    The valid sales rows (no rejection reason), typed (the rules live in
    stg_sales__validated).
#}
{{ staged_rows(
    'stg_sales__validated',
    ['sale_id', 'sale_date', 'product_id', 'customer_id', 'quantity', 'price']
) }}
