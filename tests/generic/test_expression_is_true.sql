{#
    The SQL boolean `expression` holds on every row (with column_name set, the expression is
    appended to the column: expression: '>= 0'). As dbt_utils: a row where the expression is
    null passes. Fails when the passing fraction of the rows in scope is below `mostly`; then
    returns the failing rows.
#}
{% test expression_is_true(
    model,
    expression,
    column_name=none,
    row_condition=none,
    mostly=1.0
) %}

with

evaluated as {{ cte_not_materialized() }}(
    {{ rows_in_scope(model, row_condition) }}
),

failing as (
    select * from evaluated
    {%- if column_name is none %}
        where not ({{ expression }})
    {%- else %}
        where not ({{ column_name }} {{ expression }})
    {%- endif %}
),

{{ mostly_failing_rows(mostly) }}

select * from final

{% endtest %}
