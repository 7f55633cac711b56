"""Vectorised, fixed formatting of numbers and times as text (pyarrow compute, no row loops).

The same value always renders to the same text: integers in decimal, money as ``123.45``
(always two decimals), ratings as ``4.3``, times as ``YYYY-MM-DD HH:MM:SS`` (UTC) or ISO-8601
with an offset suffix.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def int_text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())


def str_take(names: tuple[str, ...] | list[str], codes: np.ndarray) -> pa.Array:
    """``names[code]`` for every code."""
    return pa.array(list(names), pa.string()).take(pa.array(np.asarray(codes, dtype=np.int64)))


def cents_text(cents: np.ndarray) -> pa.Array:
    """Non-negative integer cents as ``whole.cc``."""
    cents = np.asarray(cents, dtype=np.int64)
    whole = int_text(cents // 100)
    frac = pc.utf8_lpad(int_text(cents % 100), 2, "0")
    return pc.binary_join_element_wise(whole, frac, ".")


def tenths_text(tenths: np.ndarray) -> pa.Array:
    tenths = np.asarray(tenths, dtype=np.int64)
    return pc.binary_join_element_wise(int_text(tenths // 10), int_text(tenths % 10), ".")


def cents_str(cents: int) -> str:
    """One amount in cents as text; negative amounts get a leading minus."""
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def iso_seconds(seconds: np.ndarray) -> np.ndarray:
    """Seconds since the epoch as ``YYYY-MM-DDTHH:MM:SS`` (numpy unicode array)."""
    stamps = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")
    return np.datetime_as_string(stamps, unit="s")


def datetime_text(seconds: np.ndarray) -> pa.Array:
    """UTC seconds since the epoch as ``YYYY-MM-DD HH:MM:SS``."""
    return pc.replace_substring(pa.array(iso_seconds(seconds)), "T", " ")


def date_text(seconds: np.ndarray) -> pa.Array:
    stamps = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]").astype("datetime64[D]")
    return pa.array(np.datetime_as_string(stamps, unit="D"))


def join_lines(columns: list[pa.Array], sep: str) -> list[str]:
    """Join the columns of every row with ``sep``; one Python string per row."""
    if len(columns) == 1:
        return columns[0].to_pylist()
    return pc.binary_join_element_wise(*columns, sep).to_pylist()
