{#
    The select-list items that end every `__validated` model: the raw text of each contract
    column (`raw_<column>`), `_extra`, the lineage columns and the row's rejection_reasons and
    rejection_reason_count under `checks` ((code, condition) pairs, in reason order).
#}
{% macro validated_tail_columns(columns, checks) -%}
    {%- for column in columns %}
        raw_{{ column }},
    {%- endfor %}
        _extra,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at,
        {{ rejection_reasons(checks) }} as rejection_reasons,
        {{ rejection_reason_count(checks) }} as rejection_reason_count
{%- endmacro %}
