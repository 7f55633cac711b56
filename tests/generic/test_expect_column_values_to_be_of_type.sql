{#
    The column's declared type (information_schema.columns.data_type, e.g. BIGINT,
    DECIMAL(18,2), TIMESTAMP; on Spark the adapter's DESCRIBE, with the expected names
    translated by engine_type_name) is `column_type` or one of `column_type_list`, compared
    case-insensitively; a type written without parameters (DECIMAL) accepts any precision.
    A SQL column has one type for all its values, so `mostly` does not apply. Returns one row
    (column, actual type, expected types) when the type differs or the column is missing.
#}
{% test expect_column_values_to_be_of_type(
    model,
    column_name,
    column_type=none,
    column_type_list=none
) %}

{%- do require_one_of('expect_column_values_to_be_of_type', {
    'column_type': column_type, 'column_type_list': column_type_list,
}) %}
{%- set expected_types = [] %}
{%- for type_name in (column_type_list if column_type_list is not none else [column_type]) %}
    {%- do expected_types.append(engine_type_name(type_name)) %}
{%- endfor %}

with

relation_columns as (
    {{ relation_column_types(model, column_name) }}
),

expected as (
    select
        {{ sql_string_literal(expected_types | join(', ') | upper) }} as expected_types,
        lower({{ sql_string_literal(column_name) }}) as column_name
),

final as (
    select
        expected.column_name,
        relation_columns.data_type as actual_type,
        expected.expected_types
    from expected
    left join relation_columns
        on expected.column_name = relation_columns.column_name
    where
        relation_columns.data_type is null
        or not (
            false
            {%- for expected_type in expected_types %}
                or relation_columns.data_type = upper({{ sql_string_literal(expected_type) }})
                {%- if '(' not in expected_type %}
                    or relation_columns.data_type like upper(
                        {{ sql_string_literal(expected_type ~ '(%') }}
                    )
                {%- endif %}
            {%- endfor %}
        )
)

select * from final

{% endtest %}
