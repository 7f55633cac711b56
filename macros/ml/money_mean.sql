{#
    The mean of a money total over a count, exact to the cent: total / count rounded half
    away from zero to 2 decimals, as DECIMAL(18,2). Computed on whole cents with integer
    arithmetic, because decimal division and avg() return a DOUBLE on DuckDB (1.005 / 1 may
    round either way). Null when the count is 0. Totals up to 4.6e16 (BIGINT cents / 2).
#}
{% macro money_mean(total, row_count) -%}
    {%- set cents = "cast(abs(" ~ total ~ ") * 100 as " ~ dbt.type_bigint() ~ ")" -%}
    case
        when ({{ row_count }}) > 0 then cast(
            sign({{ total }})
            * cast(
                {{ integer_divide(cents ~ " * 2 + (" ~ row_count ~ ")",
                                  "(" ~ row_count ~ ") * 2") }}
                as decimal(18, 0)
            )
            * 0.01
            as decimal(18, 2)
        )
    end
{%- endmacro %}
