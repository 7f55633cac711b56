{#
    An event payload (JSON object text) with its personal data reduced, as text, keys in
    their order: the value of "ip_address" replaced by `ip_expr` (the truncated address; JSON
    null when that is null) and every email address anywhere in it masked as '[email]'.
    The same string functions on every engine, so DuckDB and Spark give the same text.
#}
{% macro minimise_event_payload(data_expr, ip_expr) -%}
    {%- set with_network -%}
        regexp_replace(
            {{ data_expr }},
            '"ip_address"[ ]*:[ ]*"[^"]*"',
            case
                when {{ ip_expr }} is null then '"ip_address":null'
                else '"ip_address":"' || {{ ip_expr }} || '"'
            end
        )
    {%- endset -%}
    {{ mask_emails(with_network) }}
{%- endmacro %}
