{#
    The number of rows (matching row_condition) lies within min_value and max_value, both
    inclusive; either may be omitted. Returns one row with the count when it does not.
#}
{% test expect_table_row_count_to_be_between(
    model,
    min_value=none,
    max_value=none,
    row_condition=none
) %}

with

row_counts as (
    select count(*) as row_count
    from {{ model }}
    {%- if row_condition %}
        where {{ row_condition }}
    {%- endif %}
),

final as (
    select * from row_counts
    where {{ breaks_bounds(
        'expect_table_row_count_to_be_between', 'row_count', min_value, max_value
    ) }}
)

select * from final

{% endtest %}
