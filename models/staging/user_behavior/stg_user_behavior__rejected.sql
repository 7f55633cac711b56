{#
    The rejected user_behavior rows: raw text, lineage and rejection reasons (the rules live in
    stg_user_behavior__validated).
#}
{{ staged_rows(
    'stg_user_behavior__validated',
    ['user_id', 'page_views', 'session_duration', 'timestamp'],
    rejected=true
) }}
