{#
    The columns of one DQS score (one source and load batch), in order: what
    marts.data_quality_scores reports per batch, audit.dqs_history copies per invocation and
    marts.data_quality_alerts carries on. Returned as a list of column names.
#}
{% macro dqs_score_columns() -%}
    {{ return([
        'source_name', 'batch_id', 'batch_loaded_at',
        'total_rows', 'valid_rows', 'rejected_rows', 'dqs',
    ]) }}
{%- endmacro %}
