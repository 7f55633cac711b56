{#
    The landed sources the data quality models score, in report order. Each has a
    stg_<source> (valid rows) and a stg_<source>__rejected (rejected rows) model.
#}
{% macro quality_source_names() -%}
    {{ return(['sales', 'products', 'user_behavior', 'transactions', 'events', 'customers']) }}
{%- endmacro %}
