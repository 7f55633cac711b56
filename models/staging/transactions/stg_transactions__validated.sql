{#-
    The payment rules, in one place: every raw transactions row, typed, with its rejection
    reasons. stg_transactions keeps the rows without a reason, stg_transactions__rejected the
    others. Reason order (fixed): transaction_id, user_id, amount, timestamp, duplicate.
    transaction_id is unique: among rows that pass every other rule, the latest loaded row of
    each id is kept and the others are `duplicate`. A row with another fault gets only its own
    reasons and does not compete.
-#}
{%- set raw_columns = ['transaction_id', 'user_id', 'amount', 'timestamp'] -%}
{%- set field_checks = text_field_checks('transaction_id')
    + text_field_checks('user_id')
    + text_field_checks('amount', out_of_range='amount <= 0')
    + text_field_checks('timestamp', parsed='transaction_at') -%}
{%- set checks = field_checks + [('duplicate', 'is_superseded_duplicate')] -%}

with

source as (
    select * from {{ source('raw', 'transactions') }}
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
        {{ parse_integer('transaction_id_text') }} as transaction_id,
        {{ parse_integer('user_id_text') }} as user_id,
        {{ parse_decimal('amount_text', 18, 2) }} as amount,
        {{ parse_iso_timestamp_utc('timestamp_text') }} as transaction_at
    from cleaned
),

ranked as (
    select
        *,
        {{ is_superseded_duplicate(field_checks, ['transaction_id']) }}
            as is_superseded_duplicate
    from parsed
),

final as (
    select
        transaction_id,
        user_id,
        amount,
        transaction_at,
        {{ validated_tail_columns(raw_columns, checks) }}
    from ranked
)

select * from final
