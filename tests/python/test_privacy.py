"""Privacy end to end on the suite's generated data: classification, minimisation, consent,
erasure (with suppression on reload and the verify scan), access export and retention.

Tests that change a warehouse work on a copy of the suite warehouse.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, SUITE_DBT_VARS, Warehouse, run_ingest

from ingest.privacy.classification import direct_in_protected_layers, unclassified

SALT = "test-salt-4f1c9a"
PERSONAL_SOURCES = ("sales", "user_behavior", "transactions", "events", "customers")


def _manifest(warehouse: Warehouse) -> dict:
    return json.loads((warehouse.target_path / "manifest.json").read_text())


def _user_in_every_source(con: duckdb.DuckDBPyConnection) -> int:
    """A user with rows in every personal source, a page view and a pasted-email search."""
    row = con.execute(
        """
        select try_cast(customer_id as bigint) as user_id from raw.customers
        intersect select try_cast(customer_id as bigint) from raw.sales
        intersect select try_cast(user_id as bigint) from raw.user_behavior
        intersect select try_cast(user_id as bigint) from raw.transactions
        intersect select try_cast(user_id as bigint) from raw.events
            where data like '%ip_address%'
        intersect select try_cast(user_id as bigint) from raw.events
            where data like '%@example.com%'
        except select null
        order by 1 limit 1
        """
    ).fetchone()
    assert row, "the suite data has no user in every source"
    return int(row[0])


# --- classification --------------------------------------------------------------------------


def test_every_column_of_every_source_and_model_is_classified(built_warehouse: Warehouse) -> None:
    with built_warehouse.connect() as con:
        rows = con.execute(
            "select lower(table_schema), lower(table_name), column_name"
            " from information_schema.columns where table_catalog = current_database()"
        ).fetchall()
    built: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        built.setdefault((schema, table), []).append(column)
    assert unclassified(_manifest(built_warehouse), built) == []


def test_classification_check_finds_missing_invalid_and_undeclared_columns() -> None:
    manifest = {
        "metadata": {"project_name": "p"},
        "nodes": {
            "model.p.m": {
                "unique_id": "model.p.m",
                "resource_type": "model",
                "package_name": "p",
                "name": "m",
                "schema": "marts",
                "columns": {
                    "a": {"meta": {"pii": "none"}},
                    "b": {"meta": {}},
                    "c": {"config": {"meta": {"pii": "secret"}}},
                    "d": {"config": {"meta": {"pii": "pseudonymous"}}},
                },
            }
        },
        "sources": {},
    }
    assert unclassified(manifest, {("marts", "m"): ["a", "b", "c", "d", "e"]}) == [
        "model.p.m.b",
        "model.p.m.c",
        "model.p.m.e (not declared in yml)",
    ]


def test_no_direct_identifier_in_features_or_marts(built_warehouse: Warehouse) -> None:
    manifest = _manifest(built_warehouse)
    assert direct_in_protected_layers(manifest) == []
    # The check bites: staging does hold direct columns, and one in marts is reported.
    staging = [node for node in manifest["nodes"].values() if node.get("name") == "stg_customers"][
        0
    ]
    assert staging["columns"]["email"]["meta"]["pii"] == "direct"
    planted = json.loads(json.dumps(manifest))
    node = next(
        node for node in planted["nodes"].values() if node.get("name") == "customer_summary"
    )
    node["columns"]["customer_id"]["meta"] = {"pii": "direct"}
    assert direct_in_protected_layers(planted) == [f"{node['unique_id']}.customer_id"]


# --- minimisation and consent ---------------------------------------------------------------


def test_staging_truncates_ip_addresses_and_masks_emails(built_warehouse: Warehouse) -> None:
    with built_warehouse.connect() as con:
        raw_ips, raw_emails = con.execute(
            "select count(*) filter (where data like '%ip_address%'),"
            " count(*) filter (where data like '%@example.com%') from raw.events"
        ).fetchone()
        assert raw_ips > 0 and raw_emails > 0  # the generator lands personal data
        networks, full, masked, leaked = con.execute(
            """
            select
                count(*) filter (where json_extract_string(data, '$.ip_address') is not null),
                count(*) filter (where regexp_matches(
                    json_extract_string(data, '$.ip_address'), '[.][1-9][0-9]*$')),
                count(*) filter (where search_query like '%[email]%'),
                count(*) filter (where cast(data as varchar) like '%@%'
                    or search_query like '%@%')
            from staging.stg_events
            """
        ).fetchone()
    assert networks > 0 and full == 0
    assert masked > 0 and leaked == 0


def test_opted_out_customers_get_no_recommendations_or_scores(
    built_warehouse: Warehouse,
) -> None:
    with built_warehouse.connect() as con:
        suppressed = {
            row[0]
            for row in con.execute(
                "select customer_id from intermediate.int_customers_consent_as_of"
                " where is_suppressed"
            ).fetchall()
        }
        recommended = {
            r[0]
            for r in con.execute("select user_id from marts.product_recommendations").fetchall()
        }
        scored = {
            r[0] for r in con.execute("select user_id from marts.purchase_propensity").fetchall()
        }
        buyers = {
            r[0] for r in con.execute("select customer_id from marts.customer_summary").fetchall()
        }
    assert suppressed
    assert not suppressed & recommended
    assert not suppressed & scored
    assert suppressed & buyers  # aggregates still count them


# --- erasure ---------------------------------------------------------------------------------


def _subset_files(con: duckdb.DuckDBPyConnection, landing: Path, out: Path, user_id: int) -> dict:
    """Per personal source, a new landing file (new content, so the loader does not skip it)
    with the user's landed rows plus one row of someone else: what a replay would bring."""
    expected: dict[str, int] = {}
    for source in PERSONAL_SOURCES:
        column = "customer_id" if source in ("sales", "customers") else "user_id"
        path = con.execute(
            f"select min(_source_file) from raw.{source} where trim({column}) = ?",
            [str(user_id)],
        ).fetchone()[0]
        original = landing / path
        target = out / source / f"replay_{Path(path).name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        if source == "transactions":
            con.execute(
                "copy (select * from (select * from read_parquet(?) where user_id = ?"
                " union all (select * from read_parquet(?) where user_id <> ? limit 1)))"
                " to '" + str(target).replace("'", "''") + "' (format parquet)",
                [str(original), user_id, str(original), user_id],
            )
            mine = con.execute(
                "select count(*) from read_parquet(?) where user_id = ?", [str(original), user_id]
            ).fetchone()[0]
        else:
            lines = original.read_text().splitlines()
            header = [lines[0]] if original.suffix == ".csv" else []
            body = lines[1:] if header else lines
            if header:  # well-formed lines only: the generator's faults include short lines
                body = [line for line in body if line.count(",") == header[0].count(",")]
            token = f",{user_id}," if source != "events" else f'"user_id":{user_id},'
            if source in ("sales", "customers"):
                is_mine = [
                    line.split(",")[4 if source == "sales" else 0] == str(user_id) for line in body
                ]
            elif source == "user_behavior":
                is_mine = [line.split(",")[0] == str(user_id) for line in body]
            else:
                is_mine = [token in line for line in body]
            mine_lines = [line for line, flag in zip(body, is_mine, strict=True) if flag]
            other = next(line for line, flag in zip(body, is_mine, strict=True) if not flag)
            target.write_text("\n".join([*header, *mine_lines, other]) + "\n")
            mine = len(mine_lines)
        expected[source] = mine
    return expected


@pytest.mark.slow
def test_erase_build_verify_and_reload_keeps_the_person_erased(
    built_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = built_warehouse.copy_to(tmp_path / "warehouse").database
    with duckdb.connect(str(database)) as con:
        user_id = _user_in_every_source(con)
        email = con.execute(
            "select lower(trim(email)) from raw.customers where trim(customer_id) = ? limit 1",
            [str(user_id)],
        ).fetchone()[0]

    # Without the salt: a one-line usage error, nothing deleted.
    monkeypatch.delenv("INGEST_ERASURE_SALT", raising=False)
    refused = run_ingest(
        "erase", "--user-id", str(user_id), "--database", str(database), check=False
    )
    assert refused.returncode == 2
    assert refused.stderr.strip().count("\n") == 0 and "INGEST_ERASURE_SALT" in refused.stderr

    before = run_ingest("erase", "--verify", str(user_id), "--database", str(database), check=False)
    assert before.returncode == 1 and "hit: raw.customers.email" in before.stdout

    # A Parquet raw lake beside the warehouse (the layout of `ingest export-lake`).
    lake = tmp_path / "lake"
    lake.mkdir()
    with duckdb.connect(str(database)) as con:
        for source in PERSONAL_SOURCES:
            target_dir = str(lake / source).replace("'", "''")
            con.execute(
                f"copy (select * from raw.{source}) to '{target_dir}'"
                " (format parquet, partition_by (_batch_id))"
            )
        lake_rows = con.execute("select count(*) from raw.events").fetchone()[0]

    monkeypatch.setenv("INGEST_ERASURE_SALT", SALT)
    erased = run_ingest(
        "erase",
        "--user-id",
        str(user_id),
        "--reason",
        f"ticket for {user_id} / {email}",
        "--database",
        str(database),
        "--lake",
        str(lake),
    )
    assert "from lake:events/_batch_id=" in erased.stdout
    with duckdb.connect() as con:
        left = con.execute(
            "select count(*) from read_parquet(?)", [str(lake / "events" / "**" / "*.parquet")]
        ).fetchone()[0]
    assert 0 < left < lake_rows
    assert "deleted" in erased.stdout
    for source in PERSONAL_SOURCES:
        assert f"from raw.{source}" in erased.stdout
    with duckdb.connect(str(database)) as con:
        registry = con.execute(
            "select subject_hash, reason, cast(email_hashes as varchar) from raw._erasure_registry"
        ).fetchall()
    assert len(registry) == 1
    assert str(user_id) not in "".join(map(str, registry[0])) and email not in registry[0][1]

    # Rebuild everything derived (models and snapshot; tests ran in the suite build).
    target = tmp_path / "target"
    shutil.copytree(built_warehouse.target_path, target, ignore=shutil.ignore_patterns("logs"))
    # A dbt subprocess, as a user runs it: dbt in this process would keep the file locked
    # against the ingest subprocesses below.
    build = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--vars",
            SUITE_DBT_VARS,
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
        ],
        # From the warehouse's folder, by its bare name: the suite build's profile, so the
        # copied parse state serves (see conftest.run_dbt).
        cwd=database.parent,
        env={**os.environ, "DUCKDB_PATH": database.name},
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout[-3000:]
    after = run_ingest(
        "erase",
        "--verify",
        str(user_id),
        "--database",
        str(database),
        "--lake",
        str(lake),
        check=False,
    )
    assert after.returncode == 0, after.stdout + after.stderr
    assert after.stdout.strip().endswith("(checked the id and 1 email value(s)/hash(es))")
    assert after.stdout.startswith("0 column(s) mention")

    # Re-run: harmless.
    again = run_ingest("erase", "--user-id", str(user_id), "--database", str(database))
    assert "0 row(s) deleted (already erased before: re-run)" in again.stdout

    # Reloading the same landing files adds nothing (skipped by content hash) ...
    run_ingest("load", str(built_warehouse.landing), "--database", str(database))
    # ... and a replay with new files holding the person's rows suppresses them.
    replay = tmp_path / "replay"
    with built_warehouse.connect() as con:  # the suite warehouse still has the person
        expected = _subset_files(con, built_warehouse.landing, replay, user_id)
    loaded = run_ingest("load", str(replay), "--database", str(database))
    assert f"suppressed {sum(expected.values())} row(s)" in loaded.stdout
    with duckdb.connect(str(database)) as con:
        ledger = dict(
            con.execute(
                "select source, list_value(rows_read, rows_loaded, rows_quarantined,"
                " rows_suppressed) from raw._load_ledger where path like '%replay_%'"
            ).fetchall()
        )
    for source, mine in expected.items():
        read, loaded_rows, quarantined, suppressed = ledger[source]
        assert (loaded_rows, suppressed) == (1, mine)
        assert read == loaded_rows + quarantined + suppressed
    final = run_ingest("erase", "--verify", str(user_id), "--database", str(database))
    assert final.stdout.startswith("0 column(s) mention")

    # A load without the salt into a warehouse with erasures: refused, nothing loaded.
    monkeypatch.delenv("INGEST_ERASURE_SALT")
    blocked = run_ingest("load", str(replay), "--database", str(database), check=False)
    assert blocked.returncode == 2 and "INGEST_ERASURE_SALT" in blocked.stderr


# --- access and retention --------------------------------------------------------------------


def test_export_user_returns_rows_from_every_source_and_model_layer(
    built_warehouse: Warehouse, tmp_path: Path
) -> None:
    database = built_warehouse.copy_to(tmp_path / "warehouse").database
    with duckdb.connect(str(database)) as con:
        user_id = _user_in_every_source(con)
    out = tmp_path / "user.json"
    run_ingest(
        "export-user", "--user-id", str(user_id), "--out", str(out), "--database", str(database)
    )
    document = json.loads(out.read_text())
    assert document["user_id"] == user_id
    for source in PERSONAL_SOURCES:
        assert document["sources"][source], source
    customer = document["sources"]["customers"][0]
    assert customer["customer_id"] == str(user_id) and "@" in customer["email"]
    schemas = {name.split(".")[0] for name in document["models"]}
    assert {"staging", "features", "marts"} <= schemas
    assert "marts.user_value_segments" in document["models"]
    missing = run_ingest(
        "export-user",
        "--user-id",
        "x1",
        "--out",
        str(out),
        "--database",
        str(database),
        check=False,
    )
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1


def test_purge_expired_deletes_old_raw_rows_and_records_them(
    built_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = built_warehouse.copy_to(tmp_path / "warehouse").database
    nothing = run_ingest("purge-expired", "--database", str(database))
    assert "nothing purged" in nothing.stderr
    with duckdb.connect(str(database)) as con:
        old_events, total_sales = con.execute(
            "select (select count(*) from raw.events"
            "  where try_cast(left(trim(timestamp), 10) as date) < date '2026-10-08'),"
            " (select count(*) from raw.sales)"
        ).fetchone()
    assert old_events > 0
    monkeypatch.setenv("INGEST_RETENTION_DAYS_EVENTS", "7")
    purged = run_ingest("purge-expired", "--today", "2026-10-15", "--database", str(database))
    assert f"events: deleted {old_events} row(s) dated before 2026-10-08" in purged.stdout
    with duckdb.connect(str(database)) as con:
        left, sales, ledger = con.execute(
            "select (select count(*) from raw.events"
            "  where try_cast(left(trim(timestamp), 10) as date) < date '2026-10-08'),"
            " (select count(*) from raw.sales),"
            " (select list(rows_removed) from raw._load_ledger where status = 'purged')"
        ).fetchone()
    assert (left, sales, ledger) == (0, total_sales, [old_events])
    monkeypatch.setenv("INGEST_RETENTION_DAYS_EVENTS", "soon")
    bad = run_ingest("purge-expired", "--database", str(database), check=False)
    assert bad.returncode == 2 and "INGEST_RETENTION_DAYS_EVENTS" in bad.stderr


def test_docs_site_shows_each_columns_classification(built_warehouse: Warehouse) -> None:
    """The docs site renders a column's meta as its Details (key `pii`, value the level);
    the manifest it is generated from carries the level on every column. No browser here:
    the site's own template and the manifest are checked (test_docs_site.py renders pages)."""
    from importlib.resources import files

    template = (files("dbt.task.docs") / "index.html").read_text(encoding="utf-8")
    assert 'ng-repeat="(k, v) in column.meta"' in template
    manifest = _manifest(built_warehouse)
    stg_customers = next(
        node for node in manifest["nodes"].values() if node.get("name") == "stg_customers"
    )
    levels = {name: column["meta"]["pii"] for name, column in stg_customers["columns"].items()}
    assert (
        levels.items()
        >= {
            "customer_id": "pseudonymous",
            "email": "direct",
            "full_name": "direct",
            "country": "none",
        }.items()
    )
