{#
    on-run-start hook (first): check the project's vars before anything runs, so that a typo in
    `--vars` fails in a second with one message naming the var and the expected form, instead
    of failing some models half-way through a build (and leaving broken views behind). Checks
    the vars declared in dbt_project.yml; a var it does not know is left alone.
#}
{% macro validate_project_vars() -%}
    {%- if execute -%}
        {%- set problems = [] -%}
        {%- set as_of = var('as_of', none) -%}
        {%- if as_of is not none and not ml_data_pipeline.is_iso_date_or_timestamp(as_of) -%}
            {%- do problems.append(
                "as_of: expected null or an ISO date or timestamp such as 2026-10-15 or"
                ~ " '2026-10-15 12:00:00', got " ~ (as_of | string)) -%}
        {%- endif -%}
        {%- set numbers = {
            'min_dqs': [0, 100],
            'cost_per_hour': [0, none],
            'engagement_high_min_score': [none, none],
            'engagement_medium_min_score': [none, none],
            'engagement_confidence_boost': [none, none],
            'value_segment_high_above': [none, none],
            'value_segment_medium_above': [none, none],
            'propensity_threshold': [0, 1],
        } -%}
        {%- for name, bounds in numbers.items() -%}
            {%- set problem = ml_data_pipeline.number_var_problem(name, bounds[0], bounds[1]) -%}
            {%- if problem -%}{%- do problems.append(problem) -%}{%- endif -%}
        {%- endfor -%}
        {%- set whole_numbers = [
            'purchase_label_horizon_days', 'training_label_every_days',
            'propensity_max_training_rows', 'recommendation_top_k',
            'recommendation_neighbours', 'recommendation_test_days',
        ] -%}
        {%- for name in whole_numbers -%}
            {%- set value = var(name, none) -%}
            {%- if value is not none and (value is boolean or value is not integer or value < 1)
            -%}
                {%- do problems.append(
                    name ~ ": expected a whole number >= 1, got " ~ (value | string)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for name in ['min_valid_year', 'max_valid_year'] -%}
            {%- set value = var(name, none) -%}
            {%- if value is boolean or value is not integer or value < 1 or value > 9999 -%}
                {%- do problems.append(
                    name ~ ": expected a year from 1 to 9999, got " ~ (value | string)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if not problems and var('min_valid_year') > var('max_valid_year') -%}
            {%- do problems.append("min_valid_year: expected <= max_valid_year, got "
                ~ var('min_valid_year') ~ " > " ~ var('max_valid_year')) -%}
        {%- endif -%}
        {%- for name in ['value_score_weights', 'recommendation_event_weights'] -%}
            {%- set value = var(name, none) -%}
            {%- if value is not none and not ml_data_pipeline.is_number_mapping(value) -%}
                {%- do problems.append(name ~ ": expected a mapping of names to numbers, got "
                    ~ (value | string)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set rules = var('engagement_rules', none) -%}
        {%- if rules is not none and not ml_data_pipeline.engagement_rules_are_valid(rules) -%}
            {%- do problems.append("engagement_rules: expected a mapping of column names to"
                ~ " {above: number, weight: number}, got " ~ (rules | string)) -%}
        {%- endif -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error(
                "invalid var " ~ problems | join("; invalid var ")) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
