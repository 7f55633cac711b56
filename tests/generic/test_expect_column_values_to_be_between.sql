{#
    Values of `column_name` lie within min_value and max_value (either may be omitted; bounds
    inclusive unless strict_min / strict_max). Nulls are not evaluated (use not_null). Fails
    when the passing fraction of the evaluated rows is below `mostly`; then returns the
    failing rows.
#}
{% test expect_column_values_to_be_between(
    model,
    column_name,
    min_value=none,
    max_value=none,
    strict_min=false,
    strict_max=false,
    row_condition=none,
    mostly=1.0
) %}

{%- set out_of_bounds = breaks_bounds(
    'expect_column_values_to_be_between',
    column_name, min_value, max_value, strict_min, strict_max
) %}

with

{{ failing_column_values(model, column_name, out_of_bounds, row_condition, mostly) }}

select * from final

{% endtest %}
