"""The static dbt docs site, opened from file:// in a real headless Chromium.

The site is generated once per module from the suite's built warehouse (`built_warehouse`).
Without a Chromium the browser tests are skipped with a message that says so; the tests that
need no browser (assets, persist_docs comments) still run.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
import urllib.request
import zlib
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from conftest import PARSE_STATE, PROJECT_DIR, SUITE_DBT_VARS, Warehouse, run_dbt

from observability.browser import headless_chromium_command

pytestmark = pytest.mark.slow

PROJECT = "ml_data_pipeline"


@dataclass(frozen=True)
class DocsSite:
    target: Path
    manifest: dict[str, Any]
    catalog: dict[str, Any]

    @property
    def page(self) -> Path:
        return self.target / "static_index.html"

    def url(self, route: str) -> str:
        return f"{self.page.as_uri()}#!/{route}"

    def models(self) -> dict[str, dict[str, Any]]:
        return {
            unique_id: node
            for unique_id, node in self.manifest["nodes"].items()
            if node["resource_type"] == "model" and node["package_name"] == PROJECT
        }


@pytest.fixture(scope="module")
def docs_site(built_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> DocsSite:
    target = tmp_path_factory.mktemp("docs_site") / "target"
    target.mkdir()
    # As `make run` makes the site: after the build, from the build's manifest.json (it holds
    # every node's compiled SQL, so --no-compile) and its parse state and vars (dbt parses
    # only what changed: nothing).
    for artifact in (PARSE_STATE, "manifest.json"):
        shutil.copy2(built_warehouse.target_path / artifact, target)
    result = run_dbt(
        ["docs", "generate", "--static", "--no-compile", "--vars", SUITE_DBT_VARS],
        database=built_warehouse.database,
        target_path=target,
    )
    assert result.success, f"dbt docs generate failed: {result.exception}"
    return DocsSite(
        target=target,
        manifest=json.loads((target / "manifest.json").read_text()),
        catalog=json.loads((target / "catalog.json").read_text()),
    )


def dump_dom(chromium: str, url: str, tmp_path: Path) -> str:
    """The page's DOM after its scripts ran, without <script>/<style> bodies."""
    result = subprocess.run(
        headless_chromium_command(
            chromium, tmp_path / "profile", "--virtual-time-budget=10000", "--dump-dom", url
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = re.sub(r"<script\b.*?</script>", "", result.stdout, flags=re.S)
    return re.sub(r"<style\b.*?</style>", "", dom, flags=re.S)


def visible_text(html: str) -> str:
    text = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", unescape(text)).strip()


def section(dom: str, section_id: str) -> str:
    """The HTML of the docs page section whose target div has this id."""
    start = dom.find(f'id="{section_id}"')
    assert start >= 0, f"section {section_id!r} not on the page"
    end = dom.find('<section class="section"', start)
    return dom[start : end if end > 0 else len(dom)]


def plain(markdown: str) -> str:
    """The first words of a markdown description as the site renders them in text."""
    text = re.sub(r"[`*_#>\[\]()|]", " ", markdown)
    return re.sub(r"\s+", " ", text).strip()


# --- without a browser ---------------------------------------------------------------------


def test_site_is_a_single_offline_file_with_its_assets(docs_site: DocsSite) -> None:
    html = docs_site.page.read_text()
    assert len(html) > 100_000
    # Static: the manifest and the catalog are embedded, so file:// needs no server.
    assert (
        '"project_name": "ml_data_pipeline"' in html or '"project_name":"ml_data_pipeline"' in html
    )
    svg = docs_site.target / "assets" / "architecture.svg"
    assert svg.is_file(), "asset-paths did not copy the diagram next to the page"
    assert svg.read_bytes() == (PROJECT_DIR / "assets" / "architecture.svg").read_bytes()
    assert svg.read_text().lstrip().startswith("<svg")


def test_site_shows_the_compiled_sql_of_every_sql_model(docs_site: DocsSite) -> None:
    # `make run` skips compiling (--no-compile): the page's "Compiled" tab must still have
    # each model's SQL, from the build's manifest.
    html = docs_site.page.read_text()
    sql_models = {
        unique_id: node
        for unique_id, node in docs_site.models().items()
        if node["language"] == "sql" and node["config"]["materialized"] != "ephemeral"
    }
    assert sql_models
    for unique_id, node in sql_models.items():
        compiled = node.get("compiled_code") or ""
        assert "{{" not in compiled and "select" in compiled.lower(), unique_id
        # The page embeds the manifest as JSON: the SQL's first line, escaped as JSON.
        first_line = json.dumps(compiled.strip().splitlines()[0])[1:-1]
        assert first_line in html, unique_id


def test_overview_docs_block_is_the_project_overview(docs_site: DocsSite) -> None:
    overview = docs_site.manifest["docs"][f"doc.{PROJECT}.__overview__"]
    text = overview["block_contents"]
    assert "![architecture](assets/architecture.svg)" in text
    for heading in ("## Layers", "## How to run it"):
        assert heading in text


def test_diagram_source_reproduces_the_committed_svg(tmp_path: Path) -> None:
    script = PROJECT_DIR / "docs" / "diagrams" / "architecture.py"
    subprocess.run(
        [sys.executable, str(script), "--out-dir", str(tmp_path)], check=True, timeout=60
    )
    committed = (PROJECT_DIR / "assets" / "architecture.svg").read_text()
    assert (tmp_path / "architecture.svg").read_text() == committed, (
        "assets/architecture.svg is stale: run docs/diagrams/architecture.py --png"
    )


def test_persist_docs_writes_descriptions_into_the_warehouse(
    built_warehouse: Warehouse, docs_site: DocsSite
) -> None:
    """Every built model's description and its columns' descriptions are DuckDB comments."""
    checked_relations = 0
    checked_columns = 0
    with built_warehouse.connect() as con:
        relation_comments = {
            (schema, name): comment
            for schema, name, comment in con.execute(
                "select schema_name, table_name, comment from duckdb_tables() "
                "union all "
                "select schema_name, view_name, comment from duckdb_views() where not internal"
            ).fetchall()
        }
        column_comments = {
            (schema, table, column.lower()): comment
            for schema, table, column, comment in con.execute(
                "select schema_name, table_name, column_name, comment from duckdb_columns()"
            ).fetchall()
        }
    for node in docs_site.models().values():
        if node["config"]["materialized"] == "ephemeral" or not node["description"].strip():
            continue
        key = (node["schema"], node["alias"])
        assert key in relation_comments, f"{key} not in the warehouse"
        assert relation_comments[key] == node["description"], f"comment of {key}"
        checked_relations += 1
        for name, column in node["columns"].items():
            if column["description"].strip():
                comment = column_comments.get((*key, name.lower()))
                assert comment == column["description"], f"comment of {key}.{name}"
                checked_columns += 1
    if checked_relations == 0:
        pytest.skip("the project has no documented models yet")
    assert checked_columns > 0


# --- in Chromium --------------------------------------------------------------------------


def test_overview_renders_with_diagram_and_every_model(
    chromium: str, docs_site: DocsSite, tmp_path: Path
) -> None:
    dom = dump_dom(chromium, docs_site.url("overview"), tmp_path)
    text = visible_text(dom)
    assert '<h1 id="ml_data_pipeline">ml_data_pipeline</h1>' in dom
    assert "Layers" in text and "How to run it" in text
    images = re.findall(r'<img[^>]*src="([^"]+)"', dom)
    assert "assets/architecture.svg" in images
    assert (docs_site.page.parent / "assets" / "architecture.svg").is_file()
    # Every model of the project is reachable from the navigation tree.
    nav_ids = set(re.findall(r'data-nav-unique-id="([^"]+)"', dom))
    missing = sorted(set(docs_site.models()) - nav_ids)
    assert not missing, f"models missing from the site: {missing}"


def _png_pixels(png: bytes) -> tuple[int, int, int, bytes]:
    """Width, height, bytes per pixel and unfiltered pixel rows of an 8-bit RGB(A) PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            idat += data
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    out = bytearray(height * stride)
    previous = bytearray(stride)
    for row in range(height):
        kind = raw[row * (stride + 1)]
        line = bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                upper_left = previous[i - channels] if i >= channels else 0
                estimate = left + up - upper_left
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - upper_left)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else upper_left)
                line[i] = (line[i] + predictor) & 0xFF
        out[row * stride : (row + 1) * stride] = line
        previous = line
    return width, height, channels, bytes(out)


def test_diagram_is_drawn_on_the_overview_page(
    chromium: str, docs_site: DocsSite, tmp_path: Path
) -> None:
    """A screenshot of the overview shows the diagram's box colours: the image loaded."""
    shot = tmp_path / "overview.png"
    result = subprocess.run(
        headless_chromium_command(
            chromium,
            tmp_path / "profile",
            "--virtual-time-budget=10000",
            "--hide-scrollbars",
            "--window-size=1100,900",
            f"--screenshot={shot}",
            docs_site.url("overview"),
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    width, height, channels, pixels = _png_pixels(shot.read_bytes())
    counts: dict[tuple[int, int, int], int] = {}
    wanted = {(0xE3, 0xF2, 0xFD), (0xF3, 0xE5, 0xF5), (0xFF, 0xF3, 0xE0)}  # box fills
    for offset in range(0, width * height * channels, channels):
        rgb = (pixels[offset], pixels[offset + 1], pixels[offset + 2])
        if rgb in wanted:
            counts[rgb] = counts.get(rgb, 0) + 1
    assert all(counts.get(colour, 0) > 300 for colour in wanted), counts


def pick_models(site: DocsSite) -> list[dict[str, Any]]:
    """A model with parents and children, and one that reads a source: the lineage ends."""
    models = site.models()
    children: dict[str, list[str]] = {}
    for unique_id, node in models.items():
        for parent in node["depends_on"]["nodes"]:
            children.setdefault(parent, []).append(unique_id)
    preferred = [f"model.{PROJECT}.{name}" for name in ("stg_sales", "stg_events")]
    chosen = [models[name] for name in preferred if name in models]
    middle = [
        node
        for unique_id, node in sorted(models.items())
        if node["depends_on"]["nodes"] and unique_id in children and node not in chosen
    ]
    with_parents = [
        node
        for _, node in sorted(models.items())
        if node["depends_on"]["nodes"] and node not in chosen
    ]
    chosen.extend(middle[:1] or with_parents[:1])
    for node in chosen:
        node["_children"] = sorted(children.get(node["unique_id"], []))
    return chosen


TAB_LABELS = {"model": "Models", "source": "Sources", "seed": "Seeds", "snapshot": "Snapshots"}
TAB = re.compile(
    r'<li ng-repeat="\(resource_type, nodes\) in references"[^>]*class="([^"]*)"[^>]*>'
    r"\s*<a[^>]*>\s*([^<]+?)\s*</a>"
)


def check_reference_tabs(html: str, expected: list[str], unique_id: str) -> None:
    """The section has a tab per resource type of `expected`; the active tab lists its ids."""
    tabs = {label: "active" in classes.split() for classes, label in TAB.findall(html)}
    for kind in {node_id.split(".")[0] for node_id in expected}:
        assert TAB_LABELS[kind] in tabs, f"{unique_id}: no {TAB_LABELS[kind]} tab in {tabs}"
    active = [label for label, is_active in tabs.items() if is_active]
    assert len(active) == 1, f"{unique_id}: tabs {tabs}"
    shown = set(re.findall(r'href="#!/(?:model|source|seed|snapshot)/([^"]+)"', html))
    of_active_kind = {
        node_id for node_id in expected if TAB_LABELS.get(node_id.split(".")[0]) == active[0]
    }
    assert of_active_kind <= shown, f"{unique_id}: {of_active_kind - shown} not shown"


def test_model_pages_show_description_columns_and_lineage(
    chromium: str, docs_site: DocsSite, tmp_path: Path
) -> None:
    chosen = pick_models(docs_site)
    if not chosen:
        pytest.skip("the project has no models with lineage yet")
    for node in chosen:
        unique_id = node["unique_id"]
        dom = dump_dom(chromium, docs_site.url(f"model/{unique_id}"), tmp_path)
        assert f'<span class="break ng-binding">{node["name"]}</span>' in dom, unique_id
        description = visible_text(section(dom, "description"))
        assert plain(node["description"])[:40] in plain(description), unique_id
        columns = visible_text(section(dom, "columns"))
        catalog_columns = docs_site.catalog["nodes"].get(unique_id, {}).get("columns", {})
        for name in set(node["columns"]) | set(catalog_columns):
            assert name in columns, f"{unique_id}: column {name} not shown"
        for name, column in node["columns"].items():
            if column["description"]:
                assert plain(column["description"])[:30] in plain(columns), f"{unique_id}.{name}"
        # Lineage: what it depends on and what references it, as tabs of links to their
        # pages (one tab per resource type; the page renders the links of the active tab).
        parents = [p for p in node["depends_on"]["nodes"] if p.split(".")[0] in TAB_LABELS]
        check_reference_tabs(section(dom, "depends_on"), parents, unique_id)
        children = [c for c in node["_children"] if c.split(".")[0] in TAB_LABELS]
        if children:
            check_reference_tabs(section(dom, "referenced_by"), children, unique_id)
        assert 'id="graph-viz-wrapper"' in dom or 'id="cy"' in dom  # the lineage graph


# --- make docs: the local server ----------------------------------------------------------


def test_serve_docs_serves_the_site_on_loopback_and_prints_its_address(tmp_path: Path) -> None:
    target = tmp_path / "target"
    (target / "assets").mkdir(parents=True)
    (target / "static_index.html").write_text("<html><body>dbt docs site</body></html>")
    shutil.copy2(PROJECT_DIR / "assets" / "architecture.svg", target / "assets")
    server = subprocess.Popen(
        [
            sys.executable,
            str(PROJECT_DIR / "scripts" / "serve_docs.py"),
            "--target-dir",
            str(target),
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.search(r"http://(127\.0\.0\.1):(\d+)/static_index\.html", line)
        assert match, line
        base = f"http://{match.group(1)}:{match.group(2)}"
        with urllib.request.urlopen(f"{base}/static_index.html", timeout=10) as response:
            assert response.status == 200
            assert b"dbt docs site" in response.read()
        with urllib.request.urlopen(f"{base}/assets/architecture.svg", timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("image/svg")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_docs_without_a_site_says_what_to_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(PROJECT_DIR / "scripts" / "serve_docs.py"),
            "--target-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "make run" in result.stderr


def test_coverage_gates_pass_on_the_suite_build(docs_site: DocsSite) -> None:
    """The gates CI applies (docs 100%, column doc and test coverage, dbt-score), on the
    manifest and catalog of the suite's build: every model, column and test as committed."""
    result = subprocess.run(
        ["bash", "scripts/coverage_gates.sh", str(docs_site.target)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "coverage_gates: all gates passed" in result.stdout
