{#-
    The design's feature store view of the prediction log: one row per model and user, the
    latest logged prediction and last_updated = the latest built_at of the user's rows.
-#}

with

prediction_log as (
    select * from {{ ref('prediction_log') }}
),

final as (
    select
        prediction_log.model,
        prediction_log.user_id,
        prediction_log.model_version,
        prediction_log.as_of,
        prediction_log.score,
        prediction_log.predicted_label,
        prediction_log.built_at as last_updated
    from prediction_log
    qualify row_number() over (
        partition by prediction_log.model, prediction_log.user_id
        order by prediction_log.built_at desc, prediction_log.invocation_id desc
    ) = 1
)

select * from final
