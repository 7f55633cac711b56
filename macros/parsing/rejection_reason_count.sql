{#
    How many of the (code, condition) pairs in `checks` hold for the row: the number of codes
    rejection_reasons(checks) lists.
#}
{% macro rejection_reason_count(checks) -%}
    cast((
        {%- for code, condition in checks %}
        case when {{ condition }} then 1 else 0 end{% if not loop.last %} +{% endif %}
        {%- endfor %}
    ) as integer)
{%- endmacro %}
