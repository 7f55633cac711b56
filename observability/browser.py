"""Headless Chromium, found and started one way for every page the project renders.

The browser tests (docs site, quality report) and the architecture diagram's PNG all run
Chromium headless from a fresh profile, offline; the flags live here once.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """$CHROMIUM_BIN when set, else the first known Chromium name on PATH; None if absent."""
    override = os.environ.get("CHROMIUM_BIN")
    for name in ((override,) if override else ()) + CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


def headless_chromium_command(chromium: str, profile: Path | str, *extra: str) -> list[str]:
    """The command line running `chromium` headless, offline, from the fresh `profile`
    directory, followed by `extra` (what to do: --dump-dom, --screenshot=..., the URL)."""
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *extra,
    ]
