{#
    on-run-start hook: create the audit schema and the two quality history tables when they
    are missing. They are never dropped or replaced: each run only appends to them
    (persist_test_results), which is what makes them a history.
    - audit.run_results_history: one row per dbt invocation and executed node.
    - audit.dqs_history: one row per dbt invocation, source and load batch, a copy of
      marts.data_quality_scores as that invocation built it.
#}
{% macro create_quality_history_tables() -%}
    {%- if execute -%}
        {%- set results_relation = quality_history_relation('run_results_history') -%}
        {%- set dqs_relation = quality_history_relation('dqs_history') -%}
        {%- do adapter.create_schema(results_relation) -%}
        {%- call statement('create_run_results_history', auto_begin=false) -%}
            create table if not exists {{ results_relation }} (
                invocation_id {{ dbt.type_string() }},
                run_started_at {{ dbt.type_timestamp() }},
                command {{ dbt.type_string() }},
                target_name {{ dbt.type_string() }},
                dbt_version {{ dbt.type_string() }},
                unique_id {{ dbt.type_string() }},
                resource_type {{ dbt.type_string() }},
                node_name {{ dbt.type_string() }},
                test_name {{ dbt.type_string() }},
                attached_node {{ dbt.type_string() }},
                severity {{ dbt.type_string() }},
                status {{ dbt.type_string() }},
                failures {{ dbt.type_bigint() }},
                rows_affected {{ dbt.type_bigint() }},
                message {{ dbt.type_string() }},
                execution_time_seconds double,
                node_started_at {{ dbt.type_timestamp() }},
                node_completed_at {{ dbt.type_timestamp() }},
                failures_relation {{ dbt.type_string() }},
                recorded_at {{ dbt.type_timestamp() }}
            )
        {%- endcall -%}
        {%- call statement('create_dqs_history', auto_begin=false) -%}
            create table if not exists {{ dqs_relation }} (
                invocation_id {{ dbt.type_string() }},
                run_started_at {{ dbt.type_timestamp() }},
                source_name {{ dbt.type_string() }},
                batch_id {{ dbt.type_string() }},
                batch_loaded_at {{ dbt.type_timestamp() }},
                total_rows {{ dbt.type_bigint() }},
                valid_rows {{ dbt.type_bigint() }},
                rejected_rows {{ dbt.type_bigint() }},
                dqs decimal(5, 2)
            )
        {%- endcall -%}
    {%- endif -%}
{%- endmacro %}
