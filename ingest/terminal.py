"""Text that is safe to print on a terminal.

File content and file names come from outside: a quarantined line may hold escape sequences
(they can clear the screen, retitle the window or hide text) and a file name may hold a
newline (an error about it would span two lines). ``printable`` escapes every control and
invisible formatting character, so that what is printed is one line of inert text.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls; the bidirectional overrides and isolates, zero-width
# characters and the BOM (they reorder or hide what the terminal shows); line and paragraph
# separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``text`` as one line with control characters escaped (``\\n``, ``\\e``, ``\\x07``)."""
    return _UNSAFE.sub(_escape, str(text))
