"""Turn the paths given on the command line into the files to load, each with its source.

A path may be the landing root (its sub-folders are sources), a source folder
(``landing/sales``), any folder inside one (``landing/events/2026-10-01``) or single files.
The source of a path is the first folder, walking up from the path, whose name is a contract;
the folder above it is the landing root, and ``_source_file`` is the path relative to it.
Names starting with ``_`` (generator metadata) or ``.`` (hidden) at the root are skipped.

Symbolic links inside a source folder: a link to a file inside the landing root is followed
(loaded like the file, under the link's name). Every other link is found and refused, never
skipped silently: a dangling link, a link that leaves the landing root (the root is the
boundary of what a load may read: a link out could pull any readable file into the
warehouse) and a link to a folder each become a failed file with a one-line reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.contracts import CONTRACTS, SourceContract
from ingest.errors import PathNotFoundError, UnknownSourceError


@dataclass(frozen=True)
class LandingFile:
    """One file to load: its source contract, where it is, and its name in the ledger."""

    contract: SourceContract
    path: Path
    # Path relative to the landing root, with forward slashes: sales/sales_2026-10-01.csv
    source_file: str
    # Why the file cannot be loaded although it was found (a refused symbolic link), if so.
    problem: str | None = None

    @property
    def source(self) -> str:
        return self.contract.name

    @property
    def matches_contract(self) -> bool:
        return any(self.path.match(pattern) for pattern in self.contract.patterns)


def _is_skipped(name: str) -> bool:
    return name.startswith(("_", "."))


def _source_folder(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` named after a contract, if any."""
    for candidate in (path, *path.parents):
        if candidate.name in CONTRACTS and (candidate != path or path.is_dir()):
            return candidate
    return None


def _symlink_problem(path: Path, root: Path) -> str | None:
    """Why the symbolic link ``path`` is refused, or None when it is followed."""
    target = path.resolve()
    if not target.exists():
        return f"dangling symbolic link (its target {path.readlink()} does not exist)"
    if not target.is_relative_to(root):
        return f"symbolic link to {target}, outside the landing root: refused"
    if not target.is_file():
        return f"symbolic link to a folder ({target}): not followed"
    return None


def _files_in(folder: Path, source_folder: Path) -> list[LandingFile]:
    contract = CONTRACTS[source_folder.name]
    root = source_folder.parent
    found = [
        path
        for path in folder.rglob("*")
        if (path.is_file() or path.is_symlink())
        and not any(_is_skipped(part) for part in path.relative_to(folder).parts)
    ]
    return [
        LandingFile(
            contract,
            path,
            path.relative_to(root).as_posix(),
            _symlink_problem(path, root) if path.is_symlink() else None,
        )
        for path in sorted(found)
    ]


def discover(paths: list[Path]) -> list[LandingFile]:
    """All files under ``paths``, in a stable order, each once; raise a UsageError early."""
    known = ", ".join(sorted(CONTRACTS))
    files: list[LandingFile] = []
    for given in paths:
        if not given.exists():
            raise PathNotFoundError(given)
        path = given.resolve()
        source_folder = _source_folder(path)
        if source_folder is not None:
            if path.is_dir():
                files.extend(_files_in(path, source_folder))
            else:
                contract = CONTRACTS[source_folder.name]
                rel = path.relative_to(source_folder.parent).as_posix()
                files.append(LandingFile(contract, path, rel))
            continue
        if not path.is_dir():
            raise UnknownSourceError(given, f"not inside a source folder (one of: {known})")
        # A landing root: every visible entry must be a source folder.
        entries = [entry for entry in sorted(path.iterdir()) if not _is_skipped(entry.name)]
        if entries and not any(entry.is_dir() for entry in entries):
            # Files but no folders: this was meant as a source folder, not a landing root.
            raise UnknownSourceError(
                given, f"unknown source folder {path.name!r} (known sources: {known})"
            )
        for entry in entries:
            if _is_skipped(entry.name):
                continue
            if not entry.is_dir() or entry.name not in CONTRACTS:
                kind = "folder" if entry.is_dir() else "file"
                raise UnknownSourceError(
                    entry, f"unknown source {kind} {entry.name!r} (known sources: {known})"
                )
            files.extend(_files_in(entry, entry))
    unique: dict[Path, LandingFile] = {}
    for landing_file in files:
        unique.setdefault(landing_file.path, landing_file)
    return list(unique.values())
