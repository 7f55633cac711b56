{#
    The valid user_behavior rows (no rejection reason), typed (the rules live in
    stg_user_behavior__validated).
#}
{{ staged_rows(
    'stg_user_behavior__validated',
    ['behavior_id', 'user_id', 'page_views', 'session_duration', 'behavior_at']
) }}
