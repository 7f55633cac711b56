{{
    config(
        materialized='incremental',
        incremental_strategy=incremental_by_partition_strategy(),
        unique_key='event_date',
        partition_by=('event_date' if target.type == 'spark' else none),
        on_schema_change='fail',
    )
}}
{#-
    Incremental by whole event dates. A run takes the staged events loaded after the newest
    _loaded_at already here, and rebuilds every date from the earliest date those events fall
    on: a new day at the end costs that day; a late file for an old day rebuilds from that
    day on (later session numbers may shift). Rows already here before that date are the
    context: each user's last event, its session number and time, so that a session going
    over midnight keeps its number. The rebuilt dates are read whole from stg_events, where a
    re-sent file's new version has replaced the old version's rows. Rows that leave
    stg_events on an earlier date (`ingest purge-expired`, a new version whose events moved
    to a later date) stay until a --full-refresh, as does a change of the
    accepted_event_types seed; `ingest erase` deletes a person's rows here itself.
    The windows run over the keys of the events only (event_id, user_id, event_at), and the
    numbered keys are joined back to the events: a window keeps every column of its input,
    and sorting whole event rows (the JSON payload, the lineage) twice cost 51 CPU-seconds
    and a 0.56 GB spill at scale 100 against 30 without a spill (docs/benchmarks.md). On
    DuckDB the events are declared not materialized, so each of the two readers scans them.
-#}
{%- set gap_minutes = 30 -%}

with

staged_events as {{ cte_not_materialized() }}(
    select * from {{ ref('stg_events') }}
),

{% if is_incremental() %}

    already_built as (
        select * from {{ this }}
    ),

    new_events as (
        select staged_events.*
        from staged_events
        where staged_events._loaded_at > (
            select
                coalesce(
                    max(already_built._loaded_at), cast('1900-01-01' as timestamp)
                ) as cursor_at
            from already_built
        )
    ),

    rebuild_from as (
        select min(new_events.event_date) as event_date from new_events
    ),

{% endif %}

-- The events to (re)number: every staged event, or on an incremental run those on or after
-- rebuild_from. They come from staging, not from this table: a re-sent file's new version
-- has replaced the old version's rows there (the same event_ids, other values).
events as {{ cte_not_materialized() }}(
    select
        staged_events.event_id,
        staged_events.user_id,
        staged_events.event_type,
        staged_events.event_at,
        staged_events.event_date,
        staged_events.product_id,
        staged_events.amount,
        staged_events.page,
        staged_events.search_query,
        staged_events.data,
        staged_events._batch_id,
        staged_events._source_file,
        staged_events._row_number,
        staged_events._loaded_at
    from staged_events
    {%- if is_incremental() %}
        inner join rebuild_from
            on staged_events.event_date >= rebuild_from.event_date
    {%- endif %}
),

{% if is_incremental() %}

    -- Each user's last event before rebuild_from, where the numbering continues. Session
    -- numbers grow with (event_at, event_id), so the last event holds the highest of each.
    context as (
        select
            already_built.user_id,
            max(already_built.event_at) as previous_event_at,
            max(already_built.session_number) as previous_session_number
        from already_built
        inner join rebuild_from
            on already_built.event_date < rebuild_from.event_date
        where already_built.user_id in (select events.user_id from events)
        group by already_built.user_id
    ),

{% else %}

    context as (
        select
            cast(null as {{ dbt.type_bigint() }}) as user_id,
            cast(null as {{ dbt.type_timestamp() }}) as previous_event_at,
            cast(null as {{ dbt.type_bigint() }}) as previous_session_number
        where false
    ),

{% endif %}

-- The keys of the events, in the order that numbers the sessions.
event_keys as (
    select
        events.event_id,
        events.user_id,
        events.event_at
    from events
),

with_previous as (
    select
        event_keys.*,
        coalesce(
            lag(event_keys.event_at) over (
                partition by event_keys.user_id
                order by event_keys.event_at, event_keys.event_id
            ),
            context.previous_event_at
        ) as previous_event_at,
        coalesce(context.previous_session_number, 0) as previous_session_number
    from event_keys
    left join context
        on event_keys.user_id = context.user_id
),

flagged as (
    select
        with_previous.*,
        case
            when with_previous.previous_event_at is null then 1
            when
                with_previous.event_at
                > {{ dbt.dateadd('minute', gap_minutes, 'with_previous.previous_event_at') }}
                then 1
            else 0
        end as starts_session
    from with_previous
),

numbered as (
    select
        flagged.*,
        flagged.previous_session_number + sum(flagged.starts_session) over (
            partition by flagged.user_id
            order by flagged.event_at, flagged.event_id
            rows between unbounded preceding and current row
        ) as session_number
    from flagged
),

final as (
    select
        -- ids
        events.event_id,
        {{ dbt.hash(dbt.concat([
            dbt.safe_cast('numbered.user_id', api.Column.translate_type('string')),
            "'|'",
            dbt.safe_cast('numbered.session_number', api.Column.translate_type('string')),
        ])) }} as session_id,
        events.user_id,
        cast(numbered.session_number as {{ dbt.type_bigint() }}) as session_number,
        numbered.starts_session = 1 as is_session_start,
        -- the event
        events.event_type,
        events.event_at,
        events.event_date,
        numbered.previous_event_at,
        events.product_id,
        events.amount,
        events.page,
        events.search_query,
        events.data,
        -- lineage
        events._batch_id,
        events._source_file,
        events._row_number,
        events._loaded_at
    from events
    inner join numbered
        on events.event_id = numbered.event_id
)

select * from final
