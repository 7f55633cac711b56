{#
    The rejected products rows: raw text, lineage and rejection reasons (the rules live in
    stg_products__validated).
#}
{{ staged_rows(
    'stg_products__validated',
    ['product_id', 'name', 'category', 'price', 'rating', 'updated_at'],
    rejected=true
) }}
