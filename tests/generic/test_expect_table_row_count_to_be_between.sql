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

{%- if execute and (min_value is none and max_value is none) -%}
    {{ exceptions.raise_compiler_error(
        "expect_table_row_count_to_be_between needs min_value or max_value") }}
{%- endif %}

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
    where
        false
        {%- if min_value is not none %}
            or row_count < {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
            or row_count > {{ max_value }}
        {%- endif %}
)

select * from final

{% endtest %}
