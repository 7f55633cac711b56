"""Purchase-propensity model retrained on every build from the point-in-time training set.

The training set (features.purchase_training_set) has one row per (user, label time) with
features computed strictly before the label time and the label from the horizon after it.
Evaluation is a time split: the latest label time whose label window lies inside the data
is held out; the model trains on earlier label times whose label windows end before the
held-out label time starts (no label of the training rows looks into the held-out period).
When the data is too short for that gap, it trains on every earlier label time instead and
says so (``is_embargoed`` false). AUC is measured on the held-out rows.

The served model is then refit on every labelled row and scores each user's features at the
end of the data (the scoring snapshot). Same data and settings give identical predictions:
HistGradientBoosting with a fixed ``random_state`` and no early stopping.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pyarrow as pa

from pipeline_ml import propensity_data
from pipeline_ml.errors import InputError
from pipeline_ml.propensity_data import TrainingSet

FEATURE_COLUMNS: tuple[str, ...] = (
    "days_since_first_seen",
    "days_since_last_event",
    "days_since_last_purchase",
    "events_7d",
    "events_28d",
    "events_total",
    "page_view_events_28d",
    "click_events_28d",
    "search_events_28d",
    "add_to_cart_events_7d",
    "add_to_cart_events_28d",
    "purchase_events_7d",
    "purchase_events_28d",
    "purchase_events_total",
    "sessions_7d",
    "sessions_28d",
    "active_days_28d",
    "distinct_products_total",
    "transactions_28d",
    "sales_lines_28d",
    "purchase_value_28d",
    "purchase_value_total",
    "transaction_amount_28d",
    "sales_amount_28d",
)
MODEL_TYPE = "HistGradientBoostingClassifier"


@dataclass(frozen=True)
class PropensitySettings:
    """Model hyper-parameters and the decision threshold (dbt vars feed some of them)."""

    horizon_days: int = 7
    threshold: float = 0.5
    max_iter: int = 100
    learning_rate: float = 0.1
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 20
    l2_regularization: float = 1.0
    random_state: int = 42
    # Above this many labelled rows, a deterministic sample of users (by hash) is trained on.
    max_training_rows: int = 1_000_000
    features: tuple[str, ...] = field(default=FEATURE_COLUMNS)

    def model_params(self) -> dict[str, object]:
        return {
            "max_iter": self.max_iter,
            "learning_rate": self.learning_rate,
            "max_leaf_nodes": self.max_leaf_nodes,
            "min_samples_leaf": self.min_samples_leaf,
            "l2_regularization": self.l2_regularization,
            "early_stopping": False,
            "random_state": self.random_state,
        }


@dataclass(frozen=True)
class TimeSplit:
    """Row masks of the training and held-out rows, and what the split was."""

    train: np.ndarray
    holdout: np.ndarray
    holdout_label_date: np.datetime64
    is_embargoed: bool


def open_training_set(relation: object, settings: PropensitySettings) -> TrainingSet:
    """A DuckDB relation of the training set, checked and counted in the warehouse.

    When the labelled rows exceed ``settings.max_training_rows``, only a deterministic
    sample of users (``hash(user_id)`` buckets) keeps its labelled rows; every scoring row is
    kept (``TrainingSet.sample_fraction`` is the sampled share).
    """
    return propensity_data.open_training_set(
        relation,  # type: ignore[arg-type]
        settings.features,
        settings.max_training_rows,
    )


def time_split(
    label_date: np.ndarray, is_label_complete: np.ndarray, horizon_days: int
) -> TimeSplit:
    """Hold out the latest labelled label time; train on earlier ones (with a gap if possible)."""
    days = np.asarray(label_date).astype("datetime64[D]")
    complete = np.asarray(is_label_complete, dtype=bool)
    if not complete.any():
        raise InputError("the training set has no row with a complete label window")
    holdout_day = days[complete].max()
    holdout = complete & (days == holdout_day)
    embargoed = complete & (days + np.timedelta64(horizon_days, "D") <= holdout_day)
    if embargoed.any():
        return TimeSplit(embargoed, holdout, holdout_day, True)
    earlier = complete & (days < holdout_day)
    if not earlier.any():
        raise InputError("the training set needs at least two label times with labels")
    return TimeSplit(earlier, holdout, holdout_day, False)


def fit(features: np.ndarray, labels: np.ndarray, settings: PropensitySettings) -> object:
    """Fit the classifier; both classes must be present."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    if np.unique(labels).shape[0] < 2:
        raise InputError("the training rows hold a single label class; the model cannot learn")
    model = HistGradientBoostingClassifier(**settings.model_params())  # type: ignore[arg-type]
    model.fit(features, labels)
    return model


def auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """ROC AUC, or None when the rows hold a single class (AUC undefined)."""
    from sklearn.metrics import roc_auc_score

    if np.unique(labels).shape[0] < 2:
        return None
    return float(roc_auc_score(labels, scores))


def model_version(settings: PropensitySettings, trained_at: datetime, training_rows: int) -> str:
    """A deterministic version id: same settings, data end and row count, same id."""
    payload = json.dumps(
        {
            "model": MODEL_TYPE,
            "params": settings.model_params(),
            "features": list(settings.features),
            "horizon_days": settings.horizon_days,
            "trained_at": trained_at.isoformat(),
            "training_rows": training_rows,
        },
        sort_keys=True,
    )
    return "propensity-" + hashlib.sha256(payload.encode()).hexdigest()[:12]


def code_version(settings: PropensitySettings) -> str:
    """Hash of the code (this module and propensity_data) and the model's parameters, not of
    the data: the ``model_version`` of the prediction log, the same across builds until either
    changes."""
    import inspect
    import sys

    payload = json.dumps(
        {
            "model": MODEL_TYPE,
            "params": settings.model_params(),
            "features": list(settings.features),
            "horizon_days": settings.horizon_days,
            "threshold": settings.threshold,
            "max_training_rows": settings.max_training_rows,
        },
        sort_keys=True,
    )
    # The reading code decides which rows are trained on (the sample), so it counts too.
    source = inspect.getsource(sys.modules[__name__]) + inspect.getsource(propensity_data)
    return "propensity-" + hashlib.sha256((source + payload).encode()).hexdigest()[:12]


def evaluate(
    training: TrainingSet, settings: PropensitySettings, *, built_at: datetime
) -> pa.Table:
    """One row of model metrics: the time split, its AUC, and what the served model uses.

    The split is decided on the label dates (computed in the warehouse); only the rows of
    the evaluation's training dates, then those of the held-out date, are read.
    ``trained_at`` is the end of the data (the scoring snapshot's label time), so it is the
    same on every rebuild over the same data; ``built_at`` is the wall-clock build time.
    """
    dates = training.label_dates
    split = time_split(dates, np.ones(dates.shape, dtype=bool), settings.horizon_days)
    features, labels = propensity_data.read_labelled(training, dates[split.train])
    model = fit(features, labels, settings)
    del features
    holdout_features, holdout_labels = propensity_data.read_labelled(training, dates[split.holdout])
    holdout_scores = model.predict_proba(holdout_features)[:, 1]  # type: ignore[attr-defined]
    train_days = dates[split.train]
    return pa.table(
        {
            "model_version": [_version(training, settings)],
            "model_type": [MODEL_TYPE],
            "trained_at": pa.array([training.trained_at], type=pa.timestamp("us")),
            "built_at": pa.array([built_at], type=pa.timestamp("us")),
            "training_rows": pa.array([training.training_rows], type=pa.int64()),
            "evaluation_training_rows": pa.array([labels.shape[0]], type=pa.int64()),
            "holdout_rows": pa.array([holdout_labels.shape[0]], type=pa.int64()),
            "scored_users": pa.array([training.scored_users], type=pa.int64()),
            "training_sample_fraction": pa.array([training.sample_fraction], pa.float64()),
            "training_first_label_date": _date_array(train_days.min()),
            "training_last_label_date": _date_array(train_days.max()),
            "holdout_label_date": _date_array(split.holdout_label_date),
            "is_embargoed": [split.is_embargoed],
            "holdout_positive_rate": pa.array(
                [float(holdout_labels.mean()) if holdout_labels.size else None],
                type=pa.float64(),
            ),
            "auc": pa.array([auc(holdout_labels, holdout_scores)], type=pa.float64()),
            "label_horizon_days": pa.array([settings.horizon_days], type=pa.int32()),
            "threshold": pa.array([settings.threshold], type=pa.float64()),
            "features": [",".join(settings.features)],
            "model_params": [json.dumps(settings.model_params(), sort_keys=True)],
        }
    )


def predict(training: TrainingSet, settings: PropensitySettings) -> pa.Table:
    """Fit on every labelled row; score each user's features at the end of the data.

    One row per user of the scoring snapshot, ordered by user_id. The training matrix is
    freed before scoring, and the snapshot is scored one record batch at a time.
    """
    features, labels = propensity_data.read_labelled(training)
    model = fit(features, labels, settings)
    del features, labels
    user_ids: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    for batch_users, batch_features in propensity_data.scoring_batches(training):
        user_ids.append(batch_users)
        scores.append(model.predict_proba(batch_features)[:, 1])  # type: ignore[attr-defined]
    propensity = np.concatenate(scores) if scores else np.zeros(0)
    rows = propensity.shape[0]
    trained_at = pa.scalar(training.trained_at, type=pa.timestamp("us"))
    return pa.table(
        {
            "user_id": pa.array(np.concatenate(user_ids), type=pa.int64()),
            "propensity": pa.array(propensity, type=pa.float64()),
            "predicted_label": pa.array(propensity >= settings.threshold),
            "features_as_of": pa.repeat(trained_at, rows),
            "model_version": pa.repeat(pa.scalar(_version(training, settings)), rows),
            "trained_at": pa.repeat(trained_at, rows),
            "code_version": pa.repeat(pa.scalar(code_version(settings)), rows),
        }
    )


def _version(training: TrainingSet, settings: PropensitySettings) -> str:
    return model_version(settings, training.trained_at, training.training_rows)


def _date_array(value: object) -> pa.Array:
    """A one-element date32 array."""
    return pa.array(np.array([value], dtype="datetime64[D]"))
