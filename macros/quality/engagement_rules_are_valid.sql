{# True when `rules` maps names to {above: number, weight: number} (the var engagement_rules). #}
{% macro engagement_rules_are_valid(rules) -%}
    {%- if rules is not mapping -%}{{ return(false) }}{%- endif -%}
    {%- for rule in rules.values() -%}
        {%- if not (rule is mapping and (rule.keys() | list | sort) == ['above', 'weight']
                and ml_data_pipeline.is_number_mapping(rule)) -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}
