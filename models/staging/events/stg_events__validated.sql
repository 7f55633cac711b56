{#-
    The clickstream rules, in one place: every raw events row, typed, with its rejection
    reasons. stg_events keeps the rows without a reason, stg_events__rejected the others.
    Reason order (fixed): user_id, event_type, timestamp, data, amount.
    user_id, event_type, timestamp and data are required; data must be a JSON object (the
    text 'null' counts as missing); a purchase whose data is an object needs data.amount, a
    plain decimal number > 0 with at most 2 non-zero decimals (a JSON number, or a string
    holding one). Offsets are converted to UTC; no offset means UTC.
    Minimisation (docs/privacy.md): data.ip_address is truncated to its network and emails in
    data.query / search_query are masked; raw_data keeps the text as landed (staging only).
-#}
{%- set raw_columns = ['user_id', 'event_type', 'timestamp', 'data'] -%}
{%- set checks = text_field_checks('user_id')
    + text_field_checks(
        'event_type', invalid='not is_accepted_event_type', invalid_code='unknown'
    )
    + text_field_checks('timestamp', parsed='event_at')
    + text_field_checks('data', invalid='not is_data_object')
    + text_field_checks(
        'amount', parsed='parsed_amount', out_of_range='parsed_amount <= 0',
        when='is_purchase_with_data'
    ) -%}

with

source as (
    select * from {{ source('raw', 'events') }}
    {{ raw_batches_not_yet_validated() }}
),

accepted_event_types as (
    select * from {{ ref('accepted_event_types') }}
),

cleaned as (
    select
        {{ raw_text_columns(raw_columns, 'source') }},
        {{ trimmed_text_columns(['user_id', 'event_type', 'timestamp'], 'source') }},
        nullif({{ blank_to_null('source.data') }}, 'null') as data_text,
        accepted_event_types.event_type is not null as is_accepted_event_type
    from source
    left join accepted_event_types
        on {{ blank_to_null('source.event_type') }} = accepted_event_types.event_type
),

payload as (
    select
        *,
        case when {{ json_is_object('data_text') }} then data_text end as data_object_text
    from cleaned
),

-- The payload's fields: read from data_object_text, so null unless data is a JSON object.
fields as (
    select
        *,
        data_object_text is not null as is_data_object,
        {{ blank_to_null(json_field_text('data_object_text', 'amount')) }} as amount_text,
        {{ blank_to_null(json_field_text('data_object_text', 'product_id')) }} as product_id_text,
        {{ json_field_text('data_object_text', 'page') }} as page,
        {{ mask_emails(json_field_text('data_object_text', 'query')) }} as search_query,
        -- personal data stops here: the address is cut to its network (docs/privacy.md)
        {{ truncate_ip_address(json_field_text('data_object_text', 'ip_address')) }}
            as ip_network,
        data_object_text is not null and event_type_text = 'purchase' as is_purchase_with_data
    from payload
),

parsed as (
    select
        *,
        {{ parse_integer('user_id_text') }} as user_id,
        {{ parse_iso_timestamp_utc('timestamp_text') }} as event_at,
        {{ parse_integer('product_id_text') }} as product_id,
        {{ parse_decimal('amount_text', 18, 2) }} as parsed_amount
    from fields
),

final as (
    select
        {{ surrogate_key_of_row() }} as event_id,
        user_id,
        event_type_text as event_type,
        event_at,
        cast(event_at as date) as event_date,
        product_id,
        case when event_type_text = 'purchase' then parsed_amount end as amount,
        page,
        search_query,
        -- data is the interface's column name
        {{ try_cast_as(minimise_event_payload('data_object_text', 'ip_network'), 'json') }}
            as data,  -- noqa: RF04
        {{ validated_tail_columns(raw_columns, checks) }}
    from parsed
)

select * from final
