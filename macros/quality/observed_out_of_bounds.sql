{#
    The common end of the aggregate `*_to_be_between` generic tests: the CTE `final`, holding
    the test's one `observed` row when its `observed_column` is null (nothing to measure) or
    breaks the bounds (breaks_bounds), and no row otherwise. The test then ends with
    `select * from final`.
#}
{% macro observed_out_of_bounds(
    test_name,
    observed_column,
    min_value=none,
    max_value=none,
    strict_min=false,
    strict_max=false,
    observed='observed'
) -%}
final as (
    select * from {{ observed }}
    where
        {{ observed_column }} is null
        or {{ breaks_bounds(
            test_name, observed_column, min_value, max_value, strict_min, strict_max
        ) }}
)
{%- endmacro %}
