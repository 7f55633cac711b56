-- A valid purchase always carries its amount (> 0, cents exact) and no other event type
-- carries one: features sum amounts per user without re-checking the event type.
with

events as (
    select * from {{ ref('stg_events') }}
),

final as (
    select
        event_id,
        event_type,
        amount
    from events
    where
        (event_type = 'purchase' and (amount is null or amount <= 0))
        or (event_type <> 'purchase' and amount is not null)
)

select * from final
