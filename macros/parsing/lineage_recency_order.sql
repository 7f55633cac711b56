{#
    The `order by` list that puts the latest loaded copy of a raw row first: max _loaded_at,
    then max _batch_id, then max _source_file, then max _row_number. Used to keep one row of
    duplicates (the first in this order) and reject the others.
#}
{% macro lineage_recency_order(relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {{ prefix }}_loaded_at desc,
    {{ prefix }}_batch_id desc,
    {{ prefix }}_source_file desc,
    {{ prefix }}_row_number desc
{%- endmacro %}
