"""``python -m observability``: see ``observability.cli``.

A reader that stops early (`python -m observability ... | head`) closes the pipe: the command then
ends quietly with 141 (128 + SIGPIPE), as a command killed by the signal would, instead of a
traceback.
"""

import os
import sys

from observability.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # Nothing more can reach the reader; point stdout at /dev/null so that the interpreter's
    # own flush at exit does not fail again.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 141
sys.exit(code)
