{#
    The accepted event types, read from the accepted_event_types seed at compile time (sorted),
    so that adding a row to the seed adds its `<type>_count` / `<type>_ratio` columns. While
    the seed is not in the warehouse yet (parsing, `dbt compile` or docs on an empty
    warehouse) the fallback is the seed's own content as shipped: add_to_cart, click,
    page_view, purchase, search. A model calling this must declare the dependency with
    `-- depends_on: {{ ref('accepted_event_types') }}`. Every type must be a lowercase
    identifier (it becomes part of a column name); anything else stops the compilation.
#}
{% macro accepted_event_type_list() -%}
    {%- set event_types = ['add_to_cart', 'click', 'page_view', 'purchase', 'search'] -%}
    {%- if execute -%}
        {%- set seed = ref('accepted_event_types') -%}
        {#- In a unit test the ref is a fixture CTE without schema: use the fallback. -#}
        {%- set seed_relation = none -%}
        {%- if seed.database and seed.schema and seed.identifier -%}
            {%- set seed_relation = adapter.get_relation(
                database=seed.database, schema=seed.schema, identifier=seed.identifier) -%}
        {%- endif -%}
        {%- if seed_relation is not none -%}
            {%- set query -%}
                select event_type from {{ seed_relation }} order by event_type
            {%- endset -%}
            {%- set event_types = run_query(query).columns[0].values() | list -%}
        {%- endif -%}
    {%- endif -%}
    {%- for event_type in event_types -%}
        {%- if not modules.re.match('^[a-z][a-z0-9_]{0,40}$', event_type | string) -%}
            {{ exceptions.raise_compiler_error(
                "accepted_event_types: '" ~ event_type ~ "' is not a lowercase identifier") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(event_types) }}
{%- endmacro %}
