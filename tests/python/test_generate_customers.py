"""The customers source and the personal data in events, as the generator writes them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ingest.contracts import CONTRACTS
from ingest.generate import generate


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("customers") / "landing"
    generate(out, scale=0.05, seed=5, days=6, fault_rate=0.05)
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_first_day_is_a_full_extract_later_days_hold_changes(landing: Path) -> None:
    files = sorted((landing / "customers").glob("customers_*.csv"))
    assert [path.name for path in files][0] == "customers_2026-10-01.csv"
    header = files[0].read_text().splitlines()[0].split(",")
    assert tuple(header) == CONTRACTS["customers"].column_names
    first = {row["customer_id"] for row in _rows(files[0])}
    manifest = json.loads((landing / "_manifest.json").read_text())
    assert len(first) >= manifest["universe"]["users"] - 5  # a few faulty ids at most
    later = [row for path in files[1:] for row in _rows(path)]
    assert 0 < len(later) < len(first)
    for path in files[1:]:
        day = path.stem.split("_")[1]
        stamps = [row["updated_at"] for row in _rows(path) if row["updated_at"][:4] == "2026"]
        assert stamps and all(stamp.startswith(day) for stamp in stamps)


def test_consent_flags_change_over_time_for_some_customers(landing: Path) -> None:
    versions: dict[str, set[tuple[str, str]]] = {}
    for path in sorted((landing / "customers").glob("customers_*.csv")):
        for row in _rows(path):
            flags = (row["marketing_consent"], row["do_not_sell"])
            if set(flags) <= {"true", "false"}:
                versions.setdefault(row["customer_id"], set()).add(flags)
    changed = [customer for customer, flags in versions.items() if len(flags) > 1]
    assert changed, "no customer changed a consent flag in six days"


def test_every_customers_fault_class_is_injected(landing: Path) -> None:
    manifest = json.loads((landing / "_manifest.json").read_text())
    faults = manifest["sources"]["customers"]["faults"]
    assert faults and all(count > 0 for count in faults.values()), faults


def test_events_carry_ip_user_agent_and_pasted_emails(landing: Path) -> None:
    emails = {
        row["customer_id"]: row["email"]
        for row in _rows(landing / "customers" / "customers_2026-10-01.csv")
    }
    page_views = searches_with_email = 0
    for path in (landing / "events").rglob("*.jsonl"):
        for line in path.read_text().splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue  # malformed_json faults
            data = event.get("data")
            if not isinstance(data, dict):
                continue
            if event.get("event_type") == "page_view" and "ip_address" in data:
                page_views += 1
                assert data["user_agent"].startswith("Mozilla/5.0")
            query = data.get("query", "")
            if "@" in query:
                searches_with_email += 1
                assert query == emails.get(str(event["user_id"]), query)
    assert page_views > 0 and searches_with_email > 0
