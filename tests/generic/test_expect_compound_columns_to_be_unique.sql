{#
    The combination of the columns in `column_list` is unique. ignore_row_if decides which
    rows are evaluated: 'all_values_are_missing' (default: skip rows where every column is
    null), 'any_value_is_missing', or 'never' (nulls compare equal). Fails when the fraction
    of evaluated rows whose combination is unique is below `mostly`; then returns the rows of
    the repeated combinations with their repeat count.
#}
{% test expect_compound_columns_to_be_unique(
    model,
    column_list,
    ignore_row_if='all_values_are_missing',
    row_condition=none,
    mostly=1.0
) %}

{%- set ignore_row_if_choices = ['all_values_are_missing', 'any_value_is_missing', 'never'] %}
{%- if execute and ignore_row_if not in ignore_row_if_choices -%}
    {{ exceptions.raise_compiler_error(
        "ignore_row_if must be all_values_are_missing, any_value_is_missing or never") }}
{%- endif %}
{%- set joiner = 'and ' if ignore_row_if == 'all_values_are_missing' else 'or ' %}

with

rows_in_scope as (
    {{ rows_in_scope(model, row_condition) }}
),

evaluated as {{ cte_not_materialized() }}(
    select
        {%- for column in column_list %}
            {{ column }},
        {%- endfor %}
        count(*) over (partition by {{ column_list | join(', ') }}) as n_records_with_values
    from rows_in_scope
    {%- if ignore_row_if != 'never' %}
        where not (
            {%- for column in column_list %}
                {% if not loop.first %}{{ joiner }}{% endif %}{{ column }} is null
            {%- endfor %}
        )
    {%- endif %}
),

failing as (
    select * from evaluated
    where n_records_with_values > 1
),

{{ mostly_failing_rows(mostly) }}

select * from final

{% endtest %}
