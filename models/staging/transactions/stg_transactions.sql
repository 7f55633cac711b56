with

validated as (
    select * from {{ ref('stg_transactions__validated') }}
),

final as (
    select
        transaction_id,
        user_id,
        amount,
        transaction_at,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at
    from validated
    where rejection_reason_count = 0
)

select * from final
