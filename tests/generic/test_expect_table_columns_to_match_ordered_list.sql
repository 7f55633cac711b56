{#
    The relation's columns, in order and compared case-insensitively, are exactly
    `column_list` once the columns in `ignore_columns` are left out (e.g. lineage columns).
    Read from information_schema.columns. Returns one row per position that differs
    (expected and actual column name); nothing when the lists match.
#}
{% test expect_table_columns_to_match_ordered_list(model, column_list, ignore_columns=[]) %}

with

relation_columns as (
    select
        ordinal_position,
        lower(column_name) as column_name
    from information_schema.columns
    where
        lower(table_catalog) = lower({{ sql_string_literal(model.database) }})
        and lower(table_schema) = lower({{ sql_string_literal(model.schema) }})
        and lower(table_name) = lower({{ sql_string_literal(model.identifier) }})
        {%- for column in ignore_columns %}
            and lower(column_name) <> lower({{ sql_string_literal(column) }})
        {%- endfor %}
),

actual_columns as (
    select
        column_name,
        row_number() over (order by ordinal_position) as column_position
    from relation_columns
),

expected_columns as (
    {%- for column in column_list %}
        select
            {{ loop.index }} as column_position,
            lower({{ sql_string_literal(column) }}) as column_name
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        expected_columns.column_name as expected_column_name,
        actual_columns.column_name as actual_column_name,
        coalesce(
            expected_columns.column_position, actual_columns.column_position
        ) as column_position
    from expected_columns
    full outer join actual_columns
        on expected_columns.column_position = actual_columns.column_position
    where expected_columns.column_name is distinct from actual_columns.column_name
)

select * from final

{% endtest %}
