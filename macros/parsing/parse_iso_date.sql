{#
    `expr` (text) as a date when it is a strict ISO-8601 calendar date YYYY-MM-DD that exists
    ('2026-02-30' does not) and whose year is plausible (iso_year_is_plausible: the vars
    min_valid_year..max_valid_year, default 1970..2100), else null. '2026/10/01', '10/01/2026',
    '2026-10-1' and '0000-01-01' are null.
#}
{% macro parse_iso_date(expr) -%}
    case
        when {{ matches_pattern(expr, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
            and {{ ml_data_pipeline.iso_year_is_plausible(expr) }}
            then {{ try_cast_as(expr, api.Column.translate_type('date')) }}
    end
{%- endmacro %}
