{#
    `expr` (text) as an integer of `data_type`, or null when it is not a plain integer: an
    optional sign and decimal digits only. Engines' own casts are too lenient here (DuckDB
    rounds '5.5' to 6 and reads '1e2', '0x10' and '1_000'), so the shape is checked first;
    values that overflow `data_type` are null too.
#}
{% macro parse_integer(expr, data_type='bigint') -%}
    case
        when {{ matches_pattern(expr, '^[+-]?[0-9]+$') }}
            then {{ try_cast_as(expr, data_type) }}
    end
{%- endmacro %}
