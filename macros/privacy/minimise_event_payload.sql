{#
    An event payload (JSON object text) with its personal data reduced: `ip_address` replaced
    by `ip_expr` (the truncated address; dropped when null) and `query` by `query_expr` (the
    query with emails masked). Other keys and values are kept as they are.
#}
{% macro minimise_event_payload(data_expr, ip_expr, query_expr) -%}
    {{ return(adapter.dispatch('minimise_event_payload', 'ml_data_pipeline')(
        data_expr, ip_expr, query_expr
    )) }}
{%- endmacro %}

{#
    Engines without a JSON patch function: the same result on the JSON text. The payload
    comes from the shop as compact JSON ("key":"value"), which these patterns rely on.
#}
{% macro default__minimise_event_payload(data_expr, ip_expr, query_expr) -%}
    regexp_replace(
        regexp_replace(
            regexp_replace(
                {{ data_expr }},
                '("ip_address":"[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3})[.][0-9]{1,3}"',
                '$1.0"'
            ),
            '("ip_address":"[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}):[^"]*"',
            '$1::"'
        ),
        '[^@ "]+@[^@ "]+[.][^@ "]+',
        '[email]'
    )
{%- endmacro %}

{# DuckDB: a JSON merge patch; a null value removes the key (RFC 7396). #}
{% macro duckdb__minimise_event_payload(data_expr, ip_expr, query_expr) -%}
    cast(json_merge_patch(
        {{ data_expr }},
        json_object('ip_address', {{ ip_expr }}, 'query', {{ query_expr }})
    ) as varchar)
{%- endmacro %}
