"""reports/quality.html rendered by a real headless Chromium (offline, from file://).

Without a Chromium these tests are skipped with a message that says so.
"""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from conftest import Warehouse

from observability.browser import headless_chromium_command
from observability.report import write_report

pytestmark = pytest.mark.browser


def render(chromium: str, page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        headless_chromium_command(chromium, profile, *extra, page.resolve().as_uri()),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture(scope="module")
def rendered(
    chromium: str, built_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("browser")
    page = write_report(built_warehouse.database, root / "reports" / "quality.html")
    dom = render(chromium, page, root / "profile", "--dump-dom").stdout
    return page, dom


def test_rendered_page_shows_the_dqs_of_every_source(
    rendered: tuple[Path, str], built_warehouse: Warehouse
) -> None:
    _, dom = rendered
    assert "<title>Data quality report</title>" in dom
    for source, dqs in built_warehouse.query(
        "select source_name, dqs from marts.data_quality_scores where is_latest_batch"
    ):
        row = re.search(rf'<tr data-source="{source}">(.*?)</tr>', dom, re.S)
        assert row, source
        cell = re.search(r'<td class="num dqs">([^<]*)</td>', row.group(1))
        assert cell and unescape(cell.group(1)) == f"{dqs:.2f}", source


def test_rendered_page_draws_the_charts(rendered: tuple[Path, str]) -> None:
    _, dom = rendered
    chart = re.search(r'<figure id="dqs-chart">(.*?)</figure>', dom, re.S)
    assert chart and "<svg" in chart.group(1) and "<circle" in chart.group(1)
    bars = re.search(r'<figure id="reasons-chart">(.*?)</figure>', dom, re.S)
    assert bars and bars.group(1).count("<rect") >= 1


def test_rendered_page_screenshot_is_not_blank(
    chromium: str, rendered: tuple[Path, str], tmp_path: Path
) -> None:
    page, _ = rendered
    shot = tmp_path / "shot.png"
    render(chromium, page, tmp_path / "profile", "--window-size=1200,1600", f"--screenshot={shot}")
    assert shot.is_file() and shot.stat().st_size > 20_000
