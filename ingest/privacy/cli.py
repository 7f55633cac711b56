"""The privacy commands: ``erase``, ``export-user``, ``purge-expired`` (parsing and printing;
the work is in ingest.privacy.erase / access / retention)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ingest.privacy.registry import SALT_VARIABLE, parse_user_id

Opener = Callable[[argparse.Namespace], object]


def add_parsers(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    add_database: Callable[[argparse.ArgumentParser], None],
) -> None:
    erase = commands.add_parser(
        "erase",
        help="erase one person everywhere (or --verify that nothing is left)",
        description=(
            "Delete every row that mentions the person from every table (one transaction) and"
            f" record the request in the erasure registry (salted hash; ${SALT_VARIABLE})."
            " Run `dbt build` afterwards; then `erase --verify ID` must print no hits."
        ),
    )
    which = erase.add_mutually_exclusive_group(required=True)
    which.add_argument("--user-id", metavar="ID", help="the person to erase")
    which.add_argument(
        "--verify", metavar="ID", help="scan every table and view for the person; exit 1 on hits"
    )
    erase.add_argument("--reason", help="why (stored without the id or email)")
    erase.add_argument(
        "--lake",
        type=Path,
        default=Path("lake"),
        metavar="DIR",
        help="Parquet raw lake (`ingest export-lake`) to rewrite/scan too, if it exists"
        " (default: lake)",
    )
    add_database(erase)

    export = commands.add_parser(
        "export-user", help="write everything held about one person as one JSON document"
    )
    export.add_argument("--user-id", metavar="ID", required=True)
    export.add_argument("--out", type=Path, required=True, metavar="FILE.json")
    add_database(export)

    purge = commands.add_parser(
        "purge-expired",
        help="delete raw rows older than their source's retention (INGEST_RETENTION_DAYS_*)",
    )
    purge.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the retention counts back from (default: today, UTC)",
    )
    add_database(purge)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def run_erase(con: object, args: argparse.Namespace) -> int:
    from ingest.privacy import erase

    if args.verify is not None:
        user_id = parse_user_id(args.verify)
        target, hits = erase.verify(con, user_id)  # type: ignore[arg-type]
        if args.lake.is_dir():
            hits += erase.scan_lake(con, args.lake, target)  # type: ignore[arg-type]
        emails = len(target.emails) + len(target.email_hashes)
        for hit in hits:
            print(f"hit: {hit.relation}.{hit.column}: {hit.rows} row(s)")
        print(
            f"{len(hits)} column(s) mention user {user_id}"
            f" (checked the id and {emails} email value(s)/hash(es))"
        )
        return 1 if hits else 0
    user_id = parse_user_id(args.user_id)
    result = erase.erase(con, user_id, reason=args.reason)  # type: ignore[arg-type]
    if args.lake.is_dir():
        result.deleted.update(erase.erase_from_lake(con, args.lake, result.target))  # type: ignore[arg-type]
    for relation, rows in sorted(result.deleted.items()):
        print(f"deleted {rows} row(s) from {relation}")
    again = " (already erased before: re-run)" if result.already_erased else ""
    print(
        f"erased user {user_id}: {result.rows_deleted} row(s) deleted{again};"
        " run `dbt build` to rebuild derived tables"
    )
    return 0


def run_export_user(con: object, args: argparse.Namespace) -> int:
    from ingest.privacy.access import export_user

    user_id = parse_user_id(args.user_id)
    document = export_user(con, user_id, args.out)  # type: ignore[arg-type]
    raw = sum(len(rows) for rows in document["sources"].values())
    models = sum(len(rows) for rows in document["models"].values())
    print(
        f"wrote {args.out}: {raw} raw row(s) in {len(document['sources'])} source(s),"
        f" {models} row(s) in {len(document['models'])} model(s)"
    )
    return 0


def run_purge_expired(con: object, args: argparse.Namespace) -> int:
    from ingest.privacy.retention import purge_expired

    purged = purge_expired(con, today=args.today)  # type: ignore[arg-type]
    if not purged:
        print("no source has a retention set: nothing purged", file=sys.stderr)
    for item in purged:
        print(
            f"{item.source}: deleted {item.rows} row(s) dated before {item.cutoff}"
            f" ({item.days} days)"
        )
    return 0
