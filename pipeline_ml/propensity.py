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
import pyarrow.compute as pc

from pipeline_ml.errors import InputError

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
LABEL_COLUMN = "purchased_in_horizon"
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


KEY_COLUMNS: tuple[str, ...] = (
    "user_id",
    "label_date",
    "label_at",
    "is_label_complete",
    "is_scoring_snapshot",
    LABEL_COLUMN,
)
SAMPLE_BUCKETS = 10_000


def read_training_set(relation: object, settings: PropensitySettings) -> pa.Table:
    """The columns the model needs from a DuckDB relation of the training set, as Arrow.

    When the labelled rows exceed ``settings.max_training_rows``, only a deterministic
    sample of users (``hash(user_id)`` buckets) keeps its labelled rows; every scoring row is
    kept. The table's schema metadata records the sampled share (``sample_fraction``).
    """
    from pipeline_ml.interactions import arrow_table

    columns = (*KEY_COLUMNS, *settings.features)
    projected = relation.project(  # type: ignore[attr-defined]
        ", ".join('"' + name.replace('"', '""') + '"' for name in columns)
    )
    labelled = projected.filter("is_label_complete").aggregate("count(*)").fetchall()[0][0]
    fraction = 1.0
    if labelled > settings.max_training_rows:
        buckets = max(1, (settings.max_training_rows * SAMPLE_BUCKETS) // labelled)
        fraction = buckets / SAMPLE_BUCKETS
        projected = projected.filter(
            f"is_scoring_snapshot or hash(user_id) % {int(SAMPLE_BUCKETS)} < {int(buckets)}"
        )
    # A fixed row order: the warehouse does not preserve insertion order, and the model's
    # floating-point sums (so its predictions) depend on the order of its training rows.
    table = arrow_table(projected.order("user_id, label_date"))
    return table.replace_schema_metadata({"sample_fraction": repr(fraction)})


def sample_fraction(table: pa.Table) -> float:
    """Share of user hash buckets whose labelled rows were kept (about the share of users)."""
    metadata = table.schema.metadata or {}
    return float(metadata.get(b"sample_fraction", b"1.0"))


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


def feature_matrix(table: pa.Table, features: tuple[str, ...]) -> np.ndarray:
    """The feature columns as float64 (nulls become NaN, which the model handles natively)."""
    missing = [name for name in features if name not in table.column_names]
    if missing:
        raise InputError(f"the training set lacks feature columns: {missing}", column=missing[0])
    columns = [
        pc.cast(table.column(name), pa.float64()).to_numpy(zero_copy_only=False)
        for name in features
    ]
    return np.column_stack(columns) if columns else np.zeros((table.num_rows, 0))


def _labels(table: pa.Table, mask: np.ndarray) -> np.ndarray:
    labels = table.column(LABEL_COLUMN).to_numpy(zero_copy_only=False)[mask]
    return np.asarray(labels, dtype=bool)


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
    """Hash of this module's code and the model's parameters (not of the data): the
    ``model_version`` of the prediction log, the same across builds until either changes."""
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
    source = inspect.getsource(sys.modules[__name__])
    return "propensity-" + hashlib.sha256((source + payload).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class _Prepared:
    """The training set's arrays that both evaluation and scoring need."""

    label_date: np.ndarray
    complete: np.ndarray
    scoring: np.ndarray
    features: np.ndarray
    trained_at: datetime
    version: str


def _prepare(training_set: pa.Table, settings: PropensitySettings) -> _Prepared:
    for column in KEY_COLUMNS:
        if column not in training_set.column_names:
            raise InputError(f"the training set lacks the column {column!r}", column=column)
    label_date = np.asarray(
        training_set.column("label_date").to_numpy(zero_copy_only=False)
    ).astype("datetime64[D]")
    complete = _bool_column(training_set, "is_label_complete")
    scoring = _bool_column(training_set, "is_scoring_snapshot")
    if not scoring.any():
        raise InputError("the training set has no scoring snapshot rows")
    label_at = training_set.column("label_at").to_numpy(zero_copy_only=False)
    trained_at = _as_datetime(label_at[scoring].max())
    return _Prepared(
        label_date=label_date,
        complete=complete,
        scoring=scoring,
        features=feature_matrix(training_set, settings.features),
        trained_at=trained_at,
        version=model_version(settings, trained_at, int(complete.sum())),
    )


def _bool_column(table: pa.Table, name: str) -> np.ndarray:
    values = pc.fill_null(table.column(name), False)
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=bool)


def evaluate(
    training_set: pa.Table, settings: PropensitySettings, *, built_at: datetime
) -> pa.Table:
    """One row of model metrics: the time split, its AUC, and what the served model uses.

    ``trained_at`` is the end of the data (the scoring snapshot's label time), so it is the
    same on every rebuild over the same data; ``built_at`` is the wall-clock build time.
    """
    prepared = _prepare(training_set, settings)
    split = time_split(prepared.label_date, prepared.complete, settings.horizon_days)
    model = fit(prepared.features[split.train], _labels(training_set, split.train), settings)
    holdout_labels = _labels(training_set, split.holdout)
    holdout_scores = model.predict_proba(prepared.features[split.holdout])[:, 1]  # type: ignore[attr-defined]
    train_days = prepared.label_date[split.train]
    return pa.table(
        {
            "model_version": [prepared.version],
            "model_type": [MODEL_TYPE],
            "trained_at": pa.array([prepared.trained_at], type=pa.timestamp("us")),
            "built_at": pa.array([built_at], type=pa.timestamp("us")),
            "training_rows": pa.array([int(prepared.complete.sum())], type=pa.int64()),
            "evaluation_training_rows": pa.array([int(split.train.sum())], type=pa.int64()),
            "holdout_rows": pa.array([int(split.holdout.sum())], type=pa.int64()),
            "scored_users": pa.array([int(prepared.scoring.sum())], type=pa.int64()),
            "training_sample_fraction": pa.array([sample_fraction(training_set)], pa.float64()),
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


def predict(training_set: pa.Table, settings: PropensitySettings) -> pa.Table:
    """Fit on every labelled row; score each user's features at the end of the data.

    One row per user of the scoring snapshot, ordered by user_id.
    """
    prepared = _prepare(training_set, settings)
    model = fit(
        prepared.features[prepared.complete], _labels(training_set, prepared.complete), settings
    )
    propensity = model.predict_proba(prepared.features[prepared.scoring])[:, 1]  # type: ignore[attr-defined]
    user_ids = training_set.column("user_id").to_numpy(zero_copy_only=False)[prepared.scoring]
    order = np.argsort(user_ids, kind="stable")
    rows = order.shape[0]
    return pa.table(
        {
            "user_id": pa.array(user_ids[order], type=pa.int64()),
            "propensity": pa.array(propensity[order], type=pa.float64()),
            "predicted_label": pa.array(propensity[order] >= settings.threshold),
            "features_as_of": pa.array([prepared.trained_at] * rows, type=pa.timestamp("us")),
            "model_version": pa.array([prepared.version] * rows, type=pa.string()),
            "trained_at": pa.array([prepared.trained_at] * rows, type=pa.timestamp("us")),
            "code_version": pa.array([code_version(settings)] * rows, type=pa.string()),
        }
    )


def _date_array(value: object) -> pa.Array:
    """A one-element date32 array."""
    return pa.array(np.array([value], dtype="datetime64[D]"))


def _as_datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    return np.datetime64(value, "us").astype(datetime)
