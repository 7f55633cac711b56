{#
    Spark implementation of dbt's cross-database dbt.listagg, overriding dbt-spark's own
    (the root project comes first when dbt dispatches its `dbt` macros): dbt-spark drops
    `order_by_clause` ("not supported"), so the order of the joined values would be
    arbitrary. Spark 4 has the SQL standard listagg ... within group (order by ...).
#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("listagg: limit_num is not supported on Spark") }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
