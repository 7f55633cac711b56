{#-
    The payment rules, in one place: every raw transactions row, typed, with its rejection
    reasons. stg_transactions keeps the rows without a reason, stg_transactions__rejected the
    others. Reason order (fixed): transaction_id, user_id, amount, timestamp, duplicate.
    transaction_id is unique: among rows that pass every other rule, the latest loaded row of
    each id is kept and the others are `duplicate`. A row with another fault gets only its own
    reasons and does not compete.
-#}
{%- set raw_columns = ['transaction_id', 'user_id', 'amount', 'timestamp'] -%}
{%- set field_checks = [
    ('missing_transaction_id', 'transaction_id_text is null'),
    ('invalid_transaction_id', 'transaction_id_text is not null and transaction_id is null'),
    ('missing_user_id', 'user_id_text is null'),
    ('invalid_user_id', 'user_id_text is not null and user_id is null'),
    ('missing_amount', 'amount_text is null'),
    ('invalid_amount', 'amount_text is not null and amount is null'),
    ('out_of_range_amount', 'amount <= 0'),
    ('missing_timestamp', 'timestamp_text is null'),
    ('invalid_timestamp', 'timestamp_text is not null and transaction_at is null'),
] -%}
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
