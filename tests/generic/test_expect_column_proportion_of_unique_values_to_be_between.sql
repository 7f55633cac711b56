{#
    distinct values / non-null values of `column_name` (rows matching row_condition) lies
    within min_value and max_value, both inclusive (0 to 1; either may be omitted). Returns
    one row with the observed proportion when it does not, or when no value is present.
#}
{% test expect_column_proportion_of_unique_values_to_be_between(
    model,
    column_name,
    min_value=none,
    max_value=none,
    row_condition=none
) %}

{%- if execute and (min_value is none and max_value is none) -%}
    {{ exceptions.raise_compiler_error(
        "expect_column_proportion_of_unique_values_to_be_between needs min_value or max_value"
    ) }}
{%- endif %}

with

counts as (
    select
        count(distinct {{ column_name }}) as distinct_values,
        count({{ column_name }}) as non_null_values
    from {{ model }}
    {%- if row_condition %}
        where {{ row_condition }}
    {%- endif %}
),

observed as (
    select
        distinct_values,
        non_null_values,
        cast(distinct_values as {{ dbt.type_float() | lower }})
        / nullif(non_null_values, 0) as observed_proportion
    from counts
),

final as (
    select * from observed
    where
        observed_proportion is null
        {%- if min_value is not none %}
            or observed_proportion < {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
            or observed_proportion > {{ max_value }}
        {%- endif %}
)

select * from final

{% endtest %}
