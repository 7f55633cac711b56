{#
    The text of `expr` with surrounding whitespace removed, or null when nothing is left:
    an empty or blank field counts as missing.
#}
{% macro blank_to_null(expr) -%}
    nullif(trim({{ expr }}), '')
{%- endmacro %}
