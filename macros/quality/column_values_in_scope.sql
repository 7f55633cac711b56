{#
    The common start of the column-value generic tests: the CTEs `rows_in_scope` (the rows
    of `model` matching row_condition, all rows when none) and `evaluated` (those of them
    where `column_name` is not null: nulls are left to not_null). The test goes on with its
    `failing` CTE and mostly_failing_rows.
#}
{% macro column_values_in_scope(model, column_name, row_condition=none) -%}
rows_in_scope as (
    {{ rows_in_scope(model, row_condition) }}
),

evaluated as (
    select * from rows_in_scope
    where {{ column_name }} is not null
)
{%- endmacro %}
