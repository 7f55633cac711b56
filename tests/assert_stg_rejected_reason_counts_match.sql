-- Every rejected row lists as many reason codes as rejection_reason_count says, at least one,
-- with no empty code and no spaces: the reason list is machine-readable.
{%- set sources = ['sales', 'products', 'user_behavior', 'transactions', 'events', 'customers'] %}

with

rejected as (
    {%- for source_name in sources %}
        select
            '{{ source_name }}' as source_name,
            _source_file,
            _row_number,
            rejection_reasons,
            rejection_reason_count
        from {{ ref('stg_' ~ source_name ~ '__rejected') }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select *
    from rejected
    where
        rejection_reason_count < 1
        or rejection_reasons is null
        or rejection_reasons like '% %'
        or rejection_reasons like '%,,%'
        or rejection_reasons like ',%'
        or rejection_reasons like '%,'
        or rejection_reason_count
        <> {{ dbt.length('rejection_reasons') }}
        - {{ dbt.length(dbt.replace('rejection_reasons', "','", "''")) }} + 1
)

select * from final
