{#
    `expr` (text) as a naive UTC timestamp, or null when it does not parse. Accepted:
    ISO-8601 date and time, 'T' or a space between them, optional seconds and fraction, and an
    optional offset: 'Z', '+HH', '+HHMM' or '+HH:MM'. A value with an offset is converted to
    UTC ('2026-10-01T10:00:00+02:00' is 2026-10-01 08:00:00); a value without one is taken as
    UTC already. Dates without a time, time zone names and other layouts are null, and so is
    a value whose year (as written) is implausible (iso_year_is_plausible: the vars
    min_valid_year..max_valid_year, default 1970..2100).
#}
{% macro parse_iso_timestamp_utc(expr) -%}
    case
        when {{ ml_data_pipeline.iso_year_is_plausible(expr) }}
            then {{ adapter.dispatch('parse_iso_timestamp_utc', 'ml_data_pipeline')(expr) }}
    end
{%- endmacro %}

{#
    Portable fallback: the engine's own cast, which must honour offsets and run with a UTC
    session time zone (true for Spark with spark.sql.session.timeZone=UTC).
#}
{% macro default__parse_iso_timestamp_utc(expr) -%}
    case
        when {{ matches_pattern(expr, ml_data_pipeline.iso_timestamp_pattern()) }}
            then {{ try_cast_as(expr, api.Column.translate_type('timestamp')) }}
    end
{%- endmacro %}

{#
    DuckDB's cast to TIMESTAMP ignores an offset (it keeps the wall time), and its cast to
    TIMESTAMPTZ reads a value without an offset in the session time zone. So: values with an
    offset go through TIMESTAMPTZ and `at time zone 'UTC'`, the others through TIMESTAMP.
#}
{% macro duckdb__parse_iso_timestamp_utc(expr) -%}
    case
        when not {{ matches_pattern(expr, ml_data_pipeline.iso_timestamp_pattern()) }}
            then null
        when {{ matches_pattern(expr, '^.*[0-9](Z|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
            then try_cast({{ expr }} as timestamptz) at time zone 'UTC'
        else try_cast({{ expr }} as timestamp)
    end
{%- endmacro %}

{#
    Spark's cast honours offsets (the session time zone is UTC, see profiles.yml) but reads
    +HH:MM and +HH only: a +HHMM offset gets its colon first.
#}
{% macro spark__parse_iso_timestamp_utc(expr) -%}
    case
        when {{ matches_pattern(expr, ml_data_pipeline.iso_timestamp_pattern()) }}
            then try_cast(
                regexp_replace({{ expr }}, '([+-][0-9]{2})([0-9]{2})$', '$1:$2') as timestamp
            )
    end
{%- endmacro %}
