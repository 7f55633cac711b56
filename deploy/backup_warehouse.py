"""Back up the DuckDB warehouse: a consistent file copy, or a portable EXPORT DATABASE.

Run it under deploy/run_pipeline.sh (which holds the single-writer lock), so no other process
writes the file while it is copied:

    deploy/run_pipeline.sh .venv/bin/python deploy/backup_warehouse.py --mode copy

`copy` checkpoints the database (the write-ahead log is folded into the file) and copies the
file: fastest restore, same DuckDB storage version. `export` writes `EXPORT DATABASE` as
Parquet plus schema.sql/load.sql: readable by any DuckDB version (`IMPORT DATABASE`) and by
other engines. Backups older than the newest --keep are deleted.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest.errors import SettingsError
from ingest.settings import resolve


class BackupError(Exception):
    """A backup could not be made."""


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def backup_copy(database: Path, out_dir: Path) -> Path:
    """Checkpoint `database` and copy it to out_dir/<stem>_<timestamp>.duckdb."""
    with duckdb.connect(str(database)) as con:
        con.execute("checkpoint")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{database.stem}_{_timestamp()}{database.suffix}"
    partial = target.with_name(target.name + ".partial")
    shutil.copy2(database, partial)
    partial.rename(target)  # a crash mid-copy never leaves a file that looks complete
    return target


def backup_export(database: Path, out_dir: Path) -> Path:
    """EXPORT DATABASE as Parquet into out_dir/<stem>_<timestamp>/."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{database.stem}_{_timestamp()}"
    partial = target.with_name(target.name + ".partial")
    with duckdb.connect(str(database)) as con:
        # EXPORT DATABASE takes no parameters; the path is quoted as a SQL string literal.
        quoted = "'" + str(partial).replace("'", "''") + "'"
        con.execute(f"export database {quoted} (format parquet)")
    partial.rename(target)
    return target


def prune(out_dir: Path, stem: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of `stem` in out_dir; return the deleted."""
    backups = sorted(
        (path for path in out_dir.glob(f"{stem}_*") if not path.name.endswith(".partial")),
        key=lambda path: path.name,
    )
    doomed = backups[:-keep] if keep > 0 else backups
    for path in doomed:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return doomed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        type=Path,
        default=None,
        help="the warehouse (default: $DUCKDB_PATH or the default of ingest/settings.py)",
    )
    parser.add_argument("--out", type=Path, default=Path("backups"))
    parser.add_argument("--mode", choices=["copy", "export"], default="copy")
    parser.add_argument("--keep", type=int, default=7, help="backups to keep (default 7)")
    args = parser.parse_args(argv)
    try:
        args.database = args.database or resolve().database
        if not args.database.is_file():
            raise BackupError(f"no warehouse at {args.database}")
        make = backup_copy if args.mode == "copy" else backup_export
        target = make(args.database, args.out)
        deleted = prune(args.out, args.database.stem, args.keep)
    except (BackupError, SettingsError, duckdb.Error, OSError) as exc:
        print(f"backup_warehouse: {exc}", file=sys.stderr)
        return 1
    print(f"backup: {target}" + (f" (pruned {len(deleted)})" if deleted else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
