{#
    The reason codes whose condition holds, joined by ',' without spaces in the order of
    `checks`, or null when none holds. `checks` is a list of (code, condition) pairs; a
    condition is a boolean SQL expression (null counts as false).
#}
{% macro rejection_reasons(checks) -%}
    nullif(
        concat_ws(
            ','
            {%- for code, condition in checks %},
            case when {{ condition }} then '{{ code }}' end
            {%- endfor %}
        ),
        ''
    )
{%- endmacro %}
