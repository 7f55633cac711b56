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

with

rows_in_scope as (
    {{ rows_in_scope(model, row_condition) }}
),

counts as (
    select
        count(distinct {{ column_name }}) as distinct_values,
        count({{ column_name }}) as non_null_values
    from rows_in_scope
),

observed as (
    select
        distinct_values,
        non_null_values,
        cast(distinct_values as {{ dbt.type_float() | lower }})
        / nullif(non_null_values, 0) as observed_proportion
    from counts
),

{{ observed_out_of_bounds(
    'expect_column_proportion_of_unique_values_to_be_between',
    'observed_proportion', min_value, max_value
) }}

select * from final

{% endtest %}
