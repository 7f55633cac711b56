{#
    Free text with every email address replaced by '[email]' (data minimisation: people paste
    their address into search boxes). An address is local@domain.tld without spaces; the text
    around it is kept.
#}
{% macro mask_emails(expr) -%}
    {{ return(adapter.dispatch('mask_emails', 'ml_data_pipeline')(expr)) }}
{%- endmacro %}

{# Spark's and most engines' regexp_replace replace every match. #}
{% macro default__mask_emails(expr) -%}
    regexp_replace({{ expr }}, '[^@ "]+@[^@ "]+[.][^@ "]+', '[email]')
{%- endmacro %}

{# DuckDB replaces only the first match unless given the 'g' option. #}
{% macro duckdb__mask_emails(expr) -%}
    regexp_replace({{ expr }}, '[^@ "]+@[^@ "]+[.][^@ "]+', '[email]', 'g')
{%- endmacro %}
