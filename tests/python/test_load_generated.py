"""End to end on generated data: every line the generator wrote is landed or quarantined,
at the line the generator's fault manifest names."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from ingest_fixtures import query

from ingest.load import load_paths


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    try:
        from ingest.generate import generate
    except ImportError as error:  # the generator is developed separately
        pytest.skip(f"generator not importable: {error}")
    root = tmp_path_factory.mktemp("generated")
    landing = root / "landing"
    generate(landing, scale=0.05, seed=3, days=3, start_date=date(2026, 10, 1), fault_rate=0.05)
    database = root / "wh.duckdb"
    report = load_paths([landing], database)
    assert report.exit_code == 0, [entry.error for entry in report.failed]
    return landing, database


def test_every_generated_row_is_landed_or_quarantined(generated: tuple[Path, Path]) -> None:
    landing, database = generated
    manifest = json.loads((landing / "_manifest.json").read_text())
    expected = {
        entry["file"]: entry["rows"]
        for source in manifest["sources"].values()
        for entry in source["files"]
    }
    ledger = dict(query(database, "select path, rows_read from raw._load_ledger"))
    assert ledger == expected


def test_quarantine_matches_the_fault_manifest(generated: tuple[Path, Path]) -> None:
    landing, database = generated
    with (landing / "_faults.csv").open(newline="") as handle:
        expected = sorted(
            (row["file"], int(row["line"]))
            for row in csv.DictReader(handle)
            if row["expected_reason"] == "quarantine"
        )
    assert expected, "the generator injected no unparsable lines"
    quarantined = query(
        database, "select source_file, line_number from raw._quarantine order by all"
    )
    assert quarantined == expected


def test_a_second_load_of_generated_data_adds_nothing(generated: tuple[Path, Path]) -> None:
    landing, database = generated
    before = query(database, "select count(*) from raw.sales")
    report = load_paths([landing], database)
    assert {entry.status for entry in report.entries} == {"skipped_duplicate"}
    assert query(database, "select count(*) from raw.sales") == before
