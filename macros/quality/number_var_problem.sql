{# A var `name` that must be a number within [low, high] (none = unbounded): the problem, or ''. #}
{% macro number_var_problem(name, low, high) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none -%}{{ return('') }}{%- endif -%}
    {%- set in_range = value is number and value is not boolean
        and (low is none or value >= low) and (high is none or value <= high) -%}
    {%- if in_range -%}{{ return('') }}{%- endif -%}
    {%- set expected = 'a number' ~ (' >= ' ~ low if low is not none and high is none else '')
        ~ (' from ' ~ low ~ ' to ' ~ high if low is not none and high is not none else '') -%}
    {{ return(name ~ ': expected ' ~ expected ~ ', got ' ~ (value | string)) }}
{%- endmacro %}
