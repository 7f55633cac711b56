{#
    `expr` (text) as a date when it is a strict ISO-8601 calendar date YYYY-MM-DD that exists
    ('2026-02-30' does not), else null. '2026/10/01', '10/01/2026' and '2026-10-1' are null.
#}
{% macro parse_iso_date(expr) -%}
    case
        when {{ matches_pattern(expr, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
            then {{ try_cast_as(expr, api.Column.translate_type('date')) }}
    end
{%- endmacro %}
