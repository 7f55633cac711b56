{#
    The condition under which a `mostly` test fails: `failing_rows` exceeds (1 - mostly) of
    `evaluated_rows` (both SQL expressions, the counts computed by the calling test), i.e. the
    passing fraction is below `mostly` (0 to 1). Compared in exact decimals (no float
    rounding: 9 passing rows of 10 meet mostly=0.9).
#}
{% macro mostly_is_breached(evaluated_rows, failing_rows, mostly) -%}
    {%- if execute and (mostly is boolean or mostly is not number or mostly < 0 or mostly > 1) -%}
        {{ exceptions.raise_compiler_error(
            "mostly must be a number from 0 to 1, got " ~ (mostly | string)) }}
    {%- endif -%}
    {{ failing_rows }}
        > (1 - {{ number_literal(mostly) }}) * {{ evaluated_rows }}
{%- endmacro %}
