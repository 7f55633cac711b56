{#
    The exact median (the mean of the two middle values for an even count), as pandas'
    Series.median. `expr` is cast to `data_type` first: give a DECIMAL with one more decimal
    than the input so that the mean of two middle values is exact (DuckDB's median of a
    DECIMAL keeps the input scale and would cut 1.15 to 1.1).
#}
{% macro exact_median(expr, data_type='decimal(38, 6)') -%}
    {{ return(adapter.dispatch('exact_median', 'ml_data_pipeline')(expr, data_type)) }}
{%- endmacro %}

{% macro default__exact_median(expr, data_type) -%}
    percentile_cont(0.5) within group (order by cast({{ expr }} as {{ data_type }}))
{%- endmacro %}

{% macro duckdb__exact_median(expr, data_type) -%}
    median(cast({{ expr }} as {{ data_type }}))
{%- endmacro %}

{% macro spark__exact_median(expr, data_type) -%}
    percentile(cast({{ expr }} as {{ data_type }}), 0.5)
{%- endmacro %}
