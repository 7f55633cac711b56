{#
    The rows a generic test looks at: `select * from model`, filtered by row_condition (a SQL
    boolean from the yml) when one is given.
#}
{% macro rows_in_scope(model, row_condition=none) -%}
    select * from {{ model }}
    {%- if row_condition %}
        where {{ row_condition }}
    {%- endif %}
{%- endmacro %}
