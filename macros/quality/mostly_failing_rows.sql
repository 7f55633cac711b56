{#
    The common end of the `mostly` generic tests: given the test's CTEs `evaluated` (the rows
    in scope) and `failing` (those breaking the rule), the CTEs counting them and `final`,
    which holds the failing rows when the passing fraction is below `mostly`
    (mostly_is_breached) and no row otherwise. The test then ends with `select * from final`.
    With mostly = 1 (the default) that is exactly the failing rows, so `final` is `failing`
    alone: no counts, and `evaluated` is read once. Counting it too made DuckDB materialise
    the CTE (every column of every row in scope: 2.15 GB and 2.7 s, against 73 MB and 0.5 s,
    for one test on the 9.9 M rows of sales_data at scale 100; benchmarks/NOTES.md). With
    mostly below 1 the counts are needed, so the tests whose rows in scope DuckDB would hold
    declare them `not materialized` (cte_not_materialized): it reads them twice instead.
#}
{% macro mostly_failing_rows(mostly, evaluated='evaluated', failing='failing') -%}
{%- if mostly is number and mostly is not boolean and mostly == 1 -%}
final as (
    select * from {{ failing }}
)
{%- else -%}
evaluated_count as (
    select count(*) as evaluated_rows from {{ evaluated }}
),

failing_count as (
    select count(*) as failing_rows from {{ failing }}
),

final as (
    select {{ failing }}.*
    from {{ failing }}
    cross join evaluated_count
    cross join failing_count
    where {{ mostly_is_breached(
        'evaluated_count.evaluated_rows', 'failing_count.failing_rows', mostly
    ) }}
)
{%- endif -%}
{%- endmacro %}
