{#
    The CTEs of the column-value `mostly` generic tests, up to `final`: the rows of `model`
    matching row_condition where `column_name` is not null (column_values_in_scope), those of
    them where `failing_condition` holds, and `final`, holding the failing rows when the
    passing fraction is below `mostly` (mostly_failing_rows). The test then ends with
    `select * from final`.
#}
{% macro failing_column_values(
    model, column_name, failing_condition, row_condition=none, mostly=1.0
) -%}
{{ column_values_in_scope(model, column_name, row_condition) }},

failing as (
    select * from evaluated
    where {{ failing_condition }}
),

{{ mostly_failing_rows(mostly) }}
{%- endmacro %}
