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
{%- set field_checks = [
    ('missing_customer_id', 'customer_id_text is null'),
    ('invalid_customer_id', 'customer_id_text is not null and customer_id is null'),
    ('out_of_range_customer_id', 'customer_id <= 0'),
    ('missing_email', 'email_text is null'),
    (
        'invalid_email',
        'email_text is not null and not ' ~ matches_pattern('email_text', '^[^@ ]+@[^@ ]+[.][^@ ]+$'),
    ),
    ('missing_signup_at', 'signup_at_text is null'),
    ('invalid_signup_at', 'signup_at_text is not null and signup_at is null'),
    ('missing_marketing_consent', 'marketing_consent_text is null'),
    (
        'invalid_marketing_consent',
        'marketing_consent_text is not null and has_marketing_consent is null',
    ),
    ('missing_do_not_sell', 'do_not_sell_text is null'),
    ('invalid_do_not_sell', 'do_not_sell_text is not null and is_do_not_sell is null'),
    ('missing_updated_at', 'updated_at_text is null'),
    ('invalid_updated_at', 'updated_at_text is not null and updated_at is null'),
] -%}
{%- set checks = field_checks + [('duplicate', 'is_superseded_duplicate')] -%}

with

source as (
    select * from {{ source('raw', 'customers') }}
),

cleaned as (
    select
        customer_id as raw_customer_id,
        email as raw_email,
        full_name as raw_full_name,
        country as raw_country,
        signup_at as raw_signup_at,
        marketing_consent as raw_marketing_consent,
        do_not_sell as raw_do_not_sell,
        updated_at as raw_updated_at,
        _extra,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at,
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

flagged as (
    select
        *,
        {{ rejection_reason_count(field_checks) }} = 0 as is_otherwise_valid
    from parsed
),

ranked as (
    select
        *,
        coalesce(
            is_otherwise_valid
            and row_number() over (
                partition by is_otherwise_valid, customer_id, updated_at
                order by {{ lineage_recency_order() }}
            ) > 1,
            false
        ) as is_superseded_duplicate
    from flagged
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
        raw_customer_id,
        raw_email,
        raw_full_name,
        raw_country,
        raw_signup_at,
        raw_marketing_consent,
        raw_do_not_sell,
        raw_updated_at,
        _extra,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at,
        {{ rejection_reasons(checks) }} as rejection_reasons,
        {{ rejection_reason_count(checks) }} as rejection_reason_count
    from ranked
)

select * from final
