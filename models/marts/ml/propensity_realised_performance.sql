{#-
    One row per logged generation of the propensity model (a build's rows of
    prediction_log): once its label window [as_of, as_of + purchase_label_horizon_days) has
    passed the end of the data, the labels become known (a purchase event in the window, as
    in purchase_training_set) and the generation gets its realised AUC and precision.
    Generations whose window has not passed yet keep null metrics (is_label_complete false).
-#}
{%- set horizon_days = var('purchase_label_horizon_days') -%}
{%- set day_after_data = dbt.dateadd('day', 1, 'cast(max(events.event_date) as date)') -%}

with

prediction_log as (
    select * from {{ ref('prediction_log') }}
    where model = 'purchase_propensity'
),

events as (
    select * from {{ ref('int_events_sessionized') }}
),

data_end as (
    -- labels are complete up to the end of the last data day
    select
        cast({{ day_after_data }} as {{ dbt.type_timestamp() }}) as data_end_at
    from events
),

generations as (
    select
        prediction_log.invocation_id,
        prediction_log.model_version,
        prediction_log.as_of,
        max(prediction_log.built_at) as built_at,
        cast({{ dbt.dateadd('day', number_literal(horizon_days, 'integer'),
            'prediction_log.as_of') }} as {{ dbt.type_timestamp() }}) as label_window_end_at
    from prediction_log
    group by prediction_log.invocation_id, prediction_log.model_version, prediction_log.as_of
),

purchases as (
    select
        events.user_id,
        events.event_at
    from events
    where events.event_type = 'purchase'
),

labelled as (
    select
        prediction_log.invocation_id,
        prediction_log.user_id,
        prediction_log.score,
        prediction_log.predicted_label = 'purchase' as is_predicted_buyer,
        count(purchases.user_id) > 0 as is_buyer
    from prediction_log
    inner join generations
        on prediction_log.invocation_id = generations.invocation_id
    cross join data_end
    left join purchases
        on
            prediction_log.user_id = purchases.user_id
            and generations.as_of <= purchases.event_at
            and generations.label_window_end_at > purchases.event_at
    where generations.label_window_end_at <= data_end.data_end_at
    group by
        prediction_log.invocation_id,
        prediction_log.user_id,
        prediction_log.score,
        prediction_log.predicted_label
),

ranked as (
    -- average rank of each score (ties share their mean rank), for the Mann-Whitney AUC
    select
        labelled.invocation_id,
        labelled.is_buyer,
        labelled.is_predicted_buyer,
        rank() over (partition by labelled.invocation_id order by labelled.score)
        + (count(*) over (partition by labelled.invocation_id, labelled.score) - 1) / 2.0
            as score_rank
    from labelled
),

metrics as (
    select
        ranked.invocation_id,
        count(*) as labelled_users,
        count(*) filter (where ranked.is_buyer) as buyers,
        count(*) filter (where ranked.is_predicted_buyer) as predicted_buyers,
        count(*) filter (where ranked.is_predicted_buyer and ranked.is_buyer)
            as correctly_predicted_buyers,
        sum(case when ranked.is_buyer then ranked.score_rank else 0 end) as buyer_rank_sum
    from ranked
    group by ranked.invocation_id
),

final as (
    select
        generations.invocation_id,
        generations.model_version,
        generations.as_of,
        generations.built_at,
        generations.label_window_end_at,
        metrics.invocation_id is not null as is_label_complete,
        metrics.labelled_users,
        metrics.buyers,
        case
            when metrics.buyers > 0 and metrics.buyers < metrics.labelled_users
                then
                    (metrics.buyer_rank_sum - metrics.buyers * (metrics.buyers + 1) / 2.0)
                    / (metrics.buyers * (metrics.labelled_users - metrics.buyers))
        end as realised_auc,
        case
            when metrics.predicted_buyers > 0
                then metrics.correctly_predicted_buyers * 1.0 / metrics.predicted_buyers
        end as realised_precision,
        metrics.predicted_buyers
    from generations
    left join metrics
        on generations.invocation_id = metrics.invocation_id
)

select * from final
