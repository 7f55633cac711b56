{#
    A whole stg_<source> or stg_<source>__rejected model: the rows of `validated_model` with
    no rejection reason (the typed `columns`, then the lineage columns), or with at least one
    (when rejected: each raw column under its raw name, `_extra`, the lineage columns and
    the reasons), so the pair splits the validated rows exactly in two.
#}
{% macro staged_rows(validated_model, columns, rejected=false) -%}
with

validated as (
    select * from {{ ref(validated_model) }}
),

final as (
    select
    {%- for column in columns %}
        {{ 'raw_' ~ column ~ ' as ' ~ adapter.quote(column) if rejected else column }},
    {%- endfor %}
        {%- if rejected %}
        _extra,
        {%- endif %}
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at
        {%- if rejected %},
        rejection_reasons,
        rejection_reason_count
        {%- endif %}
    from validated
    where rejection_reason_count {{ '> 0' if rejected else '= 0' }}
)

select * from final
{%- endmacro %}
