{#
    Whole days from `start_at` to `end_at`: floor(elapsed seconds / 86400), like Python's
    timedelta.days (86399 s is 0 days, 86400 s is 1, -1 s is -1). Elapsed time is counted
    in microseconds, exactly, not in calendar-day boundaries (dbt.datediff(..., 'day')
    would count midnights). BIGINT.
#}
{% macro whole_days_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('whole_days_between', 'ml_data_pipeline')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__whole_days_between(start_at, end_at) -%}
    cast(floor(
        cast({{ dbt.datediff(start_at, end_at, 'microsecond') }} as double)
        / 86400000000
    ) as {{ dbt.type_bigint() }})
{%- endmacro %}

{# Spark: dbt.datediff has no microsecond part there; unix_micros counts them exactly. #}
{% macro spark__whole_days_between(start_at, end_at) -%}
    cast(floor(
        cast(
            unix_micros(cast({{ end_at }} as timestamp))
            - unix_micros(cast({{ start_at }} as timestamp))
            as double
        )
        / 86400000000
    ) as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro duckdb__whole_days_between(start_at, end_at) -%}
    {{ default__whole_days_between(start_at, end_at) }}
{%- endmacro %}
