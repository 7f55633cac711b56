{#
    on-run-end hook, after persist_test_results: when this invocation's DQS gate (the
    singular test assert_source_dqs_at_least_min_dqs) failed, the hook's statement fails with
    an error that names every source under min_dqs, its DQS and its top rejection reasons,
    read from marts.data_quality_alerts. The test alone only says "Got 1 result"; this
    message is what a person reading the build output (or CI) needs.
#}
{% macro raise_dqs_alerts(results) -%}
    {%- if execute -%}
        {%- set failed_gates = [] -%}
        {%- for result in results
                if result.node is defined and result.node is not none
                and result.node.name == 'assert_source_dqs_at_least_min_dqs'
                and (result.status | string) == 'fail' -%}
            {%- do failed_gates.append(result.node) -%}
        {%- endfor -%}
        {%- if failed_gates -%}
            {%- set alerts_node = graph.nodes.values()
                | selectattr('name', 'equalto', 'data_quality_alerts')
                | first -%}
            {%- set query -%}
                select alert_message
                from {{ alerts_node.relation_name }}
                where is_below_min_dqs
                order by source_name
            {%- endset -%}
            {%- set messages = run_query(query).columns[0].values() -%}
            {%- if messages | length == 0 -%}
                {%- set messages = ['the DQS gate failed; see marts.data_quality_alerts'] -%}
            {%- endif -%}
            {{ quality_raise_error('Data quality below min_dqs: ' ~ (messages | join('; '))) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
