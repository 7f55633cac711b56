{#
    The rejected events rows: raw text, lineage and rejection reasons (the rules live in
    stg_events__validated).
#}
{{ staged_rows(
    'stg_events__validated', raw_contract_columns('events'), rejected=true
) }}
