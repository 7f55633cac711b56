{#-
    The catalog rules, in one place: every raw products row, typed, with its rejection
    reasons. stg_products keeps the rows without a reason, stg_products__rejected the others.
    Reason order (fixed): product_id, category, price, rating, updated_at, snapshot_date,
    duplicate. snapshot_date comes from the file name (products_YYYY-MM-DD...).
    A (product_id, snapshot_date) pair seen twice among otherwise valid rows keeps the latest
    loaded row; the others are `duplicate` (this protects the key of stg_products).
-#}
{%- set raw_columns = ['product_id', 'name', 'category', 'price', 'rating', 'updated_at'] -%}
{%- set field_checks = text_field_checks('product_id')
    + text_field_checks('category', invalid='not is_known_category', invalid_code='unknown')
    + text_field_checks('price', out_of_range='price < 0 or price > 10000')
    + text_field_checks('rating', out_of_range='rating < 0 or rating > 5')
    + text_field_checks('updated_at', required=false)
    + [('invalid_snapshot_date', 'snapshot_date is null')] -%}
{%- set checks = field_checks + [('duplicate', 'is_superseded_duplicate')] -%}

with

source as (
    select * from {{ source('raw', 'products') }}
),

product_categories as (
    select * from {{ ref('product_categories') }}
),

cleaned as (
    select
        {{ raw_text_columns(raw_columns, 'source') }},
        {{ trimmed_text_columns(
            ['product_id', 'category', 'price', 'rating', 'updated_at'], 'source'
        ) }},
        {{ blank_to_null('source.name') }} as product_name,
        {{ extract_pattern(
            'source._source_file', '(^|/)products_([0-9]{4}-[0-9]{2}-[0-9]{2})[.][^/]*$', 2
        ) }} as snapshot_date_text,
        product_categories.category is not null as is_known_category
    from source
    left join product_categories
        on {{ blank_to_null('source.category') }} = product_categories.category
),

parsed as (
    select
        *,
        {{ parse_integer('product_id_text') }} as product_id,
        category_text as category,
        {{ parse_decimal('price_text', 18, 2) }} as price,
        {{ parse_decimal('rating_text', 18, 2) }} as rating,
        {{ parse_iso_timestamp_utc('updated_at_text') }} as updated_at,
        {{ parse_iso_date('snapshot_date_text') }} as snapshot_date
    from cleaned
),

ranked as (
    select
        *,
        {{ is_superseded_duplicate(field_checks, ['product_id', 'snapshot_date']) }}
            as is_superseded_duplicate
    from parsed
),

final as (
    select
        product_id,
        product_name,
        category,
        price,
        case when rating between 0 and 5 then cast(rating as decimal(4, 2)) end as rating,
        updated_at,
        snapshot_date,
        {{ validated_tail_columns(raw_columns, checks) }}
    from ranked
)

select * from final
