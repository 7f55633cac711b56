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

{%- if execute and (min_value is none and max_value is none) -%}
    {{ exceptions.raise_compiler_error(
        "expect_column_mean_to_be_between needs min_value or max_value") }}
{%- endif %}

with

observed as (
    select
        avg(cast({{ column_name }} as {{ dbt.type_float() | lower }})) as observed_mean,
        count({{ column_name }}) as evaluated_rows
    from {{ model }}
    {%- if row_condition %}
        where {{ row_condition }}
    {%- endif %}
),

final as (
    select * from observed
    where
        observed_mean is null
        {%- if min_value is not none %}
            or not (observed_mean {{ '>' if strict_min else '>=' }} {{ min_value }})
        {%- endif %}
        {%- if max_value is not none %}
            or not (observed_mean {{ '<' if strict_max else '<=' }} {{ max_value }})
        {%- endif %}
)

select * from final

{% endtest %}
