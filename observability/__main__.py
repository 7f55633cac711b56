"""``python -m observability``: see ``observability.cli``."""

import sys

from observability.cli import main

sys.exit(main())
