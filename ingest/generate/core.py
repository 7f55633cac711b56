"""The generator's entry point: day by day, build each source, inject faults, write files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ingest.contracts import CONTRACTS
from ingest.errors import GenerateError
from ingest.generate.activity import (
    PURCHASE,
    day_sales,
    day_transactions,
    first_transaction_id,
    simulate_day,
)
from ingest.generate.catalog import build_catalog, build_users
from ingest.generate.config import (
    CATEGORIES,
    GENERATOR_VERSION,
    SOURCES,
    GenerateConfig,
    Stream,
    rng_for,
)
from ingest.generate.customers import build_customers, customer_columns, customers_day
from ingest.generate.faults import KINDS, QUARANTINE, FaultPlan, plan_faults
from ingest.generate.output import (
    FAULTS,
    MANIFEST,
    FaultLog,
    prepare_out,
    remove_stale,
    write_bytes_atomic,
    write_manifest,
    write_parquet_atomic,
)
from ingest.generate.render import RenderedFile, render_csv, render_transactions
from ingest.generate.render_events import EventArrays, render_events
from ingest.generate.tastes import build_tastes
from ingest.generate.text import cents_text, datetime_text, int_text, str_take, tenths_text

# Renders the clean text of each column for rows a to b of a file.
Columns = Callable[[int, int], list[pa.Array]]


@dataclass
class GenerateResult:
    """What a run wrote: the manifest (also in ``_manifest.json``) and every file's path."""

    out: Path
    manifest: dict[str, Any]
    files: list[Path] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class _SourceTally:
    files: list[dict[str, Any]] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    covered: set[int] = field(default_factory=set)

    def add(self, rendered: RenderedFile) -> None:
        self.files.append(
            {"file": rendered.path, "rows": rendered.rows, "faults": len(rendered.records)}
        )
        for _source, _file, _line, fault, _column, reason in rendered.records:
            self.faults[fault] += 1
            if reason:
                self.reasons[reason] += 1

    def summary(self, source: str) -> dict[str, Any]:
        fault_classes = sorted({kind.fault for kind in KINDS[source]})
        return {
            "format": CONTRACTS[source].file_format,
            "files": self.files,
            "rows": sum(entry["rows"] for entry in self.files),
            "faulty_rows": sum(entry["faults"] for entry in self.files),
            "faults": {fault: self.faults.get(fault, 0) for fault in fault_classes},
            "expected_reasons": dict(sorted(self.reasons.items())),
            "quarantine": self.reasons.get(QUARANTINE, 0),
        }


def generate(
    out: Path,
    *,
    scale: float = 1.0,
    seed: int = 42,
    days: int = 28,
    start_date: date = date(2026, 10, 1),
    fault_rate: float = 0.0,
) -> GenerateResult:
    """Write deterministic synthetic landing data for the five sources into ``out``.

    Same arguments, same bytes. Raises ``GenerateError`` (a ``ValueError``) with a one-line
    message for bad arguments or an unusable output folder.
    """
    config = GenerateConfig(
        scale=scale, seed=seed, days=days, start_date=start_date, fault_rate=fault_rate
    )
    config.validate()
    out = Path(out)
    owned = prepare_out(out)

    users = build_users(config)
    catalog = build_catalog(config)
    tastes = build_tastes(config, catalog)
    tallies = {source: _SourceTally() for source in SOURCES}
    written: list[str] = []
    last_end = np.full(config.n_users, -(10**9), dtype=np.int64)
    next_transaction_id = first_transaction_id()
    log = FaultLog(out, SOURCES)
    customer_state = build_customers(config, config.n_users)

    def emit(source: str, rendered: RenderedFile) -> None:
        target = out / rendered.path
        try:
            if rendered.table is not None:
                write_parquet_atomic(target, rendered.table)
            else:
                assert rendered.data is not None
                write_bytes_atomic(target, rendered.data)
        except OSError as error:
            raise GenerateError(f"cannot write {target}: {error.strerror or error}") from None
        written.append(rendered.path)
        tallies[source].add(rendered)
        log.add(rendered.records)

    def planned(
        source: str, day: int, rows: int, **extra: Any
    ) -> tuple[FaultPlan, np.random.Generator]:
        """The fault plan of one file of ``source`` and the generator the faults draw from."""
        rng = rng_for(config.seed, Stream.FAULTS + SOURCES.index(source), day)
        plan = plan_faults(rng, source, rows, config.fault_rate, tallies[source].covered, **extra)
        return plan, rng

    def emit_csv(source: str, day: int, rows: int, columns: Columns) -> None:
        """One day's CSV file of ``source``: ``columns(a, b)`` renders rows a to b."""
        plan, rng = planned(source, day, rows)
        path = f"{source}/{source}_{config.day(day).isoformat()}.csv"
        column_names = CONTRACTS[source].column_names
        emit(source, render_csv(source, path, column_names, rows, columns, plan, rng))

    try:
        for day in range(config.days):
            day_text = config.day(day).isoformat()
            day_start = config.day_start_seconds(day)

            # products: the full catalog as it stands at the end of the day
            emit_csv(
                "products",
                day,
                catalog.counts[day],
                lambda a, b, day=day: [
                    int_text(catalog.ids[a:b]),
                    catalog.names.slice(a, b - a),
                    str_take(CATEGORIES, catalog.categories[a:b]),
                    cents_text(catalog.prices[day][a:b]),
                    tenths_text(catalog.ratings[day][a:b]),
                    datetime_text(catalog.updated_at[day][a:b]),
                ],
            )

            activity = simulate_day(config, users, catalog, day, last_end, tastes)

            # events: one file per UTC hour
            n_events = len(activity.event_at)
            if n_events:
                plan, rng = planned(
                    "events",
                    day,
                    n_events,
                    purchase_rows=np.flatnonzero(activity.event_type == PURCHASE),
                )
                events = EventArrays(
                    user_ids=users.ids[activity.event_user],
                    tz_code=users.tz_code[activity.event_user],
                    product_ids=catalog.ids[activity.event_product],
                    type_code=activity.event_type,
                    event_at=activity.event_at,
                    quantity=activity.event_quantity,
                    amount=activity.event_amount,
                    query=activity.event_query,
                )
                for rendered in render_events(day_text, day_start, events, plan, rng):
                    emit("events", rendered)

            # user_behavior: one row per visit (session)
            n_visits = len(activity.session_start)
            if n_visits:
                emit_csv(
                    "user_behavior",
                    day,
                    n_visits,
                    lambda a, b, activity=activity: [
                        int_text(users.ids[activity.session_user[a:b]]),
                        int_text(activity.session_page_views[a:b]),
                        int_text(activity.session_duration[a:b]),
                        datetime_text(activity.session_start[a:b]),
                    ],
                )

            # transactions: one payment per purchase event
            tx = day_transactions(config, activity, day, next_transaction_id)
            if len(tx.transaction_id):
                next_transaction_id = int(tx.transaction_id.max())
                plan, rng = planned("transactions", day, len(tx.transaction_id))
                path = f"transactions/transactions_{day_text}.parquet"
                emit("transactions", render_transactions(path, tx, users.ids[tx.user], plan, rng))

            # sales: the day's sold lines at the day's catalog price
            sales = day_sales(config, users, catalog, activity, day)
            if len(sales.product):
                emit_csv(
                    "sales",
                    day,
                    len(sales.product),
                    lambda a, b, sales=sales, day_text=day_text: [
                        pa.array([day_text] * (b - a), pa.string()),
                        int_text(catalog.ids[sales.product[a:b]]),
                        int_text(sales.quantity[a:b]),
                        cents_text(sales.price[a:b]),
                        int_text(users.ids[sales.user[a:b]]),
                    ],
                )

            # customers: day 0 a full extract, later days the records that changed
            changes = customers_day(config, customer_state, day)
            if len(changes.rows):
                emit_csv(
                    "customers",
                    day,
                    len(changes.rows),
                    lambda a, b, changes=changes: customer_columns(users.ids, changes, a, b),
                )
        log.finish()
    except BaseException:
        log.abort()
        raise

    removed = remove_stale(out, owned, {*written, FAULTS})
    manifest: dict[str, Any] = {
        "generator": "ingest.generate",
        "generator_version": GENERATOR_VERSION,
        "arguments": config.arguments(),
        "universe": {
            "users": config.n_users,
            "user_id_min": int(users.ids[0]),
            "user_id_max": int(users.ids[-1]),
            "products_initial": config.n_initial_products,
            "products_final": int(catalog.counts[-1]),
            "product_id_min": int(catalog.ids[0]),
            "product_id_max": int(catalog.ids[catalog.counts[-1] - 1]),
            "categories": list(CATEGORIES),
        },
        "faults_file": FAULTS,
        "sources": {source: tallies[source].summary(source) for source in SOURCES},
    }
    write_manifest(out, manifest)
    files = [out / path for path in written] + [out / FAULTS, out / MANIFEST]
    return GenerateResult(out=out, manifest=manifest, files=files, removed=removed)
