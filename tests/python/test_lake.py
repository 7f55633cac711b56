"""`ingest export-lake`: the raw schema as partitioned Parquet, and the Spark/DuckDB comparison.

The Spark build itself runs in `make test-spark` (a JVM start is too slow for pytest); here
the lake layout, its failure modes and the table comparison of scripts/spark_vs_duckdb.py
are checked on DuckDB alone.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from conftest import PROJECT_DIR, run_ingest

from ingest.lake import EMPTY_FILE, export_lake, lake_tables


@pytest.fixture(scope="module")
def loaded(suite_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("lake") / "suite.duckdb"
    # Exit code 1: the suite's faulty files are rejected, the others load.
    run_ingest("load", str(suite_landing), "--database", str(database), check=False)
    assert database.is_file()
    return database


def test_every_raw_table_is_exported_partitioned_by_batch(loaded: Path, tmp_path: Path) -> None:
    result = run_ingest("export-lake", "--database", str(loaded), "--out", str(tmp_path / "lake"))
    assert "sales" in result.stdout
    con = duckdb.connect(str(loaded))
    for table, partition in lake_tables():
        folder = tmp_path / "lake" / table
        raw_rows = con.execute(f'select * from raw."{table}"').fetchall()
        if not raw_rows:
            assert (folder / EMPTY_FILE).is_file()
            continue
        batches = {child.name for child in folder.iterdir()}
        expected = {
            f"{partition}={batch}"
            for (batch,) in con.execute(
                f'select distinct "{partition}" from raw."{table}"'
            ).fetchall()
        }
        assert batches == expected
        # The same rows with the same values, lineage columns included.
        lake_rows = con.execute(
            f"select * exclude ({partition}), {partition} from read_parquet(?, "
            "hive_partitioning = true, hive_types_autocast = false)",
            [str(folder / "*" / "*.parquet")],
        ).fetchall()
        columns = [row[0] for row in con.execute(f'describe raw."{table}"').fetchall()]
        ordered = [c for c in columns if c != partition] + [partition]
        raw_ordered = con.execute(
            "select " + ", ".join(f'"{c}"' for c in ordered) + f' from raw."{table}"'
        ).fetchall()
        assert sorted(map(repr, lake_rows)) == sorted(map(repr, raw_ordered)), table


def test_empty_table_keeps_its_schema(loaded: Path, tmp_path: Path) -> None:
    database = tmp_path / "copy.duckdb"
    shutil.copy(loaded, database)
    with duckdb.connect(str(database)) as con:
        con.execute("delete from raw._quarantine")
    export_lake(database, tmp_path / "lake")
    names = duckdb.sql(
        "select name from parquet_schema(?) where name <> 'duckdb_schema'",
        params=[str(tmp_path / "lake" / "_quarantine" / EMPTY_FILE)],
    ).fetchall()
    assert [name for (name,) in names][:2] == ["_batch_id", "source"]


def test_re_export_replaces_the_previous_copy(loaded: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    export_lake(loaded, lake)
    stale = lake / "sales" / "_batch_id=gone"
    stale.mkdir()
    export_lake(loaded, lake)
    assert not stale.exists()
    assert not [child for child in lake.iterdir() if child.name.startswith(".")]


def test_missing_warehouse_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_ingest(
        "export-lake",
        "--database",
        str(tmp_path / "none.duckdb"),
        "--out",
        str(tmp_path),
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "does not exist" in result.stderr


def test_warehouse_without_raw_tables_writes_nothing(tmp_path: Path) -> None:
    database = tmp_path / "empty.duckdb"
    duckdb.connect(str(database)).close()
    result = run_ingest(
        "export-lake", "--database", str(database), "--out", str(tmp_path / "lake"), check=False
    )
    assert result.returncode == 2
    assert "no table raw." in result.stderr
    assert not list((tmp_path / "lake").iterdir())


def _compare_module():
    spec = importlib.util.spec_from_file_location(
        "spark_vs_duckdb", PROJECT_DIR / "scripts" / "spark_vs_duckdb.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("spark_values", "equal"),
    [
        ([1.0 + 1e-12, 2.0], True),  # floats within 1e-9
        ([1.0 + 1e-6, 2.0], False),  # floats beyond it
        ([2.0, 1.0], True),  # row order does not matter
    ],
)
def test_comparison_tolerates_float_noise_only(spark_values: list[float], equal: bool) -> None:
    compare = _compare_module().compare_tables
    con = duckdb.connect()
    duck = pa.table({"id": [1, 2], "score": [1.0, 2.0]})
    spark = pa.table({"id": [1, 2] if spark_values[0] < 1.5 else [2, 1], "score": spark_values})
    assert compare(con, "t", duck, spark).equal is equal


def test_comparison_is_exact_for_decimals_and_counts_rows() -> None:
    compare = _compare_module().compare_tables
    con = duckdb.connect()
    money = pa.decimal128(18, 2)
    duck = pa.table({"amount": pa.array([Decimal("1.00"), Decimal("2.00")], money)})
    off_by_a_cent = pa.table({"amount": pa.array([Decimal("1.00"), Decimal("2.01")], money)})
    result = compare(con, "t", duck, off_by_a_cent)
    assert not result.equal and "amount" in result.detail
    assert compare(con, "t", duck, duck).equal
    extra_row = pa.concat_tables([duck, duck.slice(0, 1)])
    assert "rows on duckdb" in compare(con, "t", duck, extra_row).detail


def test_comparison_leaves_out_the_invocation_id() -> None:
    compare = _compare_module().compare_tables
    con = duckdb.connect()
    duck = pa.table({"source_name": ["sales"], "invocation_id": ["run-a"]})
    spark = pa.table({"source_name": ["sales"], "invocation_id": ["run-b"]})
    result = compare(con, "t", duck, spark)
    assert result.equal and "not compared: invocation_id" in result.detail
