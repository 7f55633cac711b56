{#-
    The web analytics rules, in one place: every raw user_behavior row, typed, with its
    rejection reasons. stg_user_behavior keeps the rows without a reason,
    stg_user_behavior__rejected the others.
    Reason order (fixed): user_id, page_views, session_duration, timestamp, duplicate.
    (user_id, behavior_at) is unique: among rows that pass every other rule, the latest loaded
    row of each pair is kept and the others are `duplicate`. A row with another fault gets
    only its own reasons and does not compete (nor supersede a valid row).
-#}
{%- set raw_columns = ['user_id', 'page_views', 'session_duration', 'timestamp'] -%}
{%- set field_checks = text_field_checks('user_id')
    + text_field_checks('page_views', out_of_range='page_views < 0 or page_views > 1000')
    + text_field_checks(
        'session_duration', out_of_range='session_duration < 0 or session_duration > 7200'
    )
    + text_field_checks('timestamp', parsed='behavior_at') -%}
{%- set checks = field_checks + [('duplicate', 'is_superseded_duplicate')] -%}

with

source as (
    select * from {{ source('raw', 'user_behavior') }}
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
        {{ parse_integer('user_id_text') }} as user_id,
        {{ parse_integer('page_views_text') }} as page_views,
        {{ parse_integer('session_duration_text') }} as session_duration,
        {{ parse_iso_timestamp_utc('timestamp_text') }} as behavior_at
    from cleaned
),

ranked as (
    select
        *,
        {{ is_superseded_duplicate(field_checks, ['user_id', 'behavior_at']) }}
            as is_superseded_duplicate
    from parsed
),

final as (
    select
        {{ surrogate_key_of_row() }} as behavior_id,
        user_id,
        case
            when page_views between 0 and 1000 then cast(page_views as integer)
        end as page_views,
        case
            when session_duration between 0 and 7200 then cast(session_duration as integer)
        end as session_duration,
        behavior_at,
        {{ validated_tail_columns(raw_columns, checks) }}
    from ranked
)

select * from final
