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

{%- set no_match = 'not ' ~ matches_pattern(
    'cast(' ~ column_name ~ ' as ' ~ (dbt.type_string() | lower) ~ ')',
    regex | replace("'", "''")
) %}

with

{{ failing_column_values(model, column_name, no_match, row_condition, mostly) }}

select * from final

{% endtest %}
