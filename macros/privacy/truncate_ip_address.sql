{#
    Data minimisation for IP addresses (a direct identifier): an IPv4 address keeps its /24
    network (last octet 0: '203.0.113.77' -> '203.0.113.0'), an IPv6 address its /48 (first
    three groups: '2001:db8:1234:5678::42' -> '2001:db8:1234::'). Anything else, including
    compressed IPv6 forms whose first three groups are not spelled out, becomes null:
    dropped, never kept whole.
#}
{% macro truncate_ip_address(expr) -%}
    case
        when {{ matches_pattern(expr, '^[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}$') }}
            then regexp_replace({{ expr }}, '[.][0-9]{1,3}$', '.0')
        when {{ matches_pattern(expr, '^([0-9A-Fa-f]{1,4}:){3}[0-9A-Fa-f:.]*$') }}
            then regexp_extract(
                {{ expr }}, '^([0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4})', 1
            ) || '::'
    end
{%- endmacro %}
