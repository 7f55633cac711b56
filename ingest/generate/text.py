"""Vectorised, fixed formatting of numbers and times as text (pyarrow compute, no row loops).

The same value always renders to the same text: integers in decimal, money as ``123.45``
(always two decimals), ratings as ``4.3``, times as ``YYYY-MM-DD HH:MM:SS`` (UTC) or ISO-8601
with an offset suffix.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def int_text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())


@functools.cache
def _names_array(names: tuple[str, ...]) -> pa.Array:
    return pa.array(names, pa.string())


def str_take(names: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    """``names[code]`` for every code."""
    return _names_array(tuple(names)).take(pa.array(np.asarray(codes, dtype=np.int64)))


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


def join_columns(columns: list[pa.Array], sep: str) -> pa.Array:
    """One line per row: the row's column texts joined by ``sep``."""
    return pc.binary_join_element_wise(*columns, sep)


def replace_rows(lines: pa.Array, replacements: dict[int, str]) -> pa.Array:
    """``lines`` with the rows in ``replacements`` swapped for their new text."""
    if not replacements:
        return lines
    rows = sorted(replacements)
    mask = np.zeros(len(lines), dtype=bool)
    mask[rows] = True
    values = pa.array([replacements[row] for row in rows], pa.string())
    return pc.replace_with_mask(lines, pa.array(mask), values)


def lines_bytes(lines: pa.Array) -> bytes:
    """The UTF-8 bytes of ``lines``, each ended by a newline, without Python strings per line."""
    ended = pc.binary_join_element_wise(lines, "\n", "")
    offsets = np.frombuffer(ended.buffers()[1], dtype=np.int32)
    offsets = offsets[ended.offset : ended.offset + len(ended) + 1]
    data = ended.buffers()[2]
    return data[int(offsets[0]) : int(offsets[-1])].to_pybytes()
