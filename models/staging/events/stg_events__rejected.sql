{#
    The rejected events rows: raw text, lineage and rejection reasons (the rules live in
    stg_events__validated).
#}
{{ staged_rows(
    'stg_events__validated',
    ['user_id', 'event_type', 'timestamp', 'data'],
    rejected=true
) }}
