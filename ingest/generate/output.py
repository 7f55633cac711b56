"""Writing the landing folder: atomic files, the fault list, the manifest, stale-file cleanup.

Every file is written under a temporary hidden name and renamed into place, so a reader
never sees half a file. The generator owns exactly the files its previous manifest lists:
on a re-run it removes those the new run does not write, and never touches anything else.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.errors import GenerateError

MANIFEST = "_manifest.json"
FAULTS = "_faults.csv"
FAULTS_HEADER = "source,file,line,fault,column,expected_reason"


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(temporary, path)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    temporary.write_bytes(data)
    os.replace(temporary, path)


def write_parquet_atomic(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    pq.write_table(
        table,
        temporary,
        compression="snappy",
        use_dictionary=False,
        write_statistics=True,
        row_group_size=1_000_000,
    )
    os.replace(temporary, path)


def prepare_out(out: Path) -> set[str]:
    """Create ``out`` if needed; return the files the previous run's manifest owned."""
    if out.exists() and not out.is_dir():
        raise GenerateError(f"output path {out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GenerateError(f"cannot create output folder {out}: {error.strerror}") from None
    if not os.access(out, os.W_OK):
        raise GenerateError(f"output folder {out} is not writable")
    manifest = out / MANIFEST
    if not manifest.is_file():
        return set()
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8"))
        owned = {
            entry["file"] for source in previous["sources"].values() for entry in source["files"]
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        return set()  # not our manifest (or damaged): own nothing
    return {*owned, FAULTS}


def remove_stale(out: Path, owned: set[str], written: set[str]) -> list[str]:
    """Delete the previously owned files this run did not write; return their paths."""
    root = out.resolve()
    removed: list[str] = []
    for relative in sorted(owned - written):
        path = (out / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            continue
        path.unlink()
        removed.append(relative)
        parent = path.parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed


class FaultLog:
    """Fault records, spooled per source to hidden files (flat memory), merged at the end."""

    def __init__(self, out: Path, sources: tuple[str, ...]) -> None:
        self.out = out
        self.sources = tuple(sorted(sources))
        for source in self.sources:
            self._part(source).write_text("", encoding="utf-8")

    def _part(self, source: str) -> Path:
        return self.out / f".faults_{source}.tmp"

    def add(self, records: list[tuple[str, str, int, str, str, str]]) -> None:
        if not records:
            return
        source = records[0][0]
        with open(self._part(source), "a", encoding="utf-8", newline="\n") as handle:
            for _source, file, line, fault, column, reason in records:
                handle.write(f"{source},{file},{line},{fault},{column},{reason}\n")

    def finish(self) -> None:
        """Write ``_faults.csv``: sorted by source, then file, then line."""
        target = self.out / FAULTS
        temporary = _temporary(target)
        with open(temporary, "w", encoding="utf-8", newline="\n") as merged:
            merged.write(FAULTS_HEADER + "\n")
            for source in self.sources:
                part = self._part(source)
                with open(part, encoding="utf-8") as handle:
                    for line in handle:
                        merged.write(line)
                part.unlink()
        os.replace(temporary, target)

    def abort(self) -> None:
        for source in self.sources:
            self._part(source).unlink(missing_ok=True)


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    write_text_atomic(out / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
