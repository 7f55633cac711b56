"""Reading the propensity model's training set from the warehouse, only what it needs.

features.purchase_training_set has one row per user and label date, and is large (at scale
100, 18 M rows). Nothing here loads it whole: the counts, label dates and the user sample
are computed in DuckDB, and only the rows a step needs (the labelled rows of the sampled
users, or the scoring snapshot) leave it, streamed as Arrow record batches into one
preallocated float64 matrix (or scored batch by batch). Rows arrive ordered by
(user_id, label_date), since the model's floating-point sums, so its predictions, depend on
the order of its training rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline_ml.errors import InputError

LABEL_COLUMN = "purchased_in_horizon"
KEY_COLUMNS: tuple[str, ...] = (
    "user_id",
    "label_date",
    "label_at",
    "is_label_complete",
    "is_scoring_snapshot",
    LABEL_COLUMN,
)
SAMPLE_BUCKETS = 10_000
# Rows per Arrow record batch read from the warehouse: bounds the memory of one batch
# (24 features x 8 bytes x 131,072 rows is about 25 MB) whatever the scale.
BATCH_ROWS = 131_072
ROW_ORDER = "user_id, label_date"


@dataclass(frozen=True)
class TrainingSet:
    """A relation of the training set and the facts about it that the warehouse computed.

    ``labelled`` is the relation of the labelled rows trained on: every row with a complete
    label window, or, above ``max_training_rows`` of them, those of a deterministic sample of
    users (``hash(user_id)`` buckets; ``sample_fraction`` is the share of buckets kept).
    ``label_dates`` are its distinct label dates, ascending, with ``rows_per_date``.
    """

    relation: duckdb.DuckDBPyRelation
    labelled: duckdb.DuckDBPyRelation
    features: tuple[str, ...]
    sample_fraction: float
    label_dates: np.ndarray
    rows_per_date: np.ndarray
    scored_users: int
    trained_at: datetime

    @property
    def training_rows(self) -> int:
        return int(self.rows_per_date.sum())


def open_training_set(
    relation: duckdb.DuckDBPyRelation, features: Sequence[str], max_training_rows: int
) -> TrainingSet:
    """Check the relation's columns and compute its counts and sample in the warehouse."""
    columns = set(relation.columns)
    for name in (*KEY_COLUMNS, *features):
        if name not in columns:
            raise InputError(f"the training set lacks the column {name!r}", column=name)
    labelled_rows, scored_users, trained_at = relation.aggregate(
        "count(*) filter (where is_label_complete),"
        " count(*) filter (where is_scoring_snapshot),"
        " max(label_at) filter (where is_scoring_snapshot)"
    ).fetchall()[0]
    if not scored_users:
        raise InputError("the training set has no scoring snapshot rows")
    labelled = relation.filter(duckdb.ColumnExpression("is_label_complete"))
    fraction = 1.0
    if labelled_rows > max_training_rows:
        buckets = max(1, (max_training_rows * SAMPLE_BUCKETS) // labelled_rows)
        fraction = buckets / SAMPLE_BUCKETS
        bucket = duckdb.FunctionExpression("hash", duckdb.ColumnExpression("user_id")) % (
            duckdb.ConstantExpression(SAMPLE_BUCKETS)
        )
        labelled = labelled.filter(bucket < duckdb.ConstantExpression(buckets))
    per_date = labelled.aggregate("label_date, count(*) as rows", "label_date")
    counts = per_date.order("label_date").fetchnumpy()
    return TrainingSet(
        relation=relation,
        labelled=labelled,
        features=tuple(features),
        sample_fraction=fraction,
        label_dates=np.asarray(counts["label_date"]).astype("datetime64[D]"),
        rows_per_date=np.asarray(counts["rows"], dtype=np.int64),
        scored_users=int(scored_users),
        trained_at=trained_at,
    )


def read_labelled(
    training: TrainingSet, label_dates: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The labelled rows (of ``label_dates`` only, if given): a feature matrix and labels.

    The matrix is float64 with NaN for nulls (the model handles them natively), one row per
    training row in (user_id, label_date) order, filled batch by batch.
    """
    relation = training.labelled
    rows = training.training_rows
    if label_dates is not None:
        wanted = np.isin(training.label_dates, label_dates)
        rows = int(training.rows_per_date[wanted].sum())
        relation = relation.filter(
            duckdb.ColumnExpression("label_date").isin(
                *(duckdb.ConstantExpression(_as_date(day)) for day in training.label_dates[wanted])
            )
        )
    matrix = np.empty((rows, len(training.features)), dtype=np.float64)
    labels = np.empty(rows, dtype=bool)
    start = 0
    for batch in _batches(relation, (LABEL_COLUMN, *training.features), ROW_ORDER):
        stop = start + batch.num_rows
        if stop > rows:
            raise InputError("the training set changed while it was read")
        fill_matrix(matrix[start:stop], batch, training.features)
        labels[start:stop] = _bool_values(batch.column(LABEL_COLUMN))
        start = stop
    if start != rows:
        raise InputError("the training set changed while it was read")
    return matrix, labels


def scoring_batches(training: TrainingSet) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The scoring snapshot in batches ordered by user_id: (user ids, feature matrix)."""
    scoring = training.relation.filter(duckdb.ColumnExpression("is_scoring_snapshot"))
    for batch in _batches(scoring, ("user_id", *training.features), "user_id"):
        matrix = np.empty((batch.num_rows, len(training.features)), dtype=np.float64)
        fill_matrix(matrix, batch, training.features)
        user_ids = batch.column("user_id").to_numpy(zero_copy_only=False)
        yield np.asarray(user_ids, dtype=np.int64), matrix


def fill_matrix(matrix: np.ndarray, batch: pa.RecordBatch, features: Sequence[str]) -> None:
    """Write the batch's feature columns as float64 into ``matrix``'s columns (nulls: NaN).

    The cast is Arrow's, of each value (integers and decimals alike), so the values do not
    depend on how the rows were batched.
    """
    for index, name in enumerate(features):
        column = pc.cast(batch.column(name), pa.float64())
        matrix[:, index] = column.to_numpy(zero_copy_only=False)


def _batches(
    relation: duckdb.DuckDBPyRelation, columns: Sequence[str], order: str
) -> Iterator[pa.RecordBatch]:
    """The columns (and the ordering keys) of the relation's rows in order, batch by batch."""
    keys = [name.strip() for name in order.split(",")]
    names = dict.fromkeys((*keys, *columns))
    quoted = ", ".join('"' + name.replace('"', '""') + '"' for name in names)
    yield from relation.project(quoted).order(order).to_arrow_reader(BATCH_ROWS)


def _bool_values(column: pa.Array) -> np.ndarray:
    values = pc.fill_null(column, False)
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=bool)


def _as_date(day: np.datetime64) -> date:
    return day.astype("datetime64[D]").astype(date)
