"""`python -m ingest ...`: see ``ingest.cli`` (a closed output pipe ends it quietly with 141:
``ingest.cli.exit_with``)."""

from ingest.cli import exit_with, main

exit_with(main)
