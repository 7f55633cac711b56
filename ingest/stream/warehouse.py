"""Hold the warehouse only while a batch lands and builds, and take turns with the batch job.

``deploy/run_pipeline.sh`` serialises scheduled runs with ``flock`` on ``$DUCKDB_PATH.lock``
(or ``$PIPELINE_LOCK``). The streamer takes the same lock, exclusively, around each batch
(land, then build) and lets go of it and of the DuckDB file between batches, so the batch
job, or a person querying the file, gets its turn. A process that opens the DuckDB file
without that lock is still met with DuckDB's own file lock: the streamer then waits and
retries with a back-off, printing who holds the file.

The holder of a flock is read from ``/proc/locks`` (Linux), so the messages can name it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.errors import WarehouseLockedError
from ingest.load import connect
from ingest.stream.errors import LockTimeoutError

_POLL_SECONDS = 0.2


def lock_path(database: Path) -> Path:
    """The flock file shared with deploy/run_pipeline.sh: $PIPELINE_LOCK or <database>.lock."""
    configured = os.environ.get("PIPELINE_LOCK")
    return Path(configured) if configured else Path(f"{database}.lock")


def flock_holder(path: Path) -> str:
    """'pid N (command)' of the process holding a flock on ``path``, or 'another process'."""
    try:
        inode = path.stat().st_ino
        with open("/proc/locks", encoding="ascii") as handle:
            for line in handle:
                fields = line.split()
                if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5].endswith(f":{inode}"):
                    return process_name(int(fields[4]))
    except (OSError, ValueError):
        pass
    return "another process"


def process_name(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"pid {pid}"
    command = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    if len(command) > 80:
        command = command[:77] + "..."
    return f"pid {pid} ({command})" if command else f"pid {pid}"


@dataclass
class Turn:
    """The streamer's turn at the warehouse: open DuckDB connections within it."""

    turns: WarehouseTurns
    started: float

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A connection, closed on exit (dbt opens its own in between); None on a stop."""
        con = self.turns._connect(self.started)
        if con is None:
            yield None
            return
        try:
            yield con
        finally:
            con.close()


@dataclass
class WarehouseTurns:
    """Takes the warehouse for one batch at a time.

    ``max_wait``: seconds to wait for a turn before giving up (None: wait as long as it
    takes). ``should_stop`` is polled while waiting, so a stop signal is not delayed by a
    long batch job. ``say`` prints one-line notices (waiting, retrying).
    """

    database: Path
    max_wait: float | None
    should_stop: Callable[[], bool]
    say: Callable[[str], None]

    @contextmanager
    def turn(self) -> Iterator[Turn | None]:
        """Hold the flock for one batch; yield None if asked to stop while waiting for it."""
        path = lock_path(self.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with open(path, "a") as handle:
            if not self._wait_for_flock(handle, path, started):
                yield None
                return
            try:
                yield Turn(self, started)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _waited_too_long(self, started: float) -> bool:
        return self.max_wait is not None and time.monotonic() - started > self.max_wait

    def _wait_for_flock(self, handle: object, path: Path, started: float) -> bool:
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[arg-type]
                return True
            except BlockingIOError:
                pass
            holder = flock_holder(path)
            if self._waited_too_long(started):
                raise LockTimeoutError(self.database, holder, time.monotonic() - started)
            if not announced:
                self.say(f"waiting for the warehouse: {path} is held by {holder}")
                announced = True
            if self.should_stop():
                return False
            time.sleep(_POLL_SECONDS)

    def _connect(self, started: float) -> duckdb.DuckDBPyConnection | None:
        delay = 0.5
        while True:
            try:
                return connect(self.database)
            except WarehouseLockedError as error:
                holder = process_name(error.pid) if error.pid else "another process"
                if self._waited_too_long(started):
                    raise LockTimeoutError(
                        self.database, holder, time.monotonic() - started
                    ) from None
                self.say(
                    f"warehouse {self.database} is open in {holder} (not through the lock);"
                    f" retrying in {delay:.1f}s"
                )
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline:
                if self.should_stop():
                    return None
                time.sleep(_POLL_SECONDS)
            delay = min(delay * 2, 10.0)
