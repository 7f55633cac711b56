"""A text landing file's physical lines, read into a temporary table in file order, and the
lines DuckDB's reader rejected (invalid UTF-8), numbered and quarantined.

The first step of every text reader of ``ingest.readers`` (see its docstring for how the
line numbers stay exact when DuckDB reads in parallel, and for mixed line endings).
"""

from __future__ import annotations

import gzip
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from ingest.discover import LandingFile

if TYPE_CHECKING:
    from ingest.readers import LoadContext

REJECTS_TABLE = "ingest_reject_errors"
REJECT_SCANS_TABLE = "ingest_reject_scans"
# The lines of a file with rejected lines, read as Latin-1 (one character per byte), and
# what that read rejected (lines with the reserved byte sequence), to number its lines.
REJECTED_BYTES_TABLE = "temp.ingest_reject_bytes"
BYTES_REJECTS_TABLE = "ingest_reject_bytes_errors"
BYTES_REJECT_SCANS_TABLE = "ingest_reject_bytes_scans"
QUARANTINE_STAGE = "temp.ingest_stage_quarantine"
# A field separator no text line contains, so that each physical line is one value.
LINE_DELIMITER = "\x1e\x1f\x1e\x1f"


@dataclass(frozen=True)
class LinesRead:
    """How many physical lines the line reader kept, and how many it rejected."""

    table: str = ""
    kept: int = 0
    rejected: int = 0
    # Lines the Latin-1 re-read of a file with rejected lines rejected in turn.
    bytes_rejected: int = 0


def read_lines(con: duckdb.DuckDBPyConnection, item: LandingFile, table: str) -> LinesRead:
    """Read a text file's physical lines into the temporary ``table``, in file order.

    Must run outside an open transaction: rowids of uncommitted rows are not 0-based, and the
    rowid is what numbers the lines. The caller drops ``table`` once the rows are published.
    """
    if item.contract.file_format == "parquet":
        return LinesRead()
    compression = "gzip" if item.path.name.endswith(".gz") else "none"
    try:
        return _read_lines_from(con, item.path, compression, table)
    except duckdb.InvalidInputException as error:
        if "state machine reached an invalid state" not in str(error):
            raise
    # Mixed line endings (DuckDB's reader wants one kind per file): read an LF-only copy.
    with tempfile.TemporaryDirectory(prefix="ingest-lines-") as folder:
        copy = Path(folder) / "lines.txt"
        _normalised_copy(item.path, compression, copy)
        return _read_lines_from(con, copy, "none", table)


def _read_lines_from(
    con: duckdb.DuckDBPyConnection, path: Path, compression: str, table: str
) -> LinesRead:
    con.execute(f"drop table if exists temp.{REJECTS_TABLE}")
    con.execute(f"drop table if exists temp.{REJECT_SCANS_TABLE}")
    # The connection keeps preserve_insertion_order on (see load.connect): the table keeps
    # the file's order, and its rowid numbers the lines.
    con.execute(
        f"create or replace temp table {table} as"
        " select line from read_csv(?, columns = {'line': 'VARCHAR'}, header = false,"
        " delim = ?, quote = '', escape = '', auto_detect = false, compression = ?,"
        " store_rejects = true, rejects_table = ?, rejects_scan = ?)",
        [str(path), LINE_DELIMITER, compression, REJECTS_TABLE, REJECT_SCANS_TABLE],
    )
    counts = con.execute(
        f"select (select count(*) from {table}),"
        f" (select count(distinct line) from temp.{REJECTS_TABLE})"
    ).fetchone()
    assert counts is not None
    rejected = int(counts[1])
    bytes_rejected = 0
    if rejected:
        # The exact bytes of the rejected lines (their text above is lossy): the same lines
        # read as Latin-1, where every byte is one character, for _quarantine_rejects.
        con.execute(f"drop table if exists temp.{BYTES_REJECTS_TABLE}")
        con.execute(f"drop table if exists temp.{BYTES_REJECT_SCANS_TABLE}")
        con.execute(
            f"create or replace temp table {REJECTED_BYTES_TABLE} as"
            " select line from read_csv(?, columns = {'line': 'VARCHAR'}, header = false,"
            " delim = ?, quote = '', escape = '', auto_detect = false, compression = ?,"
            " encoding = 'latin-1', store_rejects = true, rejects_table = ?, rejects_scan = ?)",
            [
                str(path),
                LINE_DELIMITER,
                compression,
                BYTES_REJECTS_TABLE,
                BYTES_REJECT_SCANS_TABLE,
            ],
        )
        row = con.execute(f"select count(distinct line) from temp.{BYTES_REJECTS_TABLE}")
        bytes_rejected = int((row.fetchone() or [0])[0])
    return LinesRead(str(table), int(counts[0]), rejected, bytes_rejected)


def _normalised_copy(source: Path, compression: str, destination: Path) -> None:
    """Copy ``source`` (decompressed) to ``destination`` with CRLF and lone CR rewritten as LF.

    Streams in 1 MiB blocks with bytes.replace; a CR at the end of a block waits for the next
    one, so a CRLF split across two blocks stays one line ending.
    """
    opener = gzip.open if compression == "gzip" else open
    with opener(source, "rb") as reader, destination.open("wb") as writer:
        carry = b""
        while block := reader.read(1 << 20):
            data = carry + block
            carry = b"\r" if data.endswith(b"\r") else b""
            if carry:
                data = data[:-1]
            writer.write(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        if carry:
            writer.write(b"\n")


def numbered_lines_cte(lines: LinesRead, rejects_table: str = REJECTS_TABLE) -> str:
    """A CTE ``numbered(line_number, line)`` over the lines table with physical line numbers.

    The k-th kept line (0-based rowid k) sits after every rejected line r_i (i-th rejected,
    1-based) that has fewer than k+1 kept lines before it, i.e. r_i - i <= k.
    """
    if lines.rejected == 0:
        return f"numbered as (select rowid + 1 as line_number, line from {lines.table})"
    return f"""
        rejected as (
            select
                line as line_number,
                row_number() over (order by line) as rejected_so_far,
            from (select distinct line from temp.{rejects_table})
        ),
        gaps as (
            select
                line_number - rejected_so_far as kept_before,
                max(rejected_so_far) as shift,
            from rejected
            group by all
        ),
        numbered as (
            select
                lines.rowid + 1 + coalesce(gaps.shift, 0) as line_number,
                lines.line as line,
            from {lines.table} as lines
            asof left join gaps
                on lines.rowid >= gaps.kept_before
        )"""


def quarantine_rejects(
    con: duckdb.DuckDBPyConnection,
    item: LandingFile,
    ctx: LoadContext,
    lines: LinesRead,
    *,
    first_line: int,
) -> int:
    """Move the lines the reader rejected (invalid UTF-8, over-long lines) to quarantine,
    each with its exact bytes (base64) from the Latin-1 re-read (see _read_lines_from)."""
    latin1 = LinesRead(REJECTED_BYTES_TABLE, rejected=lines.bytes_rejected)
    result = con.execute(
        f"insert into {QUARANTINE_STAGE}"
        f" with {numbered_lines_cte(latin1, BYTES_REJECTS_TABLE)},"
        " quarantined as ("
        "     select"
        "         rejects.line as line_number,"
        "         trim(any_value(rejects.csv_line), ?) as raw_line,"
        "         any_value(rejects.error_type) as error_type,"
        "         any_value(rejects.error_message) as error_message,"
        "         any_value(numbered.line) as latin1_line,"
        f"     from temp.{REJECTS_TABLE} as rejects"
        "     left join numbered on numbered.line_number = rejects.line"
        "     where rejects.line >= ?"
        "     group by rejects.line"
        " )"
        " select ?, ?, ?, line_number, raw_line,"
        " case error_type"
        "     when 'INVALID ENCODING' then 'invalid encoding: not UTF-8 (bad bytes shown as ?)'"
        "     when 'TOO MANY COLUMNS' then 'line contains the reserved byte sequence 1e 1f 1e 1f'"
        "     else lower(error_type) || ': ' || error_message"
        " end, ?,"
        " coalesce("
        "     to_base64(from_hex(array_to_string(list_transform(string_split(latin1_line, ''),"
        "         lambda c: lpad(hex(unicode(c)), 2, '0')), ''))),"
        "     to_base64(encode(raw_line))"
        " )"
        " from quarantined",
        ["\r\n", first_line, ctx.batch_id, item.source, item.source_file, ctx.loaded_at],
    ).fetchone()
    return int(result[0]) if result else 0
