{#
    The relation's columns, in order and compared case-insensitively, are exactly
    `column_list` once the columns in `ignore_columns` are left out (e.g. lineage columns).
    The columns come from the adapter (adapter.get_columns_in_relation: information_schema
    on DuckDB, DESCRIBE on Spark, which has no information_schema), in the relation's order.
    Returns one row per position that differs (expected and actual column name); nothing
    when the lists match.
#}
{% test expect_table_columns_to_match_ordered_list(model, column_list, ignore_columns=[]) %}

{%- set ignored = ignore_columns | map('lower') | list -%}
{%- set actual = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
        {%- if column.name | lower not in ignored -%}
            {%- do actual.append(column.name | lower) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

with

actual_columns as (
    {%- for column in actual %}
        select
            {{ loop.index }} as column_position,
            {{ sql_string_literal(column) }} as column_name
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- else %}
        select
            cast(null as {{ dbt.type_int() }}) as column_position,
            cast(null as {{ dbt.type_string() }}) as column_name
        where 1 = 0
    {%- endfor %}
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
