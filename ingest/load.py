"""The `load` command: land files into the raw schema, one ledger row per file.

Flow per file: hash it (sha256 of the bytes; the next file is hashed in a thread while
DuckDB works on this one) and skip it if that content was already loaded for its source;
check it is a readable text/gzip/Parquet file; stage it with DuckDB's readers
(``ingest.readers``) inside its own transaction, so that a failure rolls back every staged
row of that file and only records a ``failed`` ledger row. Staged files are then published
to ``raw.<source>`` and ``raw._quarantine`` together with their ``loaded`` ledger rows in
one transaction, a group of files at a time: a file's rows and its ledger row are committed
together or not at all. If a group fails to publish, it is retried file by file, so that
only the culprit is recorded as ``failed``. Grouping matters for speed: one insert per file
into an on-disk table costs about three times one insert per group (see
benchmarks/README.md); CSV rows are not even staged, their select runs at publish time. A
group is published after 64 files, 2M rows or 5 seconds, whichever comes first.

Re-sent files: a file is identified by (source, path relative to the landing root). The same
content again is ``skipped_duplicate``; a changed file at a path already loaded is a new
version, whose publish deletes the old version's raw rows and quarantined lines and marks its
ledger rows ``superseded``, in the same transaction (``_supersede``).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import re
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.discover import LandingFile, discover
from ingest.errors import (
    DiskFullError,
    FileLoadError,
    WarehouseError,
    WarehouseLockedError,
    duckdb_reason,
    first_line,
)
from ingest.ledger import (
    STATUS_FAILED,
    STATUS_LOADED,
    STATUS_SKIPPED,
    LedgerEntry,
    ensure_tables,
    loaded_hashes,
    loaded_paths,
    new_batch_id,
    utc_now,
)
from ingest.lines import read_lines
from ingest.privacy.suppression import for_load
from ingest.publish import Pending, is_disk_full, prepare_stages, publish, rollback
from ingest.readers import LoadContext, StagedFile, stage_file
from ingest.settings import resolve

# Publish staged rows once this many are waiting (bounds memory; ~100 MB of text at most),
# or once this many files wait with their rows still in their lines tables, or once the
# oldest unpublished file was staged this many seconds ago (so that a job killed every few
# seconds still commits its work in steps, whatever the files are).
PUBLISH_EVERY_ROWS = 2_000_000
PUBLISH_EVERY_FILES = 64
PUBLISH_EVERY_SECONDS = 5.0
_HASH_CHUNK = 1 << 20
_SNIFF_BYTES = 8192

ProgressCallback = Callable[[int, int, LandingFile, LedgerEntry], None]


@dataclass
class LoadReport:
    batch_id: str
    entries: list[LedgerEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[LedgerEntry]:
        return [entry for entry in self.entries if entry.status == STATUS_FAILED]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self) -> list[tuple[str, int, int, int, int, int]]:
        """Per source: files loaded, skipped, failed; rows loaded, quarantined."""
        rows: dict[str, list[int]] = {}
        for entry in self.entries:
            counts = rows.setdefault(entry.source, [0, 0, 0, 0, 0])
            index = {STATUS_LOADED: 0, STATUS_SKIPPED: 1, STATUS_FAILED: 2}[entry.status]
            counts[index] += 1
            counts[3] += entry.rows_loaded
            counts[4] += entry.rows_quarantined
        return [(source, *counts) for source, counts in sorted(rows.items())]  # type: ignore[misc]


def connect(database: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (for writing unless ``read_only``), with a clear one-line error when
    another process holds it or its folder cannot be created."""
    if not read_only:
        try:
            database.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = error.strerror or str(error)
            raise WarehouseError(
                f"warehouse {database}: cannot create its folder {database.parent}: {reason}"
            ) from None
    try:
        # With the memory limit of ingest.settings.
        con = resolve().connect(database, read_only=read_only)
    except duckdb.IOException as error:
        message = str(error)
        if "lock" in message.lower():
            match = re.search(r"PID (\d+)", message, flags=re.IGNORECASE)
            raise WarehouseLockedError(database, int(match.group(1)) if match else None) from None
        raise WarehouseError(f"warehouse {database}: {first_line(message)}") from None
    except duckdb.Error as error:
        raise WarehouseError(f"warehouse {database}: {first_line(str(error))}") from None
    # The line reader relies on it (lines.read_lines); publishing switches it off, as raw
    # rows carry their line numbers and their order in a table does not matter.
    con.execute("set preserve_insertion_order = true")
    con.execute("set TimeZone = 'UTC'")
    return con


def _inspect(item: LandingFile) -> tuple[int, str]:
    """Size and sha256 of the file; raise FileLoadError if it is unreadable or not text."""
    if item.problem is not None:
        raise FileLoadError(item.source_file, item.problem)
    digest = hashlib.sha256()
    head = b""
    try:
        size = item.path.stat().st_size
        with item.path.open("rb") as handle:
            while chunk := handle.read(_HASH_CHUNK):
                if not head:
                    head = chunk[:_SNIFF_BYTES]
                digest.update(chunk)
    except PermissionError:
        raise FileLoadError(item.source_file, "permission denied") from None
    except OSError as error:
        raise FileLoadError(item.source_file, f"cannot read: {error.strerror}") from None
    if size == 0:
        raise FileLoadError(item.source_file, "file is empty")
    name = item.path.name
    patterns = ", ".join(item.contract.patterns)
    if not item.matches_contract:
        raise FileLoadError(
            item.source_file, f"not a {item.source} file (expected one of: {patterns})"
        )
    if item.contract.file_format == "parquet":
        if not head.startswith(b"PAR1"):
            raise FileLoadError(item.source_file, "not a Parquet file (no PAR1 magic bytes)")
        return size, digest.hexdigest()
    if name.endswith(".gz"):
        if not head.startswith(b"\x1f\x8b"):
            raise FileLoadError(item.source_file, "not a gzip file (bad magic bytes)")
        head = _verified_gzip_head(item)
    if b"\x00" in head:
        raise FileLoadError(item.source_file, "binary data (NUL bytes), not a text file")
    return size, digest.hexdigest()


def _verified_gzip_head(item: LandingFile) -> bytes:
    """The first decompressed bytes of a gzip file, after decompressing all of it: a CRC or
    length mismatch anywhere (bytes flipped mid-stream) rejects the file whole, as DuckDB's
    reader would otherwise load the garbled text as data."""
    try:
        with gzip.open(item.path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
            while handle.read(_HASH_CHUNK):
                pass
    except (OSError, EOFError, zlib.error) as error:
        raise FileLoadError(item.source_file, f"corrupt gzip: {error}") from None
    return head


def _inspect_ahead(
    hasher: ThreadPoolExecutor, files: list[LandingFile]
) -> Iterator[tuple[int, str] | FileLoadError]:
    """``_inspect`` of each file in order, computed one file ahead on ``hasher`` (one thread):
    hashing releases the GIL, so it overlaps DuckDB's work on the previous file instead of
    adding to the wall time. Yields the size and hash, or the FileLoadError to raise.

    The caller owns ``hasher`` and shuts it down when the load ends, failed or not: a
    generator that owned it would keep its thread until the garbage collector closed the
    generator (a failed load leaves it in a reference cycle through the traceback), and
    closing it from inside the collector joins a thread at an arbitrary moment, which can
    deadlock (CPython 3.11: a collection inside a new thread's start-up, which holds
    ``threading._shutdown_locks_lock``, then joins a thread, which takes it again)."""

    def inspect(item: LandingFile) -> tuple[int, str] | FileLoadError:
        try:
            return _inspect(item)
        except FileLoadError as error:
            return error

    ahead = hasher.submit(inspect, files[0]) if files else None
    for following in files[1:]:
        assert ahead is not None
        current, ahead = ahead, hasher.submit(inspect, following)
        yield current.result()
    if ahead is not None:
        yield ahead.result()


def load_paths(
    paths: list[Path],
    database: Path,
    *,
    progress: ProgressCallback | None = None,
    publish_every_rows: int = PUBLISH_EVERY_ROWS,
    publish_every_seconds: float = PUBLISH_EVERY_SECONDS,
) -> LoadReport:
    """Load every file under ``paths`` into ``database``; see the module docstring."""
    files = discover(paths)
    con = connect(database)
    try:
        report = _load_files(
            con,
            files,
            progress=progress,
            publish_every_rows=publish_every_rows,
            publish_every_seconds=publish_every_seconds,
        )
        try:
            # Explicitly, so that a failure is reported (close() would swallow it).
            con.execute("checkpoint")
        except duckdb.Error as error:
            if not is_disk_full(error):
                raise
            report.warnings.append(
                f"checkpoint of {database} failed ({duckdb_reason(error)}): the loaded data"
                f" is safe in {database}.wal and is checkpointed at the next write; free"
                " some space"
            )
        return report
    except DiskFullError as error:
        raise WarehouseError(
            f"disk full while writing {database} ({error}); files committed before stay"
            " loaded, the others were not: free some space and load again"
        ) from None
    except duckdb.Error as error:
        if is_disk_full(error):
            raise WarehouseError(
                f"disk full while writing {database} ({duckdb_reason(error)}); files"
                " committed before stay loaded, the others were not: free some space and"
                " load again"
            ) from None
        raise
    finally:
        with contextlib.suppress(duckdb.Error):
            con.close()


def _load_files(
    con: duckdb.DuckDBPyConnection,
    files: list[LandingFile],
    *,
    progress: ProgressCallback | None,
    publish_every_rows: int,
    publish_every_seconds: float = PUBLISH_EVERY_SECONDS,
) -> LoadReport:
    ensure_tables(con)
    prepare_stages(con)
    loaded_at = utc_now()
    ctx = LoadContext(batch_id=new_batch_id(loaded_at), loaded_at=loaded_at)
    report = LoadReport(batch_id=ctx.batch_id)
    pending = Pending(suppression=for_load(con))
    already_loaded = loaded_hashes(con, sorted({item.source for item in files}))
    # (source, path) of every file version loaded, in the warehouse or earlier in this load.
    versions = loaded_paths(con, sorted({item.source for item in files}))
    # Shut down (the thread joined) before this returns or raises; see _inspect_ahead.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-hash") as hasher:
        inspected = _inspect_ahead(hasher, files)
        for index, item in enumerate(files, start=1):
            entry = LedgerEntry(
                batch_id=ctx.batch_id,
                source=item.source,
                path=item.source_file,
                status=STATUS_FAILED,
                started_at=utc_now(),
                finished_at=utc_now(),
            )
            try:
                inspection = next(inspected)
                if isinstance(inspection, FileLoadError):
                    raise inspection
                entry.size_bytes, entry.sha256 = inspection
                key = (item.source, entry.sha256)
                previous = already_loaded.get(key)
                if previous is None and key in pending.hashes:
                    previous = next(
                        e.path
                        for e in pending.entries
                        if (e.source, e.sha256) == key and e.status == STATUS_LOADED
                    )
                if previous is not None:
                    entry.status = STATUS_SKIPPED
                    if previous != item.source_file:
                        entry.error = f"same content as {previous}"
                else:
                    version = (item.source, item.source_file)
                    if any(
                        (e.source, e.path) == version and e.status == STATUS_LOADED
                        for e in pending.entries
                    ):
                        # The same path twice in one load (under two landing roots): the later
                        # one is a new version of the earlier, which must be published first.
                        publish(con, pending)
                    lines_table = f"temp.ingest_lines_{index}"
                    pending.lines_tables.append(lines_table)
                    staged = _stage_in_transaction(con, item, ctx, lines_table)
                    if staged.deferred is not None:
                        sql, params = staged.deferred
                        pending.deferred.setdefault(item.source, []).append(
                            (item.source_file, sql, params)
                        )
                        pending.lines_tables.extend(staged.tables)
                    else:
                        pending.lines_tables.remove(lines_table)
                        for table in [lines_table, *staged.tables]:
                            con.execute(f"drop table if exists {table}")
                    entry.status = STATUS_LOADED
                    entry.rows_loaded = staged.rows_loaded
                    entry.rows_quarantined = staged.rows_quarantined
                    entry.rows_read = staged.rows_read
                    pending.rows += staged.rows_read
                    pending.hashes.add(key)
                    if version in versions:
                        pending.supersedes.add(version)
                    versions.add(version)
                    if staged.extra_columns:
                        names = ", ".join(staged.extra_columns)
                        report.warnings.append(
                            f"{item.source_file}: unknown columns kept in _extra: {names}"
                        )
            except FileLoadError as error:
                entry.status = STATUS_FAILED
                entry.error = str(error)
            entry.finished_at = utc_now()
            pending.entries.append(entry)
            report.entries.append(entry)
            if pending.since is None:
                pending.since = time.monotonic()
            if (
                pending.rows >= publish_every_rows
                or pending.deferred_files >= PUBLISH_EVERY_FILES
                or time.monotonic() - pending.since >= publish_every_seconds
            ):
                publish(con, pending)
            if progress is not None:
                progress(index, len(files), item, entry)
    publish(con, pending)
    report.warnings.extend(pending.notes)
    return report


def _stage_in_transaction(
    con: duckdb.DuckDBPyConnection, item: LandingFile, ctx: LoadContext, lines_table: str
) -> StagedFile:
    try:
        lines = read_lines(con, item, lines_table)
    except duckdb.Error as error:
        if is_disk_full(error):
            raise DiskFullError(duckdb_reason(error)) from None
        raise FileLoadError(item.source_file, duckdb_reason(error)) from None
    con.execute("begin transaction")
    try:
        staged = stage_file(con, item, ctx, lines)
    except FileLoadError:
        rollback(con)
        raise
    except duckdb.Error as error:
        rollback(con)
        if is_disk_full(error):
            raise DiskFullError(duckdb_reason(error)) from None
        raise FileLoadError(item.source_file, duckdb_reason(error)) from None
    con.execute("commit")
    return staged
