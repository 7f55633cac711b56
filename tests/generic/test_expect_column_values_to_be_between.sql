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

{%- if execute and (min_value is none and max_value is none) -%}
    {{ exceptions.raise_compiler_error(
        "expect_column_values_to_be_between needs min_value or max_value") }}
{%- endif %}

with

{{ column_values_in_scope(model, column_name, row_condition) }},

failing as (
    select * from evaluated
    where
        false
        {%- if min_value is not none %}
            or not ({{ column_name }} {{ '>' if strict_min else '>=' }} {{ min_value }})
        {%- endif %}
        {%- if max_value is not none %}
            or not ({{ column_name }} {{ '<' if strict_max else '<=' }} {{ max_value }})
        {%- endif %}
),

{{ mostly_failing_rows(mostly) }}

select * from final

{% endtest %}
