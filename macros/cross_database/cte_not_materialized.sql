{#
    The keywords, with a trailing space, that ask the engine to inline a CTE into each of its
    readers instead of computing it once into memory, written between the CTE's `as` and its
    bracket. DuckDB materialises a CTE that two readers share, every column of every row; for
    a CTE that filters a large table, reading the table twice is cheaper (the rows in scope
    of a `mostly` test on the 9.9 M rows of sales_data at scale 100: 2.14 GB and 2.4-3.6 s
    before, 0.55 GB and 1.0-1.2 s after; benchmarks/NOTES.md). Other engines: nothing
    (Spark's SQL has no such clause).
#}
{% macro cte_not_materialized() -%}
    {{ return(adapter.dispatch('cte_not_materialized', 'ml_data_pipeline')()) }}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}
{%- endmacro %}

{% macro duckdb__cte_not_materialized() -%}
    not materialized {% endmacro %}
