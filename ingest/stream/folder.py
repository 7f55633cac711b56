"""The folder side of the streamer: take complete event files, land them as `ingest load` does.

A file is taken only once it is complete: a writer either writes to a hidden or temporary
name (``.name``, ``_name``, or a name outside the events contract's patterns, such as
``name.jsonl.tmp``) and renames it into place, or its size and modification time must stay
the same for ``settle_seconds``. Landing goes through the loader itself (sha256 ledger,
quarantine, lineage, one transaction per group of files), so a file already loaded, by
``ingest load`` or an earlier streamer, is skipped by its content.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.contracts import CONTRACTS
from ingest.discover import LandingFile, discover
from ingest.errors import PathNotFoundError, UnknownSourceError

SOURCE = "events"


@dataclass(frozen=True)
class ReadyFile:
    item: LandingFile
    size: int
    mtime: float
    mtime_ns: int
    lines: int


@dataclass
class FolderInput:
    folder: Path
    settle_seconds: float = 1.0
    # path -> (size, mtime_ns, first seen unchanged at)
    _seen: dict[Path, tuple[int, int, float]] = field(default_factory=dict)
    _taken: set[tuple[Path, int, int]] = field(default_factory=set)

    def check(self) -> None:
        """Raise a one-line error if the folder is missing or is not an events folder."""
        if not self.folder.exists():
            raise PathNotFoundError(self.folder)
        if not self.folder.is_dir():
            raise UnknownSourceError(self.folder, "not a folder")
        resolved = self.folder.resolve()
        if not any(path.name == SOURCE for path in (resolved, *resolved.parents)):
            raise UnknownSourceError(
                self.folder, f"stream folder takes an {SOURCE!r} folder (e.g. landing/events)"
            )

    def _ready(self) -> list[ReadyFile]:
        if not self.folder.is_dir():
            raise PathNotFoundError(self.folder)
        now = time.monotonic()
        ready: list[ReadyFile] = []
        for item in discover([self.folder]):
            if item.source != SOURCE or not item.matches_contract:
                continue
            try:
                stat = item.path.stat()
            except OSError:
                continue  # renamed or removed since the listing
            key = (item.path, stat.st_size, stat.st_mtime_ns)
            if key in self._taken:
                continue
            seen = self._seen.get(item.path)
            if seen is None or seen[:2] != (stat.st_size, stat.st_mtime_ns):
                self._seen[item.path] = (stat.st_size, stat.st_mtime_ns, now)
                # A file older than the settle time is complete already (e.g. at start).
                if time.time() - stat.st_mtime < self.settle_seconds:
                    continue
            elif now - seen[2] < self.settle_seconds and (
                time.time() - stat.st_mtime < self.settle_seconds
            ):
                continue
            ready.append(
                ReadyFile(
                    item, stat.st_size, stat.st_mtime, stat.st_mtime_ns, _count_lines(item.path)
                )
            )
        return ready

    def next_batch(
        self,
        max_rows: int,
        max_seconds: float,
        should_stop: Callable[[], bool],
        idle_seconds: float | None,
    ) -> list[ReadyFile] | None:
        """Complete files until max_rows lines or max_seconds after the first; None if idle."""
        batch: dict[Path, ReadyFile] = {}
        waiting_since = time.monotonic()
        first_at: float | None = None
        while True:
            if should_stop():
                return None
            for ready in self._ready():
                if ready.item.path not in batch and (
                    not batch or sum(f.lines for f in batch.values()) < max_rows
                ):
                    batch[ready.item.path] = ready
            now = time.monotonic()
            if batch and first_at is None:
                first_at = now
            if first_at is not None and (
                sum(f.lines for f in batch.values()) >= max_rows or now - first_at >= max_seconds
            ):
                return list(batch.values())
            if first_at is None and _idle(idle_seconds, now - waiting_since):
                return None
            time.sleep(0.2)

    def mark_taken(self, files: list[ReadyFile]) -> None:
        for ready in files:
            self._taken.add((ready.item.path, ready.size, ready.mtime_ns))


def _count_lines(path: Path) -> int:
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:  # type: ignore[operator]
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0


def contract_patterns() -> str:
    return ", ".join(CONTRACTS[SOURCE].patterns)


def _idle(idle_seconds: float | None, waited: float) -> bool:
    return idle_seconds is not None and waited >= idle_seconds
