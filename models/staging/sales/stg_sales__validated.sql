{#-
    The sales rules, in one place: every raw sales row, typed, with its rejection reasons.
    stg_sales keeps the rows without a reason, stg_sales__rejected the others.
    Reason order (fixed): date, product_id, quantity, price, customer_id.
    Exact duplicate rows are kept: no order id tells them apart.
-#}
{%- set raw_columns = ['date', 'product_id', 'quantity', 'price', 'customer_id'] -%}
{%- set checks = [
    ('missing_date', 'date_text is null'),
    ('invalid_date', 'date_text is not null and sale_date is null'),
    ('missing_product_id', 'product_id_text is null'),
    ('invalid_product_id', 'product_id_text is not null and product_id is null'),
    ('out_of_range_product_id', 'product_id <= 0'),
    ('missing_quantity', 'quantity_text is null'),
    ('invalid_quantity', 'quantity_text is not null and quantity is null'),
    ('out_of_range_quantity', 'quantity <= 0'),
    ('missing_price', 'price_text is null'),
    ('invalid_price', 'price_text is not null and price is null'),
    ('out_of_range_price', 'price <= 0'),
    ('missing_customer_id', 'customer_id_text is null'),
    ('invalid_customer_id', 'customer_id_text is not null and customer_id is null'),
    ('out_of_range_customer_id', 'customer_id <= 0'),
] -%}

with

source as (
    select * from {{ source('raw', 'sales') }}
),

cleaned as (
    select
        {{ raw_text_columns(raw_columns) }},
        {{ trimmed_text_columns(raw_columns) }}
    from source
),

parsed as (
    select
        *,
        {{ parse_iso_date('date_text') }} as sale_date,
        {{ parse_integer('product_id_text') }} as product_id,
        {{ parse_integer('customer_id_text') }} as customer_id,
        {{ parse_integer('quantity_text', 'integer') }} as quantity,
        {{ parse_decimal('price_text', 18, 2) }} as price
    from cleaned
),

final as (
    select
        {{ surrogate_key_of_row() }} as sale_id,
        sale_date,
        product_id,
        customer_id,
        quantity,
        price,
        {{ validated_tail_columns(raw_columns, checks) }}
    from parsed
)

select * from final
