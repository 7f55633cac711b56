{#
    True when `value` is a date (YAML reads `2026-10-15` as one), a datetime, or text that is
    an existing ISO date, optionally with a time: YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]].
#}
{% macro is_iso_date_or_timestamp(value) -%}
    {%- if value is not string -%}
        {{ return(value.year is defined and value.month is defined and value.day is defined) }}
    {%- endif -%}
    {%- set match = modules.re.match(
        '^([0-9]{4})-([0-9]{2})-([0-9]{2})'
        ~ '([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?)?$', value) -%}
    {%- if not match -%}{{ return(false) }}{%- endif -%}
    {%- set year = match.group(1) | int -%}
    {%- set month = match.group(2) | int -%}
    {%- set day = match.group(3) | int -%}
    {%- if year < 1 or month < 1 or month > 12 or day < 1 -%}{{ return(false) }}{%- endif -%}
    {#- The day before the first of the next month (December always has 31 days). -#}
    {%- set last_day = 31 if month == 12 else (modules.datetime.date(year, month + 1, 1)
        - modules.datetime.timedelta(days=1)).day -%}
    {{ return(day <= last_day) }}
{%- endmacro %}
