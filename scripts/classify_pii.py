"""Add `meta: {pii: LEVEL}` to every yml column that has no classification yet.

    python scripts/classify_pii.py            # list the columns it would classify
    python scripts/classify_pii.py --write    # insert the lines in place

A helper for authors, not a substitute for judgement: the level comes from the column name
(RULES below; `none` when no rule matches) and should be reviewed in the diff. Columns that
already have a `meta:` (or `config: meta:`) are left alone. The check that every column is
classified is tests/python/test_privacy.py (it reads target/manifest.json).

The edit is textual, so comments, anchors and layout stay as they are: after a column's
`name:` line it inserts `meta: {pii: LEVEL}` at the same indent. Anchored columns
(`- &extra` then `name: _extra`) get it once; their aliases (`- *extra`) share it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
FOLDERS = ("models", "seeds", "snapshots")

# Column name -> level. Direct: identifies a person alone (or free text that may); pseudonymous:
# an internal id that links to one person.
DIRECT = {"email", "full_name", "raw_email", "raw_full_name", "ip_address", "raw_data", "raw_line"}
PSEUDONYMOUS = {
    "user_id",
    "customer_id",
    "raw_user_id",
    "raw_customer_id",
    "transaction_id",
    "raw_transaction_id",
    "session_id",
}
# The events payload: minimised in staging (truncated IP, masked emails, browser kept), so
# pseudonymous downstream; as landed (raw table, rejected rows) it is direct.
PAYLOAD = {"data"}
# Per file or per model: overrides.
FILE_RULES = {"models/staging/_raw__sources.yml": {"data": "direct"}}
MODEL_RULES = {"stg_events__rejected": {"data": "direct"}}

_ITEM = re.compile(r"^(?P<indent>\s*)- (?:(?P<anchor>&\S+)\s*$|name:\s*(?P<name>\S+)\s*$)")
_NAME = re.compile(r"^(?P<indent>\s*)name:\s*(?P<name>\S+)\s*$")
_KEY = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z_]+):")


def level_of(name: str, relative: str, model: str | None = None) -> str:
    name = name.strip("'\"").lower()
    override = FILE_RULES.get(relative, {}).get(name) or MODEL_RULES.get(model or "", {}).get(name)
    if override:
        return override
    if name in PAYLOAD:
        return "pseudonymous"
    if name in DIRECT:
        return "direct"
    if name in PSEUDONYMOUS or name.endswith(("_user_id", "_customer_id")):
        return "pseudonymous"
    return "none"


def _has_meta(lines: list[str], start: int, key_indent: int) -> bool:
    """Whether the column mapping starting at ``start`` has meta (or config.meta)."""
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if line.strip() and not line.lstrip().startswith("#"):
            indent = len(line) - len(line.lstrip())
            if indent < key_indent or (indent == key_indent - 2 and line.lstrip().startswith("-")):
                return False
            match = _KEY.match(line)
            if match and indent == key_indent and match["key"] == "meta":
                return True
            if match and indent == key_indent and match["key"] == "config":
                block = index + 1
                while block < len(lines) and (
                    not lines[block].strip()
                    or len(lines[block]) - len(lines[block].lstrip()) > key_indent
                ):
                    if lines[block].strip().startswith("meta:"):
                        return True
                    block += 1
            if match and indent == key_indent and match["key"] == "columns":
                return False
        index += 1
    return False


def classify_file(path: Path, relative: str) -> tuple[list[str], list[str]]:
    """The file's lines with meta added, and what was added (``column: level``)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out: list[str] = []
    added: list[str] = []
    in_columns: list[int] = []  # indents of open `columns:` keys
    pending_anchor_indent: int | None = None
    model: str | None = None
    for index, line in enumerate(lines):
        out.append(line)
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        while (
            in_columns
            and indent <= in_columns[-1]
            and not (indent == in_columns[-1] and stripped.startswith("-"))
        ):
            in_columns.pop()
        key = _KEY.match(line)
        if key and key["key"] == "columns" and stripped == "columns:":
            in_columns.append(indent)
            continue
        if not in_columns:
            top = _ITEM.match(line)
            if top and top["name"]:
                model = top["name"].strip("'\"")
            continue
        item = _ITEM.match(line)
        name_line: tuple[int, str] | None = None
        if item and item["anchor"]:
            pending_anchor_indent = indent + 2
            continue
        if item and item["name"]:
            name_line = (indent + 2, item["name"])
        elif pending_anchor_indent is not None:
            named = _NAME.match(line)
            if named and len(named["indent"]) == pending_anchor_indent:
                name_line = (pending_anchor_indent, named["name"])
            pending_anchor_indent = None
        if name_line is None:
            continue
        key_indent, name = name_line
        if _has_meta(lines, index, key_indent):
            continue
        level = level_of(name, relative, model)
        out.append(" " * key_indent + f"meta: {{pii: {level}}}\n")
        added.append(f"{name}: {level}")
    return out, added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="edit the files in place")
    args = parser.parse_args(argv)
    total = 0
    for folder in FOLDERS:
        for path in sorted((PROJECT_DIR / folder).rglob("*.yml")):
            relative = path.relative_to(PROJECT_DIR).as_posix()
            lines, added = classify_file(path, relative)
            if not added:
                continue
            total += len(added)
            print(f"{relative}: {', '.join(added)}")
            if args.write:
                path.write_text("".join(lines), encoding="utf-8")
    verb = "classified" if args.write else "would classify"
    print(f"{verb} {total} column(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
