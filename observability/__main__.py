"""``python -m observability``: see ``observability.cli`` (a closed output pipe ends it quietly
with 141: ``ingest.cli.exit_with``)."""

from ingest.cli import exit_with
from observability.cli import main

exit_with(main)
