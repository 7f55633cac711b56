"""Consent filters for the personalised outputs (docs/privacy.md).

Customers who withdrew marketing consent or asked not to have their data sold
(int_customers_consent_as_of.is_suppressed) get no recommendations and no propensity score.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def suppressed_user_ids(consent: object) -> np.ndarray:
    """The customer ids flagged is_suppressed in a relation of int_customers_consent_as_of."""
    rows = consent.filter("is_suppressed").project("customer_id").fetchnumpy()  # type: ignore[attr-defined]
    return np.asarray(rows["customer_id"], dtype=np.int64)


def without_users(table: pa.Table, user_ids: np.ndarray, column: str = "user_id") -> pa.Table:
    """``table`` without the rows whose ``column`` is one of ``user_ids``."""
    if len(user_ids) == 0 or table.num_rows == 0:
        return table
    listed = pc.is_in(table[column], value_set=pa.array(user_ids, pa.int64()))
    return table.filter(pc.invert(pc.fill_null(listed, False)))
