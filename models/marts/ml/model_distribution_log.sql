{#-
    Append-only, per build: the decile bins of the propensity score and of every model
    feature (the `propensity_features` var, read from the training set's scoring snapshot),
    and each variable's population stability index (PSI) against the previous build: this
    build's values counted in the previous build's bins. `full_refresh=false` keeps the history
    through `dbt build --full-refresh`. The first build has no previous one (psi null).
    Configured as an append-only history in dbt_project.yml (incremental append,
    full_refresh false, new columns appended).
-#}
{%- set features = var('propensity_features') -%}
{%- set bins = 10 -%}
{%- set floor_share = 0.0001 -%}

with

scores as (
    select * from {{ ref('purchase_propensity') }}
),

scoring_snapshot as (
    select * from {{ ref('purchase_training_set') }}
    where is_scoring_snapshot
),

current_values as (
    select
        'propensity' as variable,  -- noqa: RF04
        cast(scores.propensity as double) as variable_value
    from scores
    {%- for feature in features %}
        union all
        select
            {{ sql_string_literal(feature) }} as variable,  -- noqa: RF04
            cast(scoring_snapshot.{{ adapter.quote(feature) }} as double) as variable_value
        from scoring_snapshot
    {%- endfor %}
),

known_values as (
    select * from current_values
    where variable_value is not null
),

-- the distinct values with their counts: bins are matched to these, not to every row (a
-- feature such as purchase_events_7d has 16 values over 750 k users at scale 100)
value_counts as (
    select
        known_values.variable,
        known_values.variable_value,
        count(*) as value_rows
    from known_values
    group by known_values.variable, known_values.variable_value
),

tiles as (
    select
        known_values.variable,
        known_values.variable_value,
        ntile({{ bins }}) over (
            partition by known_values.variable order by known_values.variable_value
        ) as tile
    from known_values
),

-- this build's bins: (previous tile's max, this tile's max], the last one open above
tile_edges as (
    select
        tiles.variable,
        tiles.tile - 1 as bin,
        max(tiles.variable_value) as tile_max
    from tiles
    group by tiles.variable, tiles.tile
),

own_bins as (
    select
        tile_edges.variable,
        tile_edges.bin,
        lag(tile_edges.tile_max) over (
            partition by tile_edges.variable order by tile_edges.bin
        ) as lower_edge,
        case
            when tile_edges.bin < max(tile_edges.bin) over (partition by tile_edges.variable)
                then tile_edges.tile_max
        end as upper_edge
    from tile_edges
),

{% if is_incremental() %}
previous_build as (
    select log.invocation_id
    from {{ this }} as log
    order by log.built_at desc, log.invocation_id desc
    limit 1
),

previous_bins as (
    select
        log.variable,
        log.bin,
        log.lower_edge,
        log.upper_edge,
        log.share
    from {{ this }} as log
    inner join previous_build
        on log.invocation_id = previous_build.invocation_id
),
{% else %}
    previous_bins as (
        select
            cast(null as {{ dbt.type_string() }}) as variable,  -- noqa: RF04
            cast(null as integer) as bin,
            cast(null as double) as lower_edge,
            cast(null as double) as upper_edge,
            cast(null as double) as share  -- noqa: RF04
        where 1 = 0
    ),
{% endif %}

totals as (
    select
        known_values.variable,
        count(*) as total_rows
    from known_values
    group by known_values.variable
),

own_counts as (
    select
        own_bins.variable,
        own_bins.bin,
        own_bins.lower_edge,
        own_bins.upper_edge,
        cast(coalesce(sum(value_counts.value_rows), 0) as {{ dbt.type_bigint() }}) as bin_rows
    from own_bins
    left join value_counts
        on
            own_bins.variable = value_counts.variable
            and (own_bins.lower_edge is null or own_bins.lower_edge < value_counts.variable_value)
            and (own_bins.upper_edge is null or own_bins.upper_edge >= value_counts.variable_value)
    group by own_bins.variable, own_bins.bin, own_bins.lower_edge, own_bins.upper_edge
),

-- this build's values in the previous build's bins
shifted_counts as (
    select
        previous_bins.variable,
        previous_bins.bin,
        previous_bins.share as previous_share,
        cast(coalesce(sum(value_counts.value_rows), 0) as {{ dbt.type_bigint() }}) as bin_rows
    from previous_bins
    left join value_counts
        on
            previous_bins.variable = value_counts.variable
            and (
                previous_bins.lower_edge is null
                or previous_bins.lower_edge < value_counts.variable_value
            )
            and (
                previous_bins.upper_edge is null
                or previous_bins.upper_edge >= value_counts.variable_value
            )
    group by previous_bins.variable, previous_bins.bin, previous_bins.share
),

psi as (
    select
        shifted_counts.variable,
        sum(
            (
                greatest(shifted_counts.bin_rows * 1.0 / totals.total_rows, {{ floor_share }})
                - greatest(shifted_counts.previous_share, {{ floor_share }})
            )
            * ln(
                greatest(shifted_counts.bin_rows * 1.0 / totals.total_rows, {{ floor_share }})
                / greatest(shifted_counts.previous_share, {{ floor_share }})
            )
        ) as psi
    from shifted_counts
    inner join totals
        on shifted_counts.variable = totals.variable
    group by shifted_counts.variable
),

final as (
    select
        {{ sql_string_literal(invocation_id) }} as invocation_id,
        cast(
            {{ sql_string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }}
            as {{ dbt.type_timestamp() }}
        ) as built_at,
        'purchase_propensity' as model,  -- noqa: RF04
        own_counts.variable,
        cast(own_counts.bin as integer) as bin,
        own_counts.lower_edge,
        own_counts.upper_edge,
        own_counts.bin_rows,
        own_counts.bin_rows * 1.0 / totals.total_rows as share,  -- noqa: RF04
        psi.psi as psi_vs_previous
    from own_counts
    inner join totals
        on own_counts.variable = totals.variable
    left join psi
        on own_counts.variable = psi.variable
)

select * from final
