{#-
    The sales rules, in one place: every raw sales row, typed, with its rejection reasons.
    stg_sales keeps the rows without a reason, stg_sales__rejected the others.
    Reason order (fixed): date, product_id, quantity, price, customer_id.
    Exact duplicate rows are kept: no order id tells them apart.
-#}
{%- set raw_columns = ['date', 'product_id', 'quantity', 'price', 'customer_id'] -%}
{%- set checks = text_field_checks('date', parsed='sale_date')
    + text_field_checks('product_id', out_of_range='product_id <= 0')
    + text_field_checks('quantity', out_of_range='quantity <= 0')
    + text_field_checks('price', out_of_range='price <= 0')
    + text_field_checks('customer_id', out_of_range='customer_id <= 0') -%}

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
