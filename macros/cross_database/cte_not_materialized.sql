{#
    The keywords, with a trailing space, that ask the engine to inline a CTE into each of its
    readers instead of computing it once into memory: `with rows as {{ cte_not_materialized() }}(`.
    DuckDB materialises a CTE that two readers share, every column of every row; for a CTE
    that is a filter of a large table, reading the table twice is cheaper (the `mostly` tests'
    rows in scope: 2.1 GB and 1.7-2.8 s against 0.55 GB and 0.6-0.8 s on the 9.9 M rows of
    sales_data at scale 100; benchmarks/NOTES.md). Other engines: nothing (Spark's SQL has
    no such clause).
#}
{% macro cte_not_materialized() -%}
    {{ return(adapter.dispatch('cte_not_materialized', 'ml_data_pipeline')()) }}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}
{%- endmacro %}

{% macro duckdb__cte_not_materialized() -%}
    not materialized {% endmacro %}
