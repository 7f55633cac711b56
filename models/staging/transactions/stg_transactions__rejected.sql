with

validated as (
    select * from {{ ref('stg_transactions__validated') }}
),

final as (
    select
        raw_transaction_id as transaction_id,
        raw_user_id as user_id,
        raw_amount as amount,
        raw_timestamp as {{ adapter.quote('timestamp') }},
        _extra,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at,
        rejection_reasons,
        rejection_reason_count
    from validated
    where rejection_reason_count > 0
)

select * from final
