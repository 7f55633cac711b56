{#-
    The customer master data rules, in one place: every raw customers row, typed, with its
    rejection reasons. stg_customers keeps the rows without a reason, stg_customers__rejected
    the others.
    Reason order (fixed): customer_id, email, signup_at, marketing_consent, do_not_sell,
    updated_at, duplicate. (customer_id, updated_at) is unique: among rows that pass every
    other rule, the latest loaded row of each pair is kept and the others are `duplicate`.
    Consent flags are the strict texts 'true' / 'false' (case-insensitive): anything else is
    invalid, never guessed, as consent must be explicit.
-#}
{%- set raw_columns = [
    'customer_id', 'email', 'full_name', 'country', 'signup_at', 'marketing_consent',
    'do_not_sell', 'updated_at',
] -%}
{%- set field_checks = text_field_checks('customer_id', out_of_range='customer_id <= 0')
    + text_field_checks(
        'email', invalid='not ' ~ matches_pattern('email_text', '^[^@ ]+@[^@ ]+[.][^@ ]+$')
    )
    + text_field_checks('signup_at')
    + text_field_checks('marketing_consent', parsed='has_marketing_consent')
    + text_field_checks('do_not_sell', parsed='is_do_not_sell')
    + text_field_checks('updated_at') -%}
{%- set checks = field_checks + [('duplicate', 'is_superseded_duplicate')] -%}

with

source as (
    select * from {{ source('raw', 'customers') }}
),

cleaned as (
    select
        {{ raw_text_columns(raw_columns) }},
        {{ blank_to_null('customer_id') }} as customer_id_text,
        lower({{ blank_to_null('email') }}) as email_text,
        {{ blank_to_null('full_name') }} as full_name_text,
        upper({{ blank_to_null('country') }}) as country_text,
        {{ blank_to_null('signup_at') }} as signup_at_text,
        lower({{ blank_to_null('marketing_consent') }}) as marketing_consent_text,
        lower({{ blank_to_null('do_not_sell') }}) as do_not_sell_text,
        {{ blank_to_null('updated_at') }} as updated_at_text
    from source
),

parsed as (
    select
        *,
        {{ parse_integer('customer_id_text') }} as customer_id,
        {{ parse_iso_timestamp_utc('signup_at_text') }} as signup_at,
        {{ parse_iso_timestamp_utc('updated_at_text') }} as updated_at,
        case
            when marketing_consent_text = 'true' then true
            when marketing_consent_text = 'false' then false
        end as has_marketing_consent,
        case
            when do_not_sell_text = 'true' then true
            when do_not_sell_text = 'false' then false
        end as is_do_not_sell
    from cleaned
),

ranked as (
    select
        *,
        {{ is_superseded_duplicate(field_checks, ['customer_id', 'updated_at']) }}
            as is_superseded_duplicate
    from parsed
),

final as (
    select
        {{ surrogate_key_of_row() }} as customer_record_id,
        customer_id,
        email_text as email,
        full_name_text as full_name,
        case
            when {{ matches_pattern('country_text', '^[A-Z]{2}$') }} then country_text
        end as country,
        signup_at,
        has_marketing_consent,
        is_do_not_sell,
        updated_at,
        {{ validated_tail_columns(raw_columns, checks) }}
    from ranked
)

select * from final
