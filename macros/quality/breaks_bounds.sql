{#
    The condition under which `expr` breaks the bounds of a `*_to_be_between` test: below
    min_value or above max_value (inclusive bounds unless strict_min / strict_max; either may
    be omitted, not both: then the compilation stops naming `test_name`). A null `expr`
    breaks nothing (the tests say themselves whether a null fails).
#}
{% macro breaks_bounds(
    test_name, expr, min_value=none, max_value=none, strict_min=false, strict_max=false
) -%}
    {%- if execute and (min_value is none and max_value is none) -%}
        {{ exceptions.raise_compiler_error(test_name ~ " needs min_value or max_value") }}
    {%- endif -%}
    (
        false
        {%- if min_value is not none %}
            or not ({{ expr }} {{ '>' if strict_min else '>=' }} {{ min_value }})
        {%- endif %}
        {%- if max_value is not none %}
            or not ({{ expr }} {{ '<' if strict_max else '<=' }} {{ max_value }})
        {%- endif %}
    )
{%- endmacro %}
