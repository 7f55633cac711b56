"""The warehouse settings, resolved once from the environment.

Every reader of these settings goes through ``resolve()``: the ``ingest`` and
``observability`` CLIs, ``deploy/`` and ``benchmarks/`` scripts, the shell scripts (through
``python -m ingest.settings``) and dbt's ``profiles.yml``, which reads the same environment
variables with the same defaults (``tests/python/test_settings.py`` renders the profile
through dbt and checks that both agree).

==========================  ==============================  ================================
environment variable        default                         meaning
==========================  ==============================  ================================
``DUCKDB_PATH``             ``warehouse/warehouse.duckdb``  the warehouse file
``DUCKDB_MEMORY_LIMIT``     ``4GB``                         DuckDB's ``memory_limit``
``DBT_THREADS``             ``2``                           dbt's threads
``DQ_ALERT_WEBHOOK_URL``    (none)                          where DQS alerts are POSTed
==========================  ==============================  ================================

An empty variable counts as unset. Only the standard library is imported here, so that
``python3 -m ingest.settings`` works before the virtualenv exists.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import SettingsError

if TYPE_CHECKING:
    import duckdb

DATABASE_ENV = "DUCKDB_PATH"
MEMORY_LIMIT_ENV = "DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "DBT_THREADS"
ALERT_WEBHOOK_ENV = "DQ_ALERT_WEBHOOK_URL"

DEFAULT_DATABASE = Path("warehouse/warehouse.duckdb")
DEFAULT_MEMORY_LIMIT = "4GB"
DEFAULT_THREADS = 2

# What DuckDB's memory_limit accepts: a size with a unit (4GB, 512 MiB, 1.5gb) or a
# percentage of the machine's RAM (80%).
_MEMORY_LIMIT = re.compile(r"^\d+(\.\d+)?\s*(([kmgt]i?)?b|bytes|%)$", re.IGNORECASE)


@dataclass(frozen=True)
class Settings:
    """The resolved settings; build one with ``resolve()``."""

    database: Path
    memory_limit: str
    threads: int
    alert_webhook_url: str | None

    def duckdb_config(self) -> dict[str, str]:
        """The ``config`` for ``duckdb.connect`` (the same memory limit as dbt's profile)."""
        return {"memory_limit": self.memory_limit}

    def connect(self, database: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """``duckdb.connect`` with these settings (duckdb is imported only here).

        A file this process already holds open (e.g. dbt ran in-process) cannot be opened
        again with another configuration or read-only: then the open instance is shared.
        Other errors (a lock held by another process, a corrupt file) are raised as is.
        """
        import duckdb

        try:
            return duckdb.connect(str(database), read_only=read_only, config=self.duckdb_config())
        except duckdb.ConnectionException as error:
            if "different configuration" not in str(error):
                raise
        return duckdb.connect(str(database))


def _get(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def resolve(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from `environ` (default: the process environment) and the defaults.

    Raises ``SettingsError`` (one line naming the variable) for a value that cannot work.
    """
    env = os.environ if environ is None else environ
    memory_limit = _get(env, MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT
    if not _MEMORY_LIMIT.match(memory_limit):
        raise SettingsError(
            MEMORY_LIMIT_ENV, memory_limit, "expected a size such as 4GB or 512MiB, or 80%"
        )
    threads_text = _get(env, THREADS_ENV)
    threads = DEFAULT_THREADS
    if threads_text is not None:
        if not threads_text.isdigit() or int(threads_text) < 1:
            raise SettingsError(THREADS_ENV, threads_text, "expected a whole number >= 1")
        threads = int(threads_text)
    database_text = _get(env, DATABASE_ENV)
    return Settings(
        database=Path(database_text) if database_text else DEFAULT_DATABASE,
        memory_limit=memory_limit,
        threads=threads,
        alert_webhook_url=_get(env, ALERT_WEBHOOK_ENV),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ingest.settings [NAME]``: print one setting, or all as NAME=value lines."""
    names = ("database", "memory_limit", "threads", "alert_webhook_url")
    parser = argparse.ArgumentParser(
        prog="python -m ingest.settings", description="Print the resolved settings."
    )
    parser.add_argument("name", nargs="?", choices=names, help="print only this setting")
    args = parser.parse_args(argv)
    try:
        settings = resolve()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    if args.name:
        value = getattr(settings, args.name)
        print("" if value is None else value)
        return 0
    for name in names:
        value = getattr(settings, name)
        print(f"{name}={'' if value is None else value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
