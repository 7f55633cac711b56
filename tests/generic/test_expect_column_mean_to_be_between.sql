{#
    Drift check: the mean of `column_name` over the rows matching row_condition (nulls left
    out) lies within min_value and max_value (inclusive unless strict_min / strict_max; either
    may be omitted). Returns one row with the observed mean when it does not, or when there is
    no value to average.
#}
{% test expect_column_mean_to_be_between(
    model,
    column_name,
    min_value=none,
    max_value=none,
    strict_min=false,
    strict_max=false,
    row_condition=none
) %}

with

rows_in_scope as (
    {{ rows_in_scope(model, row_condition) }}
),

observed as (
    select
        avg(cast({{ column_name }} as {{ dbt.type_float() | lower }})) as observed_mean,
        count({{ column_name }}) as evaluated_rows
    from rows_in_scope
),

{{ observed_out_of_bounds(
    'expect_column_mean_to_be_between',
    'observed_mean', min_value, max_value, strict_min, strict_max
) }}

select * from final

{% endtest %}
