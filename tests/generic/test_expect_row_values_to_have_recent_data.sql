{#
    The latest `column_name` (rows matching row_condition) is no older than `interval`
    `datepart`s before a reference time. The reference is never the wall clock by default, so a
    rebuild over the same data gives the same verdict. It is, in order: the dbt var named
    `reference_var` when that var is set (e.g. as_of); else the max of `reference_column`
    (default: column_name) in `reference_relation` (default: the model itself; e.g. the latest
    event of all sources); else the wall clock, only with use_wall_clock=true. Returns one
    row (latest value, reference, threshold) when the data is older, or when there is none.
#}
{% test expect_row_values_to_have_recent_data(
    model,
    column_name,
    datepart='day',
    interval=1,
    reference_var=none,
    reference_relation=none,
    reference_column=none,
    use_wall_clock=false,
    row_condition=none
) %}

{%- set reference_var_value = var(reference_var, none) if reference_var else none %}
{%- set timestamp_type = dbt.type_timestamp() | lower %}
{%- do require_one_of('expect_row_values_to_have_recent_data', {
    'reference_var': reference_var_value,
    'reference_relation': reference_relation,
    'reference_column': reference_column,
    'use_wall_clock=true': true if use_wall_clock else none,
}) %}
{%- if execute and (interval is boolean or interval is not number) -%}
    {{ exceptions.raise_compiler_error("interval must be a number") }}
{%- endif %}

with

latest as (
    select max({{ column_name }}) as latest_at
    from {{ model }}
    {%- if row_condition %}
        where {{ row_condition }}
    {%- endif %}
),

reference as (
    {%- if reference_var_value is not none %}
        select
            cast({{ sql_string_literal(reference_var_value) }} as {{ timestamp_type }})
            as reference_at
    {%- elif reference_relation is not none or reference_column is not none %}
        select
            cast(
                max({{ reference_column or column_name }}) as {{ timestamp_type }}
            ) as reference_at
        from {{ reference_relation or model }}
    {%- else %}
        select cast({{ dbt.current_timestamp() }} as {{ timestamp_type }}) as reference_at
    {%- endif %}
),

compared as (
    select
        latest.latest_at,
        reference.reference_at,
        {{ dbt.dateadd(datepart, -1 * interval, 'reference.reference_at') }} as threshold_at
    from latest
    cross join reference
),

final as (
    select * from compared
    where latest_at is null or cast(latest_at as {{ timestamp_type }}) < threshold_at
)

select * from final

{% endtest %}
