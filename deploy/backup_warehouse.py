"""Back up the DuckDB warehouse: a consistent file copy, or a portable EXPORT DATABASE.

Run it under deploy/run_pipeline.sh (which holds the single-writer lock), so no other process
writes the file while it is copied:

    deploy/run_pipeline.sh .venv/bin/python deploy/backup_warehouse.py --mode copy

`copy` checkpoints the database (the write-ahead log is folded into the file) and copies the
file: fastest restore, same DuckDB storage version. `export` writes `EXPORT DATABASE` as
Parquet plus schema.sql/load.sql: readable by any DuckDB version (`IMPORT DATABASE`) and by
other engines. Backups older than the newest --keep are deleted, and so is every backup older
than --max-age-days (default 30): personal data erased from the warehouse (`ingest erase`)
leaves the backups within that bound (docs/privacy.md).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import UTC, datetime, timedelta
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


MAX_AGE_DAYS = 30


def _taken_at(path: Path, stem: str) -> datetime | None:
    """When a backup was taken, from its name (<stem>_<YYYYmmddTHHMMSSZ>[.suffix])."""
    text = path.name[len(stem) + 1 :].split(".")[0]
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def prune(
    out_dir: Path,
    stem: str,
    keep: int,
    max_age_days: int = MAX_AGE_DAYS,
    now: datetime | None = None,
) -> list[Path]:
    """Delete all but the newest `keep` backups of `stem` in out_dir, and every backup older
    than `max_age_days`; return the deleted."""
    backups = sorted(
        (path for path in out_dir.glob(f"{stem}_*") if not path.name.endswith(".partial")),
        key=lambda path: path.name,
    )
    oldest = (now or datetime.now(UTC)) - timedelta(days=max_age_days)
    expired = [
        path for path in backups if (taken := _taken_at(path, stem)) is not None and taken < oldest
    ]
    doomed = sorted({*(backups[:-keep] if keep > 0 else backups), *expired})
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
    parser.add_argument(
        "--max-age-days",
        type=int,
        default=MAX_AGE_DAYS,
        help=f"delete backups older than this, whatever --keep says (default {MAX_AGE_DAYS})",
    )
    args = parser.parse_args(argv)
    try:
        args.database = args.database or resolve().database
        if not args.database.is_file():
            raise BackupError(f"no warehouse at {args.database}")
        make = backup_copy if args.mode == "copy" else backup_export
        target = make(args.database, args.out)
        if args.max_age_days < 1:
            raise BackupError(f"--max-age-days must be at least 1, got {args.max_age_days}")
        deleted = prune(args.out, args.database.stem, args.keep, args.max_age_days)
    except (BackupError, SettingsError, duckdb.Error, OSError) as exc:
        print(f"backup_warehouse: {exc}", file=sys.stderr)
        return 1
    print(f"backup: {target}" + (f" (pruned {len(deleted)})" if deleted else ""))
    print(
        f"backups are kept at most {args.max_age_days} days: data erased from the warehouse"
        " is gone from every backup by then"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
