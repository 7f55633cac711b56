{#
    True when the text `expr` starts with a four-digit year within the vars min_valid_year ..
    max_valid_year (default 1970 .. 2100): year 0 parses as 1 BC and 9999 is a placeholder,
    neither is a real event. Compares the text (the year as written, before any offset is
    applied), so it costs no cast; the parse macros check the layout themselves.
#}
{% macro iso_year_is_plausible(expr) -%}
    substring({{ expr }}, 1, 4) between '{{ "%04d" | format(var("min_valid_year") | int) }}'
        and '{{ "%04d" | format(var("max_valid_year") | int) }}'
{%- endmacro %}
