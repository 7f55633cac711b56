{#
    Warehouse schemas carry plain names (raw, staging, intermediate, features, marts) rather
    than dbt's default "<target schema>_<custom schema>": the layers are the interface.
    Nodes without a custom schema land in the target's own schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
