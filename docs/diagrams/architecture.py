"""Draw the architecture diagram: assets/architecture.svg (and a PNG with --png).

    .venv/bin/python docs/diagrams/architecture.py            # writes assets/architecture.svg
    .venv/bin/python docs/diagrams/architecture.py --png      # also assets/architecture.png

The SVG is plain text, reviewed in pull requests like code; the PNG is a screenshot of it by
headless Chromium, for places that do not show SVG. The dbt docs site ships both from
`assets/` (`asset-paths` in dbt_project.yml).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from observability.browser import find_chromium, headless_chromium_command

PROJECT_DIR = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1280, 520
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Box:
    """A titled box with a few lines of text."""

    key: str
    x: int
    y: int
    w: int
    h: int
    title: str
    lines: tuple[str, ...]
    fill: str
    stroke: str

    @property
    def right(self) -> tuple[int, int]:
        return self.x + self.w, self.y + self.h // 2

    @property
    def left(self) -> tuple[int, int]:
        return self.x, self.y + self.h // 2

    @property
    def bottom(self) -> tuple[int, int]:
        return self.x + self.w // 2, self.y + self.h

    @property
    def top(self) -> tuple[int, int]:
        return self.x + self.w // 2, self.y


LAYER_Y, LAYER_H, LAYER_W = 116, 190, 150
BOXES = [
    Box(
        "landing",
        20,
        LAYER_Y,
        160,
        LAYER_H,
        "Landing files",
        (
            "sales/*.csv",
            "products/*.csv",
            "user_behavior/*.csv",
            "transactions/*.parquet",
            "events/<day>/*.jsonl",
            "_manifest.json",
        ),
        "#f5f5f5",
        "#616161",
    ),
    Box(
        "ingest",
        215,
        LAYER_Y,
        LAYER_W,
        LAYER_H,
        "ingest (Python)",
        (
            "python -m ingest load",
            "contracts per source",
            "all text + lineage",
            "bad lines -> quarantine",
            "sha256 ledger:",
            "idempotent reloads",
        ),
        "#fff3e0",
        "#ef6c00",
    ),
    Box(
        "raw",
        400,
        LAYER_Y,
        LAYER_W,
        LAYER_H,
        "raw (DuckDB)",
        (
            "raw.<source>",
            "raw._quarantine",
            "raw._load_ledger",
            "lineage columns:",
            "_batch_id, _source_file,",
            "_row_number, _loaded_at",
        ),
        "#eceff1",
        "#455a64",
    ),
    Box(
        "staging",
        585,
        LAYER_Y,
        LAYER_W,
        LAYER_H,
        "staging (views)",
        (
            "stg_<source>:",
            "typed, renamed, valid",
            "stg_<source>__rejected",
            "with reason codes",
            "raw = valid + rejected",
        ),
        "#e3f2fd",
        "#1565c0",
    ),
    Box(
        "intermediate",
        770,
        LAYER_Y,
        LAYER_W,
        LAYER_H,
        "intermediate",
        ("int_products_current", "sessions, dedup facts", "shared steps", "", "", ""),
        "#e8f5e9",
        "#2e7d32",
    ),
    Box(
        "features",
        955,
        LAYER_Y,
        LAYER_W,
        LAYER_H,
        "features (tables)",
        ("one row per user", "one row per product", "as of `as_of`", "ML-ready", "", ""),
        "#f3e5f5",
        "#6a1b9a",
    ),
    Box(
        "marts",
        1140,
        LAYER_Y,
        120,
        LAYER_H,
        "marts",
        ("summaries", "model outputs", "data quality", "(tables /", "incremental)", ""),
        "#fce4ec",
        "#ad1457",
    ),
    Box(
        "seeds",
        585,
        344,
        LAYER_W,
        76,
        "seeds",
        ("accepted_event_types", "product_categories"),
        "#fffde7",
        "#f9a825",
    ),
    Box(
        "snapshots",
        770,
        344,
        LAYER_W,
        76,
        "snapshots",
        ("product history", "(SCD type 2)"),
        "#fffde7",
        "#f9a825",
    ),
    Box(
        "quality",
        955,
        344,
        305,
        76,
        "quality gates",
        ("dbt tests + custom generic tests + unit tests,", "DQ score >= min_dqs per source"),
        "#ffebee",
        "#c62828",
    ),
]
ARROWS = [
    ("landing", "right", "ingest", "left"),
    ("ingest", "right", "raw", "left"),
    ("raw", "right", "staging", "left"),
    ("staging", "right", "intermediate", "left"),
    ("intermediate", "right", "features", "left"),
    ("features", "right", "marts", "left"),
    ("seeds", "top", "staging", "bottom"),
    ("snapshots", "top", "intermediate", "bottom"),
]


def _text(
    x: float,
    y: float,
    text: str,
    size: int,
    weight: str = "normal",
    anchor: str = "middle",
    fill: str = "#212121",
) -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-family="{FONT}" font-size="{size}" '
        f'font-weight="{weight}" text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'
    )


def _box(box: Box) -> list[str]:
    parts = [
        f'<rect x="{box.x}" y="{box.y}" width="{box.w}" height="{box.h}" rx="10" '
        f'fill="{box.fill}" stroke="{box.stroke}" stroke-width="2"/>',
        _text(box.x + box.w / 2, box.y + 24, box.title, 15, "bold", fill=box.stroke),
    ]
    for index, line in enumerate(box.lines):
        if line:
            parts.append(_text(box.x + box.w / 2, box.y + 48 + 19 * index, line, 11))
    return parts


def render_svg() -> str:
    """The whole diagram as an SVG document."""
    by_key = {box.key: box for box in BOXES}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="title desc">',
        '<title id="title">ml_data_pipeline architecture</title>',
        '<desc id="desc">Landing files are loaded by the ingest package into the raw schema of '
        "DuckDB; dbt builds staging, intermediate, features and marts, with seeds, snapshots "
        "and quality gates; make run and make test drive it.</desc>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#424242"/></marker></defs>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        _text(WIDTH / 2, 36, "ml_data_pipeline: e-commerce ML data on DuckDB with dbt", 22, "bold"),
        _text(
            WIDTH / 2,
            62,
            "make run: generate -> ingest load -> dbt build -> dbt docs generate   |   "
            "make test: pytest, dbt build on faulty data, coverage gates, lint",
            13,
            fill="#424242",
        ),
        # dbt's part of the picture
        '<rect x="570" y="84" width="700" height="354" rx="14" fill="none" stroke="#90a4ae" '
        'stroke-width="1.5" stroke-dasharray="6 4"/>',
        _text(
            582,
            104,
            "dbt project (DuckDB; portable SQL + adapter.dispatch macros)",
            12,
            "bold",
            anchor="start",
            fill="#546e7a",
        ),
    ]
    for box in BOXES:
        parts.extend(_box(box))
    for source, source_side, target, target_side in ARROWS:
        x1, y1 = getattr(by_key[source], source_side)
        x2, y2 = getattr(by_key[target], target_side)
        parts.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#424242" '
            'stroke-width="2" marker-end="url(#arrow)"/>'
        )
    parts.append(
        _text(
            WIDTH / 2,
            475,
            "Docs site: dbt docs generate --static (overview, lineage, every model and column)"
            "   |   Deployment: deploy/run_pipeline.sh under flock = one writer per DuckDB file",
            12,
            fill="#424242",
        )
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_png(svg_path: Path, png_path: Path) -> None:
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("architecture: no Chromium found to render the PNG")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            headless_chromium_command(
                chromium,
                profile,
                "--hide-scrollbars",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--screenshot={png_path}",
                svg_path.resolve().as_uri(),
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=PROJECT_DIR / "assets")
    parser.add_argument("--png", action="store_true", help="also render a PNG with Chromium")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    svg_path = args.out_dir / "architecture.svg"
    svg_path.write_text(render_svg(), encoding="utf-8")
    print(f"wrote {svg_path}")
    if args.png:
        png_path = args.out_dir / "architecture.png"
        render_png(svg_path, png_path)
        print(f"wrote {png_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
