{#
    Nothing lost in staging: the raw table's row count equals the valid rows (`model`) plus
    the rejected rows (`rejected_relation`). Returns one row (the three counts) on mismatch.
#}
{% test reconciles_with_source(model, source_relation, rejected_relation) %}

with

source_rows as (
    select count(*) as row_count from {{ source_relation }}
),

staged_rows as (
    select count(*) as row_count from {{ model }}
),

rejected_rows as (
    select count(*) as row_count from {{ rejected_relation }}
),

final as (
    select
        source_rows.row_count as source_row_count,
        staged_rows.row_count as staged_row_count,
        rejected_rows.row_count as rejected_row_count
    from source_rows
    cross join staged_rows
    cross join rejected_rows
    where source_rows.row_count <> staged_rows.row_count + rejected_rows.row_count
)

select * from final

{% endtest %}
