{#
    `expr` (text) as decimal(`precision`, `scale`), or null when it is not a plain decimal
    number (optional sign, digits, optional point and digits; no exponent, no thousands
    separator, no nan/inf) or when it has non-zero digits beyond `scale` decimals: a value
    that would lose digits is rejected, never rounded silently ('1.999' as money is null,
    '1.990' is 1.99). Values that overflow the precision are null too.
#}
{% macro parse_decimal(expr, precision=18, scale=2) -%}
    case
        when {{ matches_pattern(expr, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') }}
            and not {{ matches_pattern(
                expr, '^[^.]*[.][0-9]{' ~ scale ~ '}[0-9]*[1-9][0-9]*$'
            ) }}
            then {{ try_cast_as(expr, 'decimal(' ~ precision ~ ', ' ~ scale ~ ')') }}
    end
{%- endmacro %}
