{#
    The text of `column_name` (cast to the string type) matches the regular expression `regex`
    somewhere (search semantics, as Great Expectations: anchor with ^...$ to match the whole
    value). Nulls are not evaluated. Fails when the passing fraction of the evaluated rows is
    below `mostly`; then returns the failing rows. The match is the dispatched matches_pattern.
#}
{% test expect_column_values_to_match_regex(
    model,
    column_name,
    regex,
    row_condition=none,
    mostly=1.0
) %}

with

rows_in_scope as (
    select * from {{ model }}
    {%- if row_condition %}
        where {{ row_condition }}
    {%- endif %}
),

evaluated as (
    select * from rows_in_scope
    where {{ column_name }} is not null
),

failing as (
    select * from evaluated
    where not {{ matches_pattern(
        'cast(' ~ column_name ~ ' as ' ~ (dbt.type_string() | lower) ~ ')',
        regex | replace("'", "''")
    ) }}
),

evaluated_count as (
    select count(*) as evaluated_rows from evaluated
),

failing_count as (
    select count(*) as failing_rows from failing
),

final as (
    select failing.*
    from failing
    cross join evaluated_count
    cross join failing_count
    where {{ mostly_is_breached(
        'evaluated_count.evaluated_rows', 'failing_count.failing_rows', mostly
    ) }}
)

select * from final

{% endtest %}
