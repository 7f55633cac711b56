{#
    Values of `column_name` are members of `value_set` (quoted as strings unless
    quote_values=false). Nulls are not evaluated. Fails when the passing fraction of the
    evaluated rows is below `mostly`; then returns the failing rows.
#}
{% test expect_column_values_to_be_in_set(
    model,
    column_name,
    value_set,
    quote_values=true,
    row_condition=none,
    mostly=1.0
) %}

{%- if execute and (value_set is string or value_set | length == 0) -%}
    {{ exceptions.raise_compiler_error(
        "expect_column_values_to_be_in_set needs a non-empty list value_set") }}
{%- endif %}
{%- set not_in_set -%}
    {{ column_name }} not in (
        {%- for value in value_set %}
            {{ sql_string_literal(value) if quote_values else value }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    )
{%- endset %}

with

{{ failing_column_values(model, column_name, not_in_set, row_condition, mostly) }}

select * from final

{% endtest %}
