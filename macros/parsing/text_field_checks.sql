{#
    The rejection checks of one raw text field, in reason order, as (code, condition) pairs
    for rejection_reasons: `missing_<column>` when its trimmed text (`<column>_text`) is null
    (unless not required); `<invalid_code>_<column>` when text is present but the value is not
    acceptable (`invalid`, by default: the parsed column `parsed` is null); and
    `out_of_range_<column>` when `out_of_range` is given. `when` guards every check (the
    field is only checked on rows where it holds).
#}
{% macro text_field_checks(
    column,
    parsed=none,
    out_of_range=none,
    invalid=none,
    invalid_code='invalid',
    required=true,
    when=none
) -%}
    {%- set guard = when ~ ' and ' if when else '' -%}
    {%- set text = column ~ '_text' -%}
    {%- set checks = [] -%}
    {%- if required -%}
        {%- do checks.append(('missing_' ~ column, guard ~ text ~ ' is null')) -%}
    {%- endif -%}
    {%- do checks.append((
        invalid_code ~ '_' ~ column,
        guard ~ text ~ ' is not null and ' ~ (invalid or ((parsed or column) ~ ' is null')),
    )) -%}
    {%- if out_of_range -%}
        {%- do checks.append(('out_of_range_' ~ column, guard ~ out_of_range)) -%}
    {%- endif -%}
    {{ return(checks) }}
{%- endmacro %}
