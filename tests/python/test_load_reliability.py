"""Bad inputs and faults the loader must handle (issue 14), each on tiny hand-written files."""

from __future__ import annotations

import base64
import gzip
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import PROJECT_DIR
from ingest_fixtures import SALES_HEADER, count, query, write

from ingest.errors import WarehouseError
from ingest.load import load_paths

EVENTS_LINE = '{"user_id":1,"event_type":"click","timestamp":"2026-10-01T00:00:00Z","data":{}}'


def sales_csv(*customers: int) -> str:
    rows = [f"2026-10-01,{c},1,1.00,{c}" for c in customers]
    return "\n".join([SALES_HEADER, *rows]) + "\n"


def write_sales_days(landing: Path, days: int) -> None:
    """One small sales file a day, 2026-10-01 onwards, each holding its day's number."""
    for day in range(1, days + 1):
        write(landing / "sales" / f"sales_2026-10-0{day}.csv", sales_csv(day))


def ledger_rows(database: Path) -> list[tuple]:
    return query(
        database,
        "select path, status, rows_loaded, error from raw._load_ledger order by started_at, path",
    )


# --- 1. corrupt gzip ------------------------------------------------------------------------


def test_gzip_with_a_bad_crc_is_rejected_whole(landing: Path, database: Path) -> None:
    # Enough rows that the corruption sits well past the first 8 KiB the loader sniffs.
    text = sales_csv(*range(1, 20_000)).encode()
    packed = bytearray(gzip.compress(text, mtime=0))
    # Flip bytes in the middle of the deflate stream: `gzip -t` fails (CRC or data error).
    middle = len(packed) // 2
    for offset in range(middle, middle + 8):
        packed[offset] ^= 0xFF
    write(landing / "sales" / "sales_2026-10-01.csv.gz", bytes(packed))
    write(landing / "sales" / "sales_2026-10-02.csv", sales_csv(1))

    report = load_paths([landing], database)

    [failed] = report.failed
    assert failed.path == "sales/sales_2026-10-01.csv.gz"
    assert (failed.error or "").startswith("sales/sales_2026-10-01.csv.gz: corrupt gzip")
    assert "\n" not in (failed.error or "")
    assert count(database, "raw.sales", "_source_file like '%.gz'") == 0
    assert count(database, "raw._quarantine") == 0
    assert count(database, "raw.sales") == 1


# --- 2. and 3. re-delivered files -----------------------------------------------------------


def test_changed_file_at_the_same_path_supersedes_the_old_version(
    landing: Path, database: Path
) -> None:
    path = landing / "sales" / "x.csv"
    write(path, sales_csv(1, 2) + "bad line\n")
    first = load_paths([landing], database)
    write(path, sales_csv(1, 2, 3))  # a corrected re-send: the same rows plus one

    second = load_paths([landing], database)

    assert second.exit_code == 0
    assert [(e.path, e.status) for e in second.entries] == [("sales/x.csv", "loaded")]
    assert ledger_rows(database) == [
        ("sales/x.csv", "superseded", 2, None),
        ("sales/x.csv", "loaded", 3, None),
    ]
    # Only the new version's rows and quarantined lines remain.
    assert query(database, "select customer_id, _batch_id from raw.sales order by 1") == [
        ("1", second.batch_id),
        ("2", second.batch_id),
        ("3", second.batch_id),
    ]
    assert count(database, "raw._quarantine") == 0
    [note] = [w for w in second.warnings if "supersedes" in w]
    assert note == (
        f"sales/x.csv: new version supersedes the one loaded in batch {first.batch_id}"
        " (2 raw rows replaced)"
    )


def test_identical_resend_stays_a_skipped_duplicate(landing: Path, database: Path) -> None:
    write(landing / "sales" / "x.csv", sales_csv(1, 2))
    load_paths([landing], database)
    report = load_paths([landing], database)
    assert [e.status for e in report.entries] == ["skipped_duplicate"]
    assert [row[1] for row in ledger_rows(database)] == ["loaded", "skipped_duplicate"]
    assert count(database, "raw.sales") == 2


def test_same_relative_path_under_two_roots_keeps_lineage_unique(tmp_path: Path) -> None:
    root_a, root_b = tmp_path / "rootA", tmp_path / "rootB"
    write(root_a / "sales" / "x.csv", sales_csv(1, 2))
    write(root_b / "sales" / "x.csv", sales_csv(7, 8, 9))
    database = tmp_path / "wh.duckdb"

    report = load_paths([root_a, root_b], database)

    assert report.exit_code == 0
    # The later root's file is a new version of the earlier one (rule of re-sent files).
    assert [row[:3] for row in ledger_rows(database)] == [
        ("sales/x.csv", "superseded", 2),
        ("sales/x.csv", "loaded", 3),
    ]
    lineage = query(
        database,
        "select count(*), count(distinct (_batch_id, _source_file, _row_number)) from raw.sales",
    )
    assert lineage == [(3, 3)]
    assert [row[0] for row in query(database, "select customer_id from raw.sales order by 1")] == [
        "7",
        "8",
        "9",
    ]


# --- 4. line endings ------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_mixed_line_endings_load_every_good_line(
    landing: Path, database: Path, compress: bool
) -> None:
    content = (
        SALES_HEADER.encode() + b"\n"
        b"2026-10-01,1,1,1.00,1\n"  # 2
        b"2026-10-01,2,1,1.00,2\r\n"  # 3: CRLF
        b"2026-10-01,3,1,1.00,3\n"  # 4
        b"2026-10-01,4\r"  # 5: a lone CR ends the line (universal newlines)
        b"2026-10-01,5,1,1.00,5\n"  # 6
        b"2026-10-01,6,1,1.00,6\r\n"  # 7
    )
    name = "sales_2026-10-01.csv" + (".gz" if compress else "")
    write(landing / "sales" / name, content, compress=compress)

    report = load_paths([landing], database)

    assert report.exit_code == 0, report.failed
    rows = query(database, "select customer_id, _row_number from raw.sales order by 2")
    assert rows == [("1", 2), ("2", 3), ("3", 4), ("5", 6), ("6", 7)]
    assert query(database, "select line_number, raw_line, reason from raw._quarantine") == [
        (5, "2026-10-01,4", "expected 5 fields, found 2")
    ]


def test_mixed_line_endings_in_json_lines(landing: Path, database: Path) -> None:
    content = f"{EVENTS_LINE}\r\n{EVENTS_LINE}\n{{broken\n{EVENTS_LINE}\r".encode()
    write(landing / "events" / "events_2026-10-01.jsonl", content)
    report = load_paths([landing], database)
    assert report.exit_code == 0, report.failed
    assert query(database, "select _row_number from raw.events order by 1") == [(1,), (2,), (4,)]
    assert query(database, "select line_number, reason from raw._quarantine") == [
        (3, "malformed JSON")
    ]


# --- 6. duplicate JSON keys -----------------------------------------------------------------


def test_duplicate_json_keys_are_quarantined(landing: Path, database: Path) -> None:
    duplicated = EVENTS_LINE.replace('"user_id":1', '"user_id":1,"user_id":2')
    write(landing / "events" / "events_2026-10-01.jsonl", f"{EVENTS_LINE}\n{duplicated}\n")
    report = load_paths([landing], database)
    assert report.exit_code == 0
    assert query(database, "select user_id, _row_number from raw.events") == [("1", 1)]
    assert query(database, "select line_number, raw_line, reason from raw._quarantine") == [
        (2, duplicated, "duplicate_key")
    ]


# --- 7. symbolic links ----------------------------------------------------------------------


def test_dangling_symlink_is_a_failed_file(landing: Path, database: Path) -> None:
    write(landing / "sales" / "a.csv", sales_csv(1))
    (landing / "sales" / "gone.csv").symlink_to(landing / "sales" / "missing.csv")
    report = load_paths([landing], database)
    assert report.exit_code == 1
    [failed] = report.failed
    assert failed.path == "sales/gone.csv"
    assert failed.error == (
        "sales/gone.csv: dangling symbolic link"
        f" (its target {landing / 'sales' / 'missing.csv'} does not exist)"
    )
    assert ("sales/gone.csv", "failed") in [row[:2] for row in ledger_rows(database)]


def test_symlinks_inside_the_root_are_followed_outside_refused(
    tmp_path: Path, landing: Path, database: Path
) -> None:
    outside = write(tmp_path / "elsewhere" / "secret.csv", sales_csv(9))
    inside = write(landing / "sales" / "archive" / "a.csv", sales_csv(1))
    (landing / "sales" / "linked.csv").symlink_to(inside)
    (landing / "sales" / "escape.csv").symlink_to(outside)
    (landing / "sales" / "folder").symlink_to(inside.parent, target_is_directory=True)

    report = load_paths([landing], database)

    statuses = {e.path: (e.status, e.error) for e in report.entries}
    assert statuses["sales/archive/a.csv"] == ("loaded", None)
    # Same content as the file it points to: a duplicate, loaded once.
    assert statuses["sales/linked.csv"][0] == "skipped_duplicate"
    assert statuses["sales/escape.csv"] == (
        "failed",
        f"sales/escape.csv: symbolic link to {outside.resolve()}, outside the landing root:"
        " refused",
    )
    assert statuses["sales/folder"][0] == "failed"
    assert "not followed" in (statuses["sales/folder"][1] or "")
    assert query(database, "select customer_id from raw.sales") == [("1",)]


# --- Also: faithful bytes, bounded work between commits -------------------------------------


def test_quarantine_keeps_the_exact_bytes_of_a_latin1_line(landing: Path, database: Path) -> None:
    bad = "2026-10-01,1,1,1.00,Café crème".encode("latin-1")
    content = SALES_HEADER.encode() + b"\n" + bad + b"\n2026-10-01,2,1,1.00,2\n"
    write(landing / "sales" / "sales_2026-10-01.csv", content)
    load_paths([landing], database)
    [(line_number, encoded)] = query(
        database, "select line_number, raw_line_base64 from raw._quarantine"
    )
    assert line_number == 2
    assert base64.b64decode(encoded) == bad


def test_quarantine_bytes_of_an_ordinary_bad_line(landing: Path, database: Path) -> None:
    write(landing / "sales" / "sales_2026-10-01.csv", f"{SALES_HEADER}\nnaïve,1\n")
    load_paths([landing], database)
    [(encoded,)] = query(database, "select raw_line_base64 from raw._quarantine")
    assert base64.b64decode(encoded) == "naïve,1".encode()


def test_work_is_committed_by_time_as_well_as_by_rows(landing: Path, database: Path) -> None:
    """A load killed after its third file keeps what a time-bounded commit published."""
    write_sales_days(landing, 4)

    def killed_after_third_file(done: int, total: int, item: object, entry: object) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_paths([landing], database, progress=killed_after_third_file, publish_every_seconds=0)
    assert count(database, "raw._load_ledger", "status = 'loaded'") == 3
    assert count(database, "raw.sales") == 3


# --- 9. and 10. warehouse faults ------------------------------------------------------------


def test_warehouse_parent_that_cannot_be_created_is_one_line(tmp_path: Path, landing: Path) -> None:
    write(landing / "sales" / "a.csv", sales_csv(1))
    blocker = write(tmp_path / "not_a_folder", "a file")
    with pytest.raises(WarehouseError) as caught:
        load_paths([landing], blocker / "wh.duckdb")
    message = str(caught.value)
    assert message.startswith(f"warehouse {blocker / 'wh.duckdb'}: cannot create its folder")
    assert "\n" not in message


@pytest.fixture
def tiny_disk(tmp_path: Path) -> object:
    """A real 3 MiB tmpfs (root only): a real 'No space left on device'."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_disk_full_is_one_line_and_leaves_the_warehouse_consistent(
    tiny_disk: Path, landing: Path
) -> None:
    # Random-looking values do not compress: a few MiB of raw rows overflow 3 MiB.
    for day in range(1, 4):
        rows = [f"2026-10-0{day},{os.urandom(24).hex()},1,1.00,{i}" for i in range(40_000)]
        write(landing / "sales" / f"sales_2026-10-0{day}.csv", "\n".join([SALES_HEADER, *rows]))
    database = tiny_disk / "wh.duckdb"

    with pytest.raises(WarehouseError) as caught:
        load_paths([landing], database, publish_every_rows=40_000)

    message = str(caught.value)
    assert message.startswith(f"disk full while writing {database}")
    assert "\n" not in message
    # What was committed is whole: every loaded file has all its rows, nothing else is there.
    subprocess.run(["mount", "-o", "remount,size=64m", str(tiny_disk)], check=True)
    loaded = query(
        database,
        "select path, rows_loaded from raw._load_ledger where status = 'loaded' order by 1",
    )
    per_file = query(database, "select _source_file, count(*) from raw.sales group by 1 order by 1")
    assert per_file == loaded


def test_failed_checkpoint_after_a_good_commit_is_a_warning(tiny_disk: Path, landing: Path) -> None:
    """Room for the write-ahead log (~6 MB here) but not for the checkpoint after it."""
    subprocess.run(["mount", "-o", "remount,size=7m", str(tiny_disk)], check=True)
    rows = [f"2026-10-01,{os.urandom(24).hex()},1,1.00,{i}" for i in range(40_000)]
    write(landing / "sales" / "sales_2026-10-01.csv", "\n".join([SALES_HEADER, *rows]))
    database = tiny_disk / "wh.duckdb"

    report = load_paths([landing], database)

    assert report.exit_code == 0
    [warning] = [w for w in report.warnings if "checkpoint" in w]
    assert warning.startswith(f"checkpoint of {database} failed (")
    assert "\n" not in warning
    subprocess.run(["mount", "-o", "remount,size=64m", str(tiny_disk)], check=True)
    assert count(database, "raw.sales") == 40_000


# --- Also: a failed load leaves nothing running ---------------------------------------------


def test_a_load_that_fails_midway_leaves_no_thread_behind(landing: Path, database: Path) -> None:
    """The loader hashes the next file on a thread while DuckDB loads the current one. When
    the load stops with an error, that thread must be gone by the time the error reaches the
    caller, even one that keeps the error (its traceback holds the loader's frames, a cycle
    that only the garbage collector frees). A thread left for the collector to stop is
    joined at an arbitrary moment, which can deadlock the process (CPython 3.11 joins under
    a lock that a starting thread holds while it may run the collector)."""
    write_sales_days(landing, 3)

    def stop_after_the_second_file(index: int, total: int, item: object, entry: object) -> None:
        if index == 2:
            raise RuntimeError("stopped by the caller")

    with pytest.raises(RuntimeError) as caught:
        load_paths([landing], database, progress=stop_after_the_second_file, publish_every_rows=1)

    assert [t.name for t in threading.enumerate() if t.name.startswith("ingest-hash")] == []
    assert str(caught.value) == "stopped by the caller"
    # Committed before the error (file by file: publish_every_rows=1), and whole: the first
    # two files; the third was not loaded.
    assert [(path, status) for path, status, *_ in ledger_rows(database)] == [
        ("sales/sales_2026-10-01.csv", "loaded"),
        ("sales/sales_2026-10-02.csv", "loaded"),
    ]
    assert count(database, "raw.sales") == 2


# A subprocess: load_paths stopped by its progress callback, the error kept in a cycle (the
# frame holds the error, whose traceback holds the frame), then a thread start during which
# the garbage collector runs, forced at the allocation that CPython 3.11 makes while the
# starting thread holds threading._shutdown_locks_lock (in _maintain_shutdown_locks).
_COLLECT_DURING_A_THREAD_START = """
import gc, sys, threading
from pathlib import Path
from ingest.load import load_paths

def stop(index, total, item, entry):
    if index == 2:
        raise RuntimeError("stopped by the caller")

def fail_and_keep_the_error():
    try:
        load_paths([Path(sys.argv[1])], Path(sys.argv[2]), progress=stop)
    except RuntimeError as error:
        kept = error

fail_and_keep_the_error()
maintain = threading._maintain_shutdown_locks
def collect_then_maintain():
    gc.collect()
    maintain()
threading._maintain_shutdown_locks = collect_then_maintain
thread = threading.Thread(target=lambda: None)
thread.start()
thread.join()
print("started and joined")
"""


@pytest.mark.skipif(
    not hasattr(threading, "_maintain_shutdown_locks"),
    reason="this Python's threading has no _maintain_shutdown_locks (CPython 3.11's, tested)",
)
def test_a_failed_load_cannot_deadlock_a_later_thread_start(landing: Path, database: Path) -> None:
    """Why no thread may outlive a failed load: if the garbage collector is the one to join
    it, and it runs while a new thread starts, the new thread deadlocks on a lock it holds
    and its starter waits in Thread.start() for ever (the stack of a hung pytest worker).
    Deterministic: the collection is forced at that moment. A hang is a timeout here."""
    write_sales_days(landing, 3)
    result = subprocess.run(
        [sys.executable, "-c", _COLLECT_DURING_A_THREAD_START, str(landing), str(database)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started and joined"
