"""Command line: `python -m ingest {generate,load,ledger,quarantine}` (or `ingest ...`),
plus the privacy commands `erase`, `export-user`, `purge-expired` (ingest/privacy/cli.py).

Argument parsing and printing only; the work happens in ``ingest.load``, ``ingest.ledger``
and ``ingest.generate``; the warehouse path comes from ``ingest.settings`` (the quality
report is ``python -m observability report``). Every expected error becomes one line on
stderr (``error: <where>: <what>``) and an exit code: 0 all files loaded or skipped, 1 some
files failed (or the warehouse could not be opened), 2 usage error (or a bad setting).
`stream` and `replay` (continuous ingestion) are defined in ``ingest.stream.cli``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from ingest.contracts import CONTRACTS
from ingest.discover import LandingFile
from ingest.errors import IngestError, UsageError
from ingest.ledger import LedgerEntry
from ingest.settings import DATABASE_ENV, DEFAULT_DATABASE, resolve
from ingest.terminal import printable

if TYPE_CHECKING:
    import duckdb

DEFAULT_LANDING = Path("landing")


def default_database() -> Path:
    return resolve().database


def add_database(parser: argparse.ArgumentParser) -> None:
    """The ``--database`` option every command that opens the warehouse takes."""
    parser.add_argument(
        "--database",
        type=Path,
        default=None,
        help=f"DuckDB file (default: ${DATABASE_ENV} or {DEFAULT_DATABASE})",
    )


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ingest", description="Generate and land raw e-commerce sources into DuckDB."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = commands.add_parser("generate", help="write deterministic synthetic landing data")
    gen.add_argument("--out", type=Path, default=DEFAULT_LANDING, help="landing root to write")
    gen.add_argument("--scale", type=float, default=1.0, help="1 = about 100k sales rows")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--days", type=int, default=28)
    gen.add_argument("--start-date", type=_iso_date, default=date(2026, 10, 1))
    gen.add_argument("--fault-rate", type=float, default=0.0, help="share of faulty rows")

    load = commands.add_parser("load", help="land files into the raw schema (idempotent)")
    load.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="landing root, source folder or files (default: landing/)",
    )
    add_database(load)

    for name, help_text in (
        ("ledger", "print the load ledger, newest first"),
        ("quarantine", "print quarantined lines"),
    ):
        listing = commands.add_parser(name, help=help_text)
        listing.add_argument("--source", choices=sorted(CONTRACTS))
        listing.add_argument("--limit", type=int, default=50)
        add_database(listing)

    from ingest.privacy import cli as privacy_cli

    privacy_cli.add_parsers(commands, add_database)

    from ingest.stream import cli as stream_cli

    stream_cli.add_commands(commands, add_database)

    lake = commands.add_parser(
        "export-lake", help="write the raw tables as partitioned Parquet (a lake for Spark)"
    )
    lake.add_argument("--out", type=Path, default=Path("lake"), help="lake root to write")
    add_database(lake)
    return parser


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table; long cells are cut so that a row stays on one line."""

    def cell(value: object) -> str:
        text = "" if value is None else printable(value)
        return text if len(text) <= 60 else text[:57] + "..."

    cells = [[cell(value) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        widths = [max(width, len(value)) for width, value in zip(widths, row, strict=True)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths, strict=True))

    out = [line(headers), line(["-" * width for width in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(text.rstrip() for text in out)


class ProgressBar:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()

    def __call__(self, done: int, total: int, item: LandingFile, entry: LedgerEntry) -> None:
        if entry.status == "failed":
            self.clear()
            print(f"error: {printable(entry.error)}", file=self.stream)
        if not self.enabled:
            return
        width = 30
        filled = width * done // max(total, 1)
        name = printable(item.source_file)
        name = name if len(name) <= 40 else "..." + name[-37:]
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {name}\x1b[K")
        self.stream.flush()
        if done == total:
            self.clear()

    def clear(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _cmd_generate(args: argparse.Namespace) -> int:
    # Imported here so that `load` keeps working even if the generator cannot be imported.
    from ingest.generate import GenerateError, generate

    try:
        result = generate(
            args.out,
            scale=args.scale,
            seed=args.seed,
            days=args.days,
            start_date=args.start_date,
            fault_rate=args.fault_rate,
        )
    except GenerateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote landing data to {args.out}")
    sources = getattr(result, "manifest", {}).get("sources", {})
    rows = [
        (
            name,
            len(info.get("files", [])),
            sum(int(entry.get("rows", 0)) for entry in info.get("files", [])),
            info.get("faulty_rows", 0),
        )
        for name, info in sorted(sources.items())
        if isinstance(info, dict)
    ]
    if rows:
        print(format_table(["source", "files", "rows", "faulty rows"], rows))
    return 0


def _cmd_load(args: argparse.Namespace) -> int:
    from ingest.load import load_paths

    paths = args.paths or [DEFAULT_LANDING]
    database = args.database or default_database()
    report = load_paths(paths, database, progress=ProgressBar(sys.stderr))
    if not report.entries:
        names = printable(", ".join(map(str, paths)))
        print(f"warning: no files found under {names}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {printable(warning)}", file=sys.stderr)
    headers = ["source", "files loaded", "skipped", "failed", "rows loaded", "quarantined"]
    print(f"batch {report.batch_id} into {database}")
    print(format_table(headers, report.summary()))
    suppressed = sum(entry.rows_suppressed for entry in report.entries)
    if suppressed:
        print(f"suppressed {suppressed} row(s) of erased people (see `ingest ledger`)")
    failed = report.failed
    if failed:
        print(f"{len(failed)} file(s) failed; see `ingest ledger`", file=sys.stderr)
    return report.exit_code


def _open_existing(
    args: argparse.Namespace, *, read_only: bool = True
) -> duckdb.DuckDBPyConnection:
    """The warehouse of ``args``, which must exist; read-only by default (works on a
    read-only copy and beside another reading process)."""
    from ingest.load import connect

    database = args.database or default_database()
    if not database.exists():
        raise UsageError(f"warehouse {database} does not exist; run `ingest load` first")
    return connect(database, read_only=read_only)


def _cmd_listing(args: argparse.Namespace) -> int:
    """`ledger` or `quarantine`: the newest rows of that table as a plain-text table."""
    from ingest.ledger import read_listing, require_tables

    with _open_existing(args) as con:
        require_tables(con, args.database or default_database())
        headers, rows = read_listing(con, args.command, source=args.source, limit=args.limit)
    print(format_table(headers, rows))
    return 0


def _cmd_privacy(args: argparse.Namespace) -> int:
    from ingest.privacy import cli as privacy_cli

    run = {
        "erase": privacy_cli.run_erase,
        "export-user": privacy_cli.run_export_user,
        "purge-expired": privacy_cli.run_purge_expired,
    }[args.command]
    # Erasure and purging write; an export reads only, beside other readers.
    with _open_existing(args, read_only=args.command == "export-user") as con:
        return run(con, args)


def _cmd_stream(args: argparse.Namespace) -> int:
    from ingest.stream import cli as stream_cli

    return stream_cli.run_stream(args)


def _cmd_replay(args: argparse.Namespace) -> int:
    from ingest.stream import cli as stream_cli

    return stream_cli.run_replay(args)


def _cmd_export_lake(args: argparse.Namespace) -> int:
    from ingest.lake import export_lake

    database = args.database or default_database()
    exported = export_lake(database, args.out)
    print(f"exported {database} to {args.out}")
    rows = [(item.table, item.rows, item.partitions, item.path) for item in exported]
    print(format_table(["table", "rows", "partitions", "path"], rows))
    return 0


COMMANDS = {
    "generate": _cmd_generate,
    "load": _cmd_load,
    "ledger": _cmd_listing,
    "quarantine": _cmd_listing,
    "erase": _cmd_privacy,
    "export-user": _cmd_privacy,
    "purge-expired": _cmd_privacy,
    "stream": _cmd_stream,
    "replay": _cmd_replay,
    "export-lake": _cmd_export_lake,
}


def run_command(
    parser: argparse.ArgumentParser,
    commands: Mapping[str, Callable[[argparse.Namespace], int]],
    argv: Sequence[str] | None,
    expected: tuple[type[Exception], ...],
) -> int:
    """Parse ``argv`` and run its command. An ``expected`` error (each carries an
    ``exit_code``) becomes one line on stderr and that exit code; Ctrl-C exits 130."""
    args = parser.parse_args(argv)
    try:
        return commands[args.command](args)
    except expected as error:
        print(f"error: {printable(error)}", file=sys.stderr)
        return error.exit_code  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(build_parser(), COMMANDS, argv, (IngestError,))


def exit_with(main: Callable[[], int]) -> NoReturn:
    """Run a CLI's ``main`` and exit with its code (``python -m ingest`` / ``observability``).

    A reader that stops early (``python -m ingest ... | head``) closes the pipe: the command
    then ends quietly with 141 (128 + SIGPIPE), as a command killed by the signal would,
    instead of a traceback.
    """
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Nothing more can reach the reader; point stdout at /dev/null so that the interpreter's
        # own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    sys.exit(code)


if __name__ == "__main__":
    exit_with(main)
