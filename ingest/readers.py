"""Read one landing file with DuckDB's native readers into the session's staging tables.

Every reader is set-based: DuckDB reads and parses the file, Python only assembles SQL from
quoted identifiers and passes every value (paths, names, ids) as a parameter.

Text formats (CSV, JSON Lines) are read as physical lines first, one VARCHAR per line, with
``read_csv`` in single-column mode (no quoting, a delimiter that does not occur in text).
With ``preserve_insertion_order`` the temporary table keeps the file's order, so its rowid
plus the lines the reader rejected (invalid UTF-8, reported by ``store_rejects`` with their
exact line) gives each row its physical line number, even when DuckDB reads in parallel.
CSV fields are then split in SQL (``string_split``; a regular expression for the rare lines
with quotes), JSON is parsed with DuckDB's JSON functions. Lines that cannot be parsed go to
the quarantine with their text and a reason; the rest go to the raw table, as text. A text
file's rows are not copied into a staging table: its select is run once, when the load
publishes the file (``StagedFile.deferred``), so that the rows are written only once.

Line endings: a line ends at LF, CRLF or a lone CR (Python's "universal newlines"), and
one file may mix them (files concatenated from several systems). DuckDB's reader accepts a
file whose lines all end the same way; when it refuses a mixed file, the file is read from a
copy with every line ending rewritten as LF (``ingest.lines``, a streaming byte replace),
so every good line still loads and line numbers count lines as above.

Known limits, by design: a quoted CSV field spanning several physical lines is not joined
(each of its lines is quarantined, nothing is lost); JSON values are re-rendered by DuckDB's
JSON parser (``1.50`` in an object becomes ``1.5``; strings are unescaped); a JSON object with
the same key twice is quarantined (``duplicate_key``), never resolved silently. Invalid UTF-8
bytes show as ``?`` in the quarantined text (``raw_line``); ``raw_line_base64`` keeps the
line's exact bytes.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from ingest.contracts import SourceContract
from ingest.discover import LandingFile
from ingest.errors import FileLoadError, MissingColumnError
from ingest.json_lines import classified_json_lines, json_path
from ingest.lines import (
    QUARANTINE_STAGE,
    LinesRead,
    numbered_lines_cte,
    quarantine_rejects,
)
from ingest.sql import quote_ident

CSV_DELIMITER = ","
CSV_QUOTE = '"'
_FIELD = '"(?:[^"]|"")*"|[^,"]*'
CSV_LINE_PATTERN = f"(?:{_FIELD})(?:,(?:{_FIELD}))*"
CSV_FIELD_PATTERN = f",({_FIELD})"


def stage_table(contract: SourceContract) -> str:
    return f"temp.{quote_ident('ingest_stage_' + contract.table)}"


@dataclass(frozen=True)
class LoadContext:
    """What every row of one `load` invocation carries."""

    batch_id: str
    loaded_at: datetime


@dataclass
class StagedFile:
    rows_loaded: int = 0
    rows_quarantined: int = 0
    extra_columns: list[str] = field(default_factory=list)
    # A select of the file's raw rows, run when the file is published (instead of staging
    # its rows now): the rows are then written once, straight from the lines table.
    deferred: tuple[str, list[object]] | None = None
    # Temporary tables the deferred select reads besides the lines table: dropped with it.
    tables: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return self.rows_loaded + self.rows_quarantined


def _parse_header(item: LandingFile, header: str) -> list[str]:
    names = [name.strip() for name in next(csv.reader([header.lstrip("\ufeff")]))]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise FileLoadError(item.source_file, f"duplicate column {name!r} in the header")
        seen.add(name)
    return names


def _check_columns(item: LandingFile, present: list[str], *, kind: str = "column") -> list[str]:
    """Raise on a missing required column; return the unknown extra columns."""
    missing = [name for name in item.contract.required if name not in present]
    if len(missing) == 1:
        raise MissingColumnError(item.source_file, missing[0], kind=kind)
    if missing:
        names = ", ".join(repr(name) for name in missing)
        raise FileLoadError(item.source_file, f"missing required {kind}s {names}")
    return [name for name in present if name not in item.contract.column_names]


def stage_csv(
    con: duckdb.DuckDBPyConnection, item: LandingFile, ctx: LoadContext, lines: LinesRead
) -> StagedFile:
    kept, rejected = lines.kept, lines.rejected
    numbered = numbered_lines_cte(lines)
    header_row = con.execute(
        f"with {numbered} select line from numbered where line_number = 1"
    ).fetchone()
    if header_row is None or header_row[0] is None:
        raise FileLoadError(item.source_file, "line 1: the header is missing or not UTF-8 text")
    header = _parse_header(item, str(header_row[0]))
    if kept + rejected == 1:
        raise FileLoadError(item.source_file, "header only, no data rows")
    extras = _check_columns(item, header)

    # The fields of a line: split at commas, or parse quoted fields when the line has quotes.
    parsed = f"""{numbered},
        parsed as (
            select
                line_number,
                line,
                case
                    when line is null then null
                    when not contains(line, ?) then string_split(line, ?)
                    when regexp_full_match(line, ?) then list_transform(
                        regexp_extract_all(? || line, ?, 1),
                        lambda field: if(
                            starts_with(field, ?),
                            replace(substr(field, 2, length(field) - 2), '""', '"'),
                            field
                        )
                    )
                end as fields,
            from numbered
            where line_number > 1
        )"""
    parsed_params: list[object] = [
        CSV_QUOTE,
        CSV_DELIMITER,
        CSV_LINE_PATTERN,
        CSV_DELIMITER,
        CSV_FIELD_PATTERN,
        CSV_QUOTE,
    ]
    width = len(header)
    select_list: list[str] = []
    select_params: list[object] = []
    for name in item.contract.column_names:
        if name in header:
            select_list.append("nullif(fields[?], '')")
            select_params.append(header.index(name) + 1)
        else:
            select_list.append("cast(null as varchar)")
    if extras:
        pairs = ", ".join("?, nullif(fields[?], '')" for _ in extras)
        select_list.append(f"json_object({pairs})")
        for name in extras:
            select_params.extend([name, header.index(name) + 1])
    else:
        select_list.append("cast(null as json)")
    rows_select = (
        f"with {parsed} select {', '.join(select_list)}, ?, ?, line_number, ?"
        " from parsed where len(fields) = ?"
    )
    rows_params = [
        *parsed_params,
        *select_params,
        ctx.batch_id,
        item.source_file,
        ctx.loaded_at,
        width,
    ]
    deferred: tuple[str, list[object]] | None = None
    if rejected:
        # The line numbering joins the reader's rejects table, which the next file replaces.
        loaded = con.execute(
            f"insert into {stage_table(item.contract)} {rows_select}", rows_params
        ).fetchone()
    else:
        # Cheap first: data lines without quotes and with exactly width - 1 delimiters.
        loaded = con.execute(
            f"select count(*) from {lines.table} where rowid > 0 and not contains(line, ?)"
            " and strlen(line) - strlen(replace(line, ?, '')) = ?",
            [CSV_QUOTE, CSV_DELIMITER, width - 1],
        ).fetchone()
        if loaded is None or loaded[0] != kept - 1:
            loaded = con.execute(
                f"with {parsed} select count(*) from parsed where len(fields) = ?",
                [*parsed_params, width],
            ).fetchone()
        deferred = (rows_select, rows_params)
    rows_loaded = int(loaded[0]) if loaded else 0
    rows_quarantined = 0
    # Every kept data line landed (the common case): no need to look for unparsable ones.
    if rows_loaded < kept - 1:
        quarantined = con.execute(
            f"insert into {QUARANTINE_STAGE} with {parsed}"
            " select ?, ?, ?, line_number, coalesce(line, ''),"
            " case"
            "     when line is null then 'empty line'"
            "     when fields is null then 'unbalanced or misplaced quotes'"
            "     else 'expected ' || ? || ' fields, found ' || len(fields)"
            " end, ?, to_base64(encode(coalesce(line, '')))"
            " from parsed where fields is null or len(fields) <> ?",
            [
                *parsed_params,
                ctx.batch_id,
                item.source,
                item.source_file,
                width,
                ctx.loaded_at,
                width,
            ],
        ).fetchone()
        rows_quarantined = int(quarantined[0]) if quarantined else 0
    staged = StagedFile(rows_loaded, rows_quarantined, extras, deferred)
    if rejected:
        staged.rows_quarantined += quarantine_rejects(con, item, ctx, lines, first_line=2)
    _check_accounting(item, staged, physical_data_lines=kept + rejected - 1)
    return staged


def stage_jsonl(
    con: duckdb.DuckDBPyConnection, item: LandingFile, ctx: LoadContext, lines: LinesRead
) -> StagedFile:
    """Stage a JSON Lines file: one raw row per valid object, a quarantined line per other.

    Each function of DuckDB's JSON extension parses the text again, so the rules are checked
    in one pass, which also collects the keys and records the faulty lines; the quarantine
    takes those lines by number. The rows are then extracted from every other line, without
    checking the rules again (``_check_accounting`` proves the counts),
    at publish time like a CSV file's (``StagedFile.deferred``), unless the reader rejected
    lines (their numbering needs the rejects table, which the next file replaces).
    """
    kept, rejected = lines.kept, lines.rejected
    contract = item.contract
    # One pass over every line: how many valid objects, the distinct key lists they have, and
    # the line number and problem of each faulty line (few: kept in DuckDB, in one row of one
    # table). Repeated keys are rare and costly to look for in every line: the pass runs
    # again with that check only when one of the file's key lists repeats a key.
    check_table = f"{lines.table}_check"
    for duplicate_keys in (False, True):
        con.execute(
            f"create or replace temp table {check_table} as"
            f" with {numbered_lines_cte(lines)},"
            f" {classified_json_lines('numbered', duplicate_keys=duplicate_keys)}"
            " select count(*) filter (where problem is null) as valid,"
            " list(distinct keys) filter (where problem is null) as key_lists,"
            " list({'line_number': line_number, 'problem': problem})"
            " filter (where problem is not null) as problems"
            " from classified"
        )
        counts = con.execute(
            "select valid, list_distinct(flatten(key_lists)), len(problems),"
            " list_bool_or(list_transform(key_lists, lambda keys: len(keys) <> list_unique(keys)))"
            f" from {check_table}"
        ).fetchone()
        assert counts is not None
        if duplicate_keys or not counts[3]:
            break
    valid, faulty = int(counts[0]), int(counts[2] or 0)
    keys = {str(key) for key in (counts[1] or [])}
    if valid > 0:
        _check_columns(item, [name for name in contract.required if name in keys], kind="key")
    extras = sorted(keys - set(contract.column_names))
    faulty_lines = f"select unnest(problems, recursive := true) from {check_table}"
    rows_quarantined = 0
    if faulty:
        quarantined = con.execute(
            f"insert into {QUARANTINE_STAGE} with {numbered_lines_cte(lines)},"
            f" faulty as ({faulty_lines})"
            " select ?, ?, ?, numbered.line_number, coalesce(numbered.line, ''),"
            " faulty.problem, ?, to_base64(encode(coalesce(numbered.line, '')))"
            " from numbered inner join faulty on numbered.line_number = faulty.line_number",
            [ctx.batch_id, item.source, item.source_file, ctx.loaded_at],
        ).fetchone()
        rows_quarantined = int(quarantined[0]) if quarantined else 0
    # The keys outside the contract, kept as one JSON object: only when the file has any.
    extra = "nullif(cast(json_merge_patch(line, ?) as varchar), '{}')::json"
    extra_params = [json.dumps(dict.fromkeys(contract.column_names))] if extras else []
    not_faulty = (
        f" where line_number not in (select line_number from ({faulty_lines}))" if faulty else ""
    )
    select_list = ", ".join(f"json_values[{i}]" for i in range(1, len(contract.columns) + 1))
    rows_select = (
        f"with {numbered_lines_cte(lines)},"
        " extracted as (select line_number, line, json_extract_string(line, ?) as json_values"
        f" from numbered{not_faulty})"
        f" select {select_list}, {extra if extras else 'cast(null as json)'}, ?, ?, line_number, ?"
        " from extracted"
    )
    rows_params: list[object] = [
        [json_path(name) for name in contract.column_names],
        *extra_params,
        ctx.batch_id,
        item.source_file,
        ctx.loaded_at,
    ]
    if rejected:
        # The line numbering joins the reader's rejects table, which the next file replaces.
        loaded = con.execute(
            f"insert into {stage_table(contract)} {rows_select}", rows_params
        ).fetchone()
        staged = StagedFile(int(loaded[0]) if loaded else 0, rows_quarantined, extras)
        staged.rows_quarantined += quarantine_rejects(con, item, ctx, lines, first_line=1)
    else:
        # Run at publish time, straight into the raw table (see StagedFile.deferred).
        staged = StagedFile(valid, rows_quarantined, extras, (rows_select, rows_params))
    staged.tables.append(check_table)
    _check_accounting(item, staged, physical_data_lines=kept + rejected)
    return staged


def stage_parquet(
    con: duckdb.DuckDBPyConnection, item: LandingFile, ctx: LoadContext, lines: LinesRead
) -> StagedFile:
    del lines  # Parquet is read directly, not as lines.
    schema = con.execute(
        "select column_name from (describe select * from read_parquet(?))", [str(item.path)]
    ).fetchall()
    present = [str(row[0]) for row in schema]
    extras = _check_columns(item, present)
    select_list = [
        f"cast({quote_ident(name)} as varchar)" if name in present else "cast(null as varchar)"
        for name in item.contract.column_names
    ]
    params: list[object] = []
    if extras:
        pairs = ", ".join(f"?, cast({quote_ident(name)} as varchar)" for name in extras)
        select_list.append(f"json_object({pairs})")
        for name in extras:
            params.append(name)
    else:
        select_list.append("cast(null as json)")
    # file_row_number is 0-based; the contract's _row_number is the 1-based row index.
    loaded = con.execute(
        f"insert into {stage_table(item.contract)}"
        f" select {', '.join(select_list)}, ?, ?, file_row_number + 1, ?"
        " from read_parquet(?, file_row_number = true)",
        [*params, ctx.batch_id, item.source_file, ctx.loaded_at, str(item.path)],
    ).fetchone()
    staged = StagedFile(rows_loaded=int(loaded[0]) if loaded else 0, extra_columns=extras)
    if staged.rows_loaded == 0:
        raise FileLoadError(item.source_file, "no data rows")
    return staged


def _check_accounting(item: LandingFile, staged: StagedFile, *, physical_data_lines: int) -> None:
    """Nothing lost: every physical data line is either staged or quarantined, exactly once."""
    if staged.rows_read != physical_data_lines:
        raise FileLoadError(
            item.source_file,
            f"line accounting mismatch: {physical_data_lines} lines read, {staged.rows_loaded}"
            f" loaded + {staged.rows_quarantined} quarantined (a bug in ingest; please report)",
        )


def stage_file(
    con: duckdb.DuckDBPyConnection, item: LandingFile, ctx: LoadContext, lines: LinesRead
) -> StagedFile:
    """Stage ``item`` into its source's staging table and the quarantine stage.

    ``lines`` is what ``read_lines`` returned for it (run first, outside the transaction).
    """
    readers = {"csv": stage_csv, "jsonl": stage_jsonl, "parquet": stage_parquet}
    # A text file with no line at all (its bytes, e.g. a gzip of nothing, were not empty).
    if item.contract.file_format != "parquet" and lines.kept + lines.rejected == 0:
        raise FileLoadError(item.source_file, "file is empty")
    return readers[item.contract.file_format](con, item, ctx, lines)
