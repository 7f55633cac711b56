{#
    Every non-null `column_name` of the model's rows matching from_condition exists as `field`
    in the rows of `to` matching to_condition (a filtered foreign key). Fails when the fraction
    of evaluated child rows with a parent is below `mostly`; then returns the orphan rows.
#}
{% test relationships_where(
    model,
    column_name,
    to,
    field,
    from_condition='1 = 1',
    to_condition='1 = 1',
    mostly=1.0
) %}

with

children as {{ cte_not_materialized() }}(
    select * from {{ model }}
    where {{ column_name }} is not null and ({{ from_condition }})
),

parents as (
    select {{ field }} as parent_key from {{ to }}
    where {{ to_condition }}
),

failing as (
    select children.*
    from children
    left join parents
        on children.{{ column_name }} = parents.parent_key
    where parents.parent_key is null
),

{{ mostly_failing_rows(mostly, evaluated='children') }}

select * from final

{% endtest %}
