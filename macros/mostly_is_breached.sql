{#
    The condition under which a `mostly` test fails: some rows of `failing_cte` exist and the
    passing fraction, (evaluated - failing) / evaluated, is below `mostly` (0 to 1). Both
    arguments name CTEs of the calling test. Compared in exact decimals (no float rounding: 9
    passing rows out of 10 meet mostly=0.9).
#}
{% macro mostly_is_breached(evaluated_cte, failing_cte, mostly) -%}
    {%- if mostly is boolean or mostly is not number or mostly < 0 or mostly > 1 -%}
        {{ exceptions.raise_compiler_error(
            "mostly must be a number from 0 to 1, got " ~ (mostly | string)) }}
    {%- endif -%}
    (select count(*) from {{ failing_cte }}) > 0
    and (select count(*) from {{ evaluated_cte }}) - (select count(*) from {{ failing_cte }})
    < {{ number_literal(mostly) }} * (select count(*) from {{ evaluated_cte }})
{%- endmacro %}
