{# True when `value` is a mapping whose values are all numbers (not booleans). #}
{% macro is_number_mapping(value) -%}
    {%- if value is not mapping -%}{{ return(false) }}{%- endif -%}
    {%- for item in value.values() -%}
        {%- if item is boolean or item is not number -%}{{ return(false) }}{%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}
