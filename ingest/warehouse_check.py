"""`python -m ingest.warehouse_check [DATABASE]`: can this process write the warehouse now?

dbt prints a page of traceback when another process holds the DuckDB file. The Makefile runs
this first, so a locked warehouse is reported as one line (``error: warehouse ... is locked
by another process (pid N); ...``, exit 1) before dbt starts. A warehouse that does not exist
yet is fine: dbt creates it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ingest.errors import IngestError
from ingest.terminal import printable


def main(argv: Sequence[str] | None = None) -> int:
    from ingest.cli import default_database
    from ingest.load import connect

    args = list(sys.argv[1:] if argv is None else argv)
    database = Path(args[0]) if args else default_database()
    if not database.exists():
        return 0
    try:
        connect(database).close()
    except IngestError as error:
        print(f"error: {printable(error)}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
