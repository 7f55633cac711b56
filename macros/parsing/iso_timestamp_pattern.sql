{#
    The regular expression (anchored) of the ISO-8601 timestamps staging accepts: date, 'T' or
    space, HH:MM, optional :SS and fraction, optional offset Z / +HH / +HHMM / +HH:MM.
#}
{% macro iso_timestamp_pattern() -%}
    {{- return(
        '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?'
        ~ '(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
    ) -}}
{%- endmacro %}
