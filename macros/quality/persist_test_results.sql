{#
    on-run-end hook: append this invocation's node results to audit.run_results_history
    (one row per executed node: tests with their severity, status and failures, models
    with their timings) and, when this invocation built marts.data_quality_scores, a copy
    of the scores to audit.dqs_history. Every value goes through quality_sql_literal, so a
    test message holding quotes cannot break (or change) the statement. Only commands that
    execute nodes are recorded (not compile, docs generate or show).
    Atomic: every insert of the run goes to DuckDB as one batch inside one transaction, so a
    run killed (or failing) while its history is written leaves none of it, never a part
    that marts.data_quality_checks would report as a whole run.
#}
{% macro persist_test_results(results) -%}
    {%- if execute and flags.WHICH in ['build', 'run', 'test', 'seed', 'snapshot'] -%}
        {%- set history = quality_history_relation('run_results_history') -%}
        {#- The adapter's implementation, looked up once for the ~20 values of each result. -#}
        {%- set sql_literal = adapter.dispatch('quality_sql_literal', 'ml_data_pipeline') -%}
        {%- set rows = [] -%}
        {%- set scores_relations = [] -%}
        {%- for result in results if result.node is defined and result.node is not none -%}
            {%- set node = result.node -%}
            {%- set execute_timing = {'started_at': none, 'completed_at': none} -%}
            {%- for timing in result.timing if timing.name == 'execute' -%}
                {%- do execute_timing.update({
                    'started_at': timing.started_at,
                    'completed_at': timing.completed_at,
                }) -%}
            {%- endfor -%}
            {%- set test_metadata = node.test_metadata if node.test_metadata is defined
                else none -%}
            {%- set attached_node = node.attached_node if node.attached_node is defined
                else none -%}
            {%- if node.resource_type == 'test' and attached_node is none
                    and node.depends_on.nodes -%}
                {%- set attached_node = node.depends_on.nodes[0] -%}
            {%- endif -%}
            {%- set rows_affected = (result.adapter_response or {}).get('rows_affected') -%}
            {%- set values = [
                invocation_id,
                run_started_at,
                flags.WHICH,
                target.name,
                dbt_version,
                node.unique_id,
                node.resource_type | string,
                node.name,
                test_metadata.name if test_metadata else none,
                attached_node,
                (node.config.severity | lower) if node.resource_type == 'test' else none,
                result.status | string,
                result.failures,
                rows_affected if rows_affected is number else none,
                result.message | string if result.message is not none else none,
                result.execution_time,
                execute_timing.started_at,
                execute_timing.completed_at,
                node.relation_name if node.resource_type == 'test'
                    and node.config.store_failures else none,
                modules.datetime.datetime.now(modules.pytz.utc),
            ] -%}
            {%- set literals = [] -%}
            {%- for value in values -%}
                {%- do literals.append(sql_literal(value)) -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ literals | join(', ') ~ ')') -%}
            {%- if node.name == 'data_quality_scores' and (result.status | string) == 'success' -%}
                {%- do scores_relations.append(node.relation_name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set statements = [] -%}
        {%- for chunk in rows | batch(250) -%}
            {%- set insert_results -%}
                insert into {{ history }} (
                    invocation_id, run_started_at, command, target_name, dbt_version,
                    unique_id, resource_type, node_name, test_name, attached_node, severity,
                    status, failures, rows_affected, message, execution_time_seconds,
                    node_started_at, node_completed_at, failures_relation, recorded_at
                )
                values
                {{ chunk | join(',\n') }}
            {%- endset -%}
            {%- do statements.append(insert_results) -%}
        {%- endfor -%}
        {%- for scores in scores_relations -%}
            {%- set insert_scores -%}
                insert into {{ quality_history_relation('dqs_history') }} (
                    invocation_id, run_started_at, {{ dqs_score_columns() | join(', ') }}
                )
                select
                    {{ quality_sql_literal(invocation_id) }},
                    {{ quality_sql_literal(run_started_at) }},
                    {{ dqs_score_columns() | join(', ') }}
                from {{ scores }}
            {%- endset -%}
            {%- do statements.append(insert_scores) -%}
        {%- endfor -%}
        {%- if target.type == 'duckdb' -%}
            {#- One batch, one transaction: all of the run's history or none of it. -#}
            {%- call statement('persist_run_results', fetch_result=false, auto_begin=false) -%}
                begin transaction;
                {{ statements | join(';\n') }};
                commit
            {%- endcall -%}
        {%- else -%}
            {#- Engines without multi-statement transactions (Spark): one insert each. -#}
            {%- for sql in statements -%}
                {%- call statement('persist_run_results', fetch_result=false,
                        auto_begin=false) -%}
                    {{ sql }}
                {%- endcall -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
