{#-
    The payment rules, in one place: every raw transactions row, typed, with its rejection
    reasons. stg_transactions keeps the rows without a reason, stg_transactions__rejected the
    others. Reason order (fixed): transaction_id, user_id, amount, timestamp, duplicate.
    transaction_id is unique: among rows that pass every other rule, the latest loaded row of
    each id is kept and the others are `duplicate`. A row with another fault gets only its own
    reasons and does not compete.
-#}
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
        transaction_id as raw_transaction_id,
        user_id as raw_user_id,
        amount as raw_amount,
        {{ adapter.quote('timestamp') }} as raw_timestamp,
        _extra,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at,
        {{ blank_to_null('transaction_id') }} as transaction_id_text,
        {{ blank_to_null('user_id') }} as user_id_text,
        {{ blank_to_null('amount') }} as amount_text,
        {{ blank_to_null(adapter.quote('timestamp')) }} as timestamp_text
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
                partition by is_otherwise_valid, transaction_id
                order by {{ lineage_recency_order() }}
            ) > 1,
            false
        ) as is_superseded_duplicate
    from flagged
),

final as (
    select
        transaction_id,
        user_id,
        amount,
        transaction_at,
        raw_transaction_id,
        raw_user_id,
        raw_amount,
        raw_timestamp,
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
