"""The loader's guarantees, each on tiny hand-written files (no generator needed)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from ingest_fixtures import SALES_HEADER, count, query, write

from ingest.discover import discover
from ingest.errors import PathNotFoundError, UnknownSourceError
from ingest.load import load_paths


def ledger(database: Path) -> dict[str, tuple]:
    rows = query(
        database,
        "select path, status, rows_read, rows_loaded, rows_quarantined, error"
        " from raw._load_ledger order by started_at",
    )
    return {row[0]: row[1:] for row in rows}


# --- faithful text and lineage -------------------------------------------------------------


def test_csv_values_are_kept_as_the_text_of_the_file(landing: Path, database: Path) -> None:
    write(landing / "sales" / "sales_2026-10-01.csv", f"{SALES_HEADER}\n2026-10-01,007,1e3,,05\n")
    report = load_paths([landing], database)
    assert report.exit_code == 0
    rows = query(database, "select date, product_id, quantity, price, customer_id from raw.sales")
    assert rows == [("2026-10-01", "007", "1e3", None, "05")]


def test_quoted_csv_fields_are_unquoted(landing: Path, database: Path) -> None:
    header = "product_id,name,category,price,rating,updated_at"
    write(
        landing / "products" / "products_2026-10-01.csv",
        f'{header}\n1,"Widget, ""big""",home,"9.99",4.5,2026-10-01T00:00:00\n',
    )
    load_paths([landing], database)
    assert query(database, "select name, price from raw.products") == [('Widget, "big"', "9.99")]


def test_lineage_and_line_numbers_around_quarantined_lines(landing: Path, database: Path) -> None:
    lines = [
        SALES_HEADER,  # 1
        "2026-10-01,1,1,1.00,1",  # 2
        "2026-10-01,2,1,1.00,2,surplus",  # 3: wrong column count
        "",  # 4: empty line
        "2026-10-01,3,1,1.00,3",  # 5
        '2026-10-01,"4,1,1.00,4',  # 6: unbalanced quote
        "2026-10-01,5,1,1.00,5",  # 7
    ]
    content = "\n".join(lines).encode() + b"\n2026-10-01,\xff\xfe,1,1.00,6\n2026-10-01,7,1,1.00,7\n"
    write(landing / "sales" / "sales_2026-10-01.csv", content)  # 8: bad UTF-8, 9: good
    report = load_paths([landing], database)
    rows = query(database, "select product_id, _row_number, _source_file from raw.sales order by 2")
    assert rows == [
        ("1", 2, "sales/sales_2026-10-01.csv"),
        ("3", 5, "sales/sales_2026-10-01.csv"),
        ("5", 7, "sales/sales_2026-10-01.csv"),
        ("7", 9, "sales/sales_2026-10-01.csv"),
    ]
    quarantined = query(
        database, "select line_number, raw_line, reason from raw._quarantine order by 1"
    )
    assert [(line, raw) for line, raw, _ in quarantined[:4]] == [
        (3, lines[2]),
        (4, ""),
        (6, lines[5]),
        (8, "2026-10-01,??,1,1.00,6"),  # invalid bytes shown as '?' by DuckDB
    ]
    assert "expected 5 fields, found 6" in quarantined[0][2]
    assert quarantined[1][2] == "empty line"
    assert "quote" in quarantined[2][2]
    assert "encoding" in quarantined[3][2]
    assert ledger(database)["sales/sales_2026-10-01.csv"][:4] == ("loaded", 8, 4, 4)
    (batch,) = {entry.batch_id for entry in report.entries}
    assert query(database, "select distinct _batch_id from raw.sales") == [(batch,)]
    assert query(database, "select distinct _batch_id from raw._quarantine") == [(batch,)]
    assert count(database, "raw.sales", "_loaded_at is null") == 0


@pytest.mark.parametrize("compress", [False, True], ids=["csv", "csv.gz"])
def test_line_numbers_stay_right_in_a_large_file_read_in_parallel(
    landing: Path, database: Path, compress: bool
) -> None:
    """Each line carries its own number in product_id; bad lines sit in several buffers."""
    bad = {50_001: b"\xff\xfe bad encoding", 150_000: b"too,few", 299_999: b""}
    body = bytearray(SALES_HEADER.encode() + b"\n")
    for line in range(2, 300_001):
        body += bad.get(line, b"2026-10-01,%d,1,1.00,1" % line) + b"\n"
    name = "sales_2026-10-01.csv" + (".gz" if compress else "")
    write(landing / "sales" / name, bytes(body), compress=compress)
    load_paths([landing], database)
    mismatched = count(database, "raw.sales", "cast(product_id as bigint) <> _row_number")
    assert mismatched == 0
    assert count(database, "raw.sales") == 299_999 - len(bad)
    assert query(database, "select line_number from raw._quarantine order by 1") == [
        (line,) for line in sorted(bad)
    ]


# --- contracts: extra, optional and required columns ---------------------------------------


def test_unknown_csv_columns_are_kept_in_extra(landing: Path, database: Path) -> None:
    write(
        landing / "sales" / "sales_2026-10-01.csv",
        f"{SALES_HEADER},coupon,channel\n2026-10-01,1,1,1.00,1,SAVE10,\n",
    )
    report = load_paths([landing], database)
    extra = query(database, "select _extra->>'coupon', _extra->>'channel' from raw.sales")
    assert extra == [("SAVE10", None)]
    assert any("coupon, channel" in warning for warning in report.warnings)


def test_reordered_columns_are_matched_by_name(landing: Path, database: Path) -> None:
    write(
        landing / "sales" / "sales_2026-10-01.csv",
        "price,customer_id,date,quantity,product_id\n1.50,9,2026-10-01,2,7\n",
    )
    load_paths([landing], database)
    rows = query(database, "select date, product_id, quantity, price, customer_id from raw.sales")
    assert rows == [("2026-10-01", "7", "2", "1.50", "9")]


def test_missing_optional_column_is_null(landing: Path, database: Path) -> None:
    write(
        landing / "products" / "products_2026-10-01.csv",
        "product_id,category,price,rating\n1,home,9.99,4.5\n",
    )
    report = load_paths([landing], database)
    assert report.exit_code == 0
    assert query(database, "select name, updated_at, category from raw.products") == [
        (None, None, "home")
    ]


def test_missing_required_column_rejects_the_whole_file(landing: Path, database: Path) -> None:
    write(
        landing / "sales" / "sales_2026-10-02.csv",
        "date,product_id,quantity,customer_id\n2026-10-02,1,1,1\n2026-10-02,1,1,1,1\n",
    )
    write(landing / "sales" / "sales_2026-10-01.csv", f"{SALES_HEADER}\n2026-10-01,1,1,1.00,1\n")
    report = load_paths([landing], database)
    assert report.exit_code == 1
    status, *_, error = ledger(database)["sales/sales_2026-10-02.csv"]
    assert status == "failed"
    assert error == "sales/sales_2026-10-02.csv: missing required column 'price'"
    assert count(database, "raw.sales", "_source_file = ?", ["sales/sales_2026-10-02.csv"]) == 0
    assert count(database, "raw._quarantine") == 0
    assert count(database, "raw.sales", "_source_file = ?", ["sales/sales_2026-10-01.csv"]) == 1


# --- idempotency -----------------------------------------------------------------------------


def test_loading_the_same_folder_twice_adds_nothing(landing: Path, database: Path) -> None:
    write(landing / "sales" / "sales_2026-10-01.csv", f"{SALES_HEADER}\n2026-10-01,1,1,1.00,1\nx\n")
    event = '{"user_id": 1, "event_type": "click", "timestamp": "t"}\n'
    write(landing / "events" / "2026-10-01" / "events_2026-10-01T00.jsonl", event)
    write(landing / "_manifest.json", "{}")
    first = load_paths([landing], database)
    before = (count(database, "raw.sales"), count(database, "raw._quarantine"))
    second = load_paths([landing], database, publish_every_rows=1)
    assert before == (1, 1)
    assert (count(database, "raw.sales"), count(database, "raw._quarantine")) == before
    assert count(database, "raw.events") == 1
    assert {entry.status for entry in first.entries} == {"loaded"}
    assert [entry.status for entry in second.entries] == ["skipped_duplicate"] * 2
    assert second.exit_code == 0


def test_same_content_under_a_new_name_is_skipped(landing: Path, database: Path) -> None:
    content = f"{SALES_HEADER}\n2026-10-01,1,1,1.00,1\n"
    write(landing / "sales" / "sales_2026-10-01.csv", content)
    write(landing / "sales" / "sales_copy.csv", content)
    report = load_paths([landing], database)
    assert [entry.status for entry in report.entries] == ["loaded", "skipped_duplicate"]
    assert report.entries[1].error == "same content as sales/sales_2026-10-01.csv"
    assert count(database, "raw.sales") == 1


def test_same_content_in_another_source_is_loaded(landing: Path, database: Path) -> None:
    write(
        landing / "events" / "events_a.jsonl",
        '{"user_id": 1, "event_type": "x", "timestamp": "t"}\n',
    )
    load_paths([landing / "events"], database)
    write(
        landing / "events" / "events_b.jsonl",
        '{"user_id": 2, "event_type": "x", "timestamp": "t"}\n',
    )
    load_paths([landing / "events"], database)
    assert count(database, "raw.events") == 2


# --- atomicity and bad inputs ------------------------------------------------------------------


def test_failure_mid_file_leaves_no_rows_and_the_others_load(landing: Path, database: Path) -> None:
    good = write(
        landing / "sales" / "sales_2026-10-01.csv", f"{SALES_HEADER}\n2026-10-01,1,1,1,1\n"
    )
    body = SALES_HEADER + "\n" + "".join(f"2026-10-02,{i},1,1.00,{i}\n" for i in range(200_000))
    compressed = gzip.compress(body.encode(), compresslevel=1, mtime=0)
    # The first blocks decompress fine; the stream is cut off far into the file.
    write(landing / "sales" / "sales_2026-10-02.csv.gz", compressed[: len(compressed) * 2 // 3])
    report = load_paths([landing], database)
    assert report.exit_code == 1
    assert [(e.path, e.status) for e in report.entries] == [
        ("sales/sales_2026-10-01.csv", "loaded"),
        ("sales/sales_2026-10-02.csv.gz", "failed"),
    ]
    assert count(database, "raw.sales", "_source_file like ?", ["%10-02%"]) == 0
    assert count(database, "raw._quarantine") == 0
    assert count(database, "raw.sales") == 1
    assert good.exists()


BAD_FILES: list[tuple[str, str, bytes, str]] = [
    ("empty", "sales/sales_empty.csv", b"", "file is empty"),
    ("header_only", "sales/sales_header.csv", SALES_HEADER.encode() + b"\n", "header only"),
    ("binary", "sales/sales_bin.csv", bytes(range(256)) * 8, "binary data"),
    ("not_gzip", "sales/sales_fake.csv.gz", b"date,product_id\n1,2\n", "not a gzip file"),
    ("truncated_gzip", "sales/sales_cut.csv.gz", gzip.compress(b"date\n" * 5000)[:40], "gzip"),
    ("garbage_parquet", "transactions/transactions_x.parquet", b"PAR1garbage", "transactions_x"),
    ("not_parquet", "transactions/transactions_y.parquet", b"id,amount\n1,2\n", "Parquet"),
    ("empty_jsonl", "events/events_empty.jsonl", b"", "file is empty"),
    ("missing_key", "events/events_k.jsonl", b'{"user_id": 1, "timestamp": "t"}\n', "'event_type'"),
    ("wrong_suffix", "sales/notes.txt", b"hello\n", "not a sales file"),
]


@pytest.mark.parametrize(
    ("name", "relative", "content", "message"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_bad_file_fails_alone_with_a_one_line_error(
    landing: Path, database: Path, name: str, relative: str, content: bytes, message: str
) -> None:
    write(landing / relative, content)
    write(landing / "sales" / "sales_ok.csv", f"{SALES_HEADER}\n2026-10-01,1,1,1.00,1\n")
    report = load_paths([landing], database)
    failed = report.failed
    assert [entry.path for entry in failed] == [relative], name
    error = failed[0].error or ""
    assert error.startswith(relative + ": ")
    assert message in error
    assert "\n" not in error
    assert ledger(database)[relative][0] == "failed"
    assert count(database, "raw.sales") == 1
    assert count(database, "raw._quarantine") == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied_is_a_file_error(landing: Path, database: Path) -> None:
    path = write(landing / "sales" / "sales_2026-10-01.csv", f"{SALES_HEADER}\n1,1,1,1,1\n")
    path.chmod(0)
    try:
        report = load_paths([landing], database)
    finally:
        path.chmod(0o644)
    assert report.failed[0].error == "sales/sales_2026-10-01.csv: permission denied"


# --- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_values_extra_keys_and_quarantine(landing: Path, database: Path) -> None:
    lines = [
        b'{"user_id": 7, "event_type": "purchase", "timestamp": "2026-10-01T10:00:00+02:00",'
        b' "data": {"amount": 12.5, "product_id": 3}, "session": "s1"}',
        b'{"user_id": "007", "event_type": null, "timestamp": "t"}',
        b'{"user_id": 1, "event_type": "click"',  # malformed
        b"[1, 2, 3]",  # valid JSON, not an object
        b'{"user_id": "\xff\xfe", "event_type": "click", "timestamp": "t"}',  # bad encoding
        b'{"user_id": 2, "event_type": "search", "timestamp": "t", "data": "oops"}',
    ]
    write(landing / "events" / "2026-10-01" / "events_2026-10-01T10.jsonl", b"\n".join(lines))
    report = load_paths([landing], database)
    rows = query(
        database,
        "select user_id, event_type, timestamp, data, _extra->>'session', _row_number"
        " from raw.events order by _row_number",
    )
    assert rows == [
        ("7", "purchase", "2026-10-01T10:00:00+02:00", '{"amount":12.5,"product_id":3}', "s1", 1),
        ("007", None, "t", None, None, 2),
        ("2", "search", "t", "oops", None, 6),
    ]
    quarantined = query(
        database, "select line_number, raw_line, reason from raw._quarantine order by 1"
    )
    assert [(line, reason.split(":")[0]) for line, _, reason in quarantined] == [
        (3, "malformed JSON"),
        (4, "not a JSON object"),
        (5, "invalid encoding"),
    ]
    assert quarantined[0][1] == lines[2].decode()
    assert quarantined[1][1] == "[1, 2, 3]"
    entry = ledger(database)["events/2026-10-01/events_2026-10-01T10.jsonl"]
    assert entry[:4] == ("loaded", 6, 3, 3)
    assert any("session" in warning for warning in report.warnings)


def test_every_jsonl_rule_in_one_file_gives_each_line_its_own_verdict(
    landing: Path, database: Path
) -> None:
    # One line per rule, in one file: the check pass, the quarantine from its record and the
    # rows extracted from the other lines must agree line by line.
    lines = [
        b'  {"user_id": 1, "event_type": "click", "timestamp": "t"}',  # object after blanks
        b"   ",  # blank
        b'"just a string"',  # valid JSON, not an object
        b'{"user_id": 2, "event_type": "click", "timestamp": "t", "user_id": 3}',  # repeated key
        b'{"user_id": 4, "event_type": "view", "timestamp": "t", "ref": "mail"}',  # extra key
        b"{}",  # an object without keys: a row of nulls, like any missing value
    ]
    write(landing / "events" / "events_2026-10-01T11.jsonl", b"\n".join(lines) + b"\n")
    report = load_paths([landing], database)
    rows = query(
        database,
        "select _row_number, user_id, _extra->>'ref' from raw.events order by _row_number",
    )
    assert rows == [(1, "1", None), (5, "4", "mail"), (6, None, None)]
    quarantined = query(database, "select line_number, reason from raw._quarantine order by 1")
    assert quarantined == [
        (2, "empty line"),
        (3, "not a JSON object"),
        (4, "duplicate_key"),
    ]
    assert ledger(database)["events/events_2026-10-01T11.jsonl"][:4] == ("loaded", 6, 3, 3)
    assert any("ref" in warning for warning in report.warnings)


def test_a_kafka_message_gets_the_verdict_of_the_same_file_line(
    landing: Path, database: Path, tmp_path: Path
) -> None:
    # The stream lands messages with the file loader's rules (ingest.readers), plus a
    # required-key check of its own: the same texts get the same reasons and the same rows.
    from datetime import datetime

    import duckdb

    from ingest.stream.land import MessageBatch, land_kafka_batch

    texts = [
        b'  {"user_id": 1, "event_type": "click", "timestamp": "t"}',
        b"   ",
        b"not json",
        b'"just a string"',
        b'{"user_id": 2, "event_type": "click", "timestamp": "t", "user_id": 3}',
        b'{"user_id": 4, "event_type": "view", "timestamp": "t", "ref": "mail"}',
        b'{"event_type": "view", "timestamp": "t"}',
    ]
    write(landing / "events" / "events_2026-10-01T11.jsonl", b"\n".join(texts) + b"\n")
    load_paths([landing], database)
    batch = MessageBatch()
    for offset, text in enumerate(texts, start=1):
        batch.add(0, offset, text, 0)
    streamed = tmp_path / "stream.duckdb"
    with duckdb.connect(str(streamed)) as con:
        land_kafka_batch(
            con,
            batch,
            group="g",
            topic="t",
            batch_id="b",
            loaded_at=datetime(2026, 10, 1, 12),
            lag_messages=None,
        )
    rows = "select _row_number, user_id, event_type, _extra from raw.events order by 1"
    reasons = "select line_number, reason from raw._quarantine order by 1"
    assert query(streamed, reasons) == [
        (2, "empty message"),
        (3, "malformed JSON"),
        (4, "not a JSON object"),
        (5, "duplicate_key"),
        (7, "missing required key user_id"),
    ]
    assert query(database, reasons) == [
        (2, "empty line"),
        (3, "malformed JSON"),
        (4, "not a JSON object"),
        (5, "duplicate_key"),
    ]
    # A file line missing a key lands (staging rejects it); the message was quarantined.
    assert query(streamed, rows) == query(database, rows + " limit 2")
    assert query(database, rows)[2] == (7, None, "view", None)


def test_jsonl_gz_loads(landing: Path, database: Path) -> None:
    write(
        landing / "events" / "events_2026-10-01T00.jsonl.gz",
        '{"user_id": 1, "event_type": "click", "timestamp": "t"}\n',
        compress=True,
    )
    assert load_paths([landing], database).exit_code == 0
    assert query(database, "select user_id, _row_number from raw.events") == [("1", 1)]


# --- Parquet ------------------------------------------------------------------------------------


def test_parquet_values_are_text_with_row_index_and_extra(landing: Path, database: Path) -> None:
    import duckdb

    path = landing / "transactions" / "transactions_2026-10-01.parquet"
    path.parent.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(
            "copy (select * from (values"
            " (10::bigint, 1::bigint, 19.90::decimal(18, 2), timestamp '2026-10-01 12:00:00',"
            " 'web'),"
            " (11, 2, 5.00, timestamp '2026-10-01 13:30:00', 'app'))"
            " as t(transaction_id, user_id, amount, timestamp, channel)) to ? (format parquet)",
            [str(path)],
        )
    load_paths([landing], database)
    rows = query(
        database,
        "select transaction_id, amount, timestamp, _extra->>'channel', _row_number"
        " from raw.transactions order by _row_number",
    )
    assert rows == [
        ("10", "19.90", "2026-10-01 12:00:00", "web", 1),
        ("11", "5.00", "2026-10-01 13:30:00", "app", 2),
    ]


# --- safety and discovery -----------------------------------------------------------------------


def test_file_names_that_look_like_sql_load_correctly(landing: Path, database: Path) -> None:
    name = "sales_it's;drop table raw.sales;--\".csv"
    write(landing / "sales" / name, f"{SALES_HEADER}\n2026-10-01,1,1,1.00,1\n")
    report = load_paths([landing / "sales" / name], database)
    assert report.exit_code == 0
    assert query(database, "select _source_file from raw.sales") == [(f"sales/{name}",)]
    assert ledger(database)[f"sales/{name}"][0] == "loaded"


def test_discover_accepts_root_source_folder_nested_folder_and_file(landing: Path) -> None:
    write(landing / "_manifest.json", "{}")
    write(landing / "_faults.csv", "source,file\n")
    event = write(landing / "events" / "2026-10-01" / "events_2026-10-01T00.jsonl", "{}\n")
    write(landing / "sales" / "sales_2026-10-01.csv", "x\n")
    from_root = [(item.source, item.source_file) for item in discover([landing])]
    assert from_root == [
        ("events", "events/2026-10-01/events_2026-10-01T00.jsonl"),
        ("sales", "sales/sales_2026-10-01.csv"),
    ]
    nested = discover([landing / "events" / "2026-10-01"])
    assert [item.source_file for item in nested] == [from_root[0][1]]
    assert [item.source_file for item in discover([event])] == [from_root[0][1]]


def test_unknown_source_folder_and_missing_path_are_usage_errors(landing: Path) -> None:
    write(landing / "refunds" / "refunds.csv", "x\n")
    with pytest.raises(UnknownSourceError, match="unknown source folder 'refunds'"):
        discover([landing])
    with pytest.raises(UnknownSourceError, match="not inside a source folder"):
        discover([landing / "refunds" / "refunds.csv"])
    with pytest.raises(PathNotFoundError):
        discover([landing / "nope"])


def test_rows_read_is_loaded_plus_quarantined_in_every_ledger_row(
    landing: Path, database: Path
) -> None:
    write(landing / "sales" / "a.csv", f"{SALES_HEADER}\n1,1,1,1,1\nbad\n\n1,1,1,1,1\n")
    write(landing / "events" / "e.jsonl", '{"user_id":1,"event_type":"x","timestamp":"t"}\n{\n')
    write(landing / "sales" / "b.csv", "")
    load_paths([landing], database)
    assert count(database, "raw._load_ledger") == 3
    assert count(database, "raw._load_ledger", "rows_read <> rows_loaded + rows_quarantined") == 0
    total_read = query(database, "select sum(rows_read) from raw._load_ledger")[0][0]
    landed = count(database, "raw.sales") + count(database, "raw.events")
    assert total_read == landed + count(database, "raw._quarantine") == 6


def test_crlf_bom_missing_final_newline_and_reserved_bytes(landing: Path, database: Path) -> None:
    content = (
        b"\xef\xbb\xbf" + SALES_HEADER.encode() + b"\r\n"
        b"2026-10-01,1,1,1.00,1\r\n"
        b"2026-10-01,2,1,1.00,2\x1e\x1f\x1e\x1fx\r\n"
        b"2026-10-01,3,1,1.00,3"
    )
    write(landing / "sales" / "sales_2026-10-01.csv", content)
    load_paths([landing], database)
    rows = query(database, "select customer_id, _row_number from raw.sales order by 2")
    assert rows == [("1", 2), ("3", 4)]
    quarantined = query(database, "select line_number, raw_line, reason from raw._quarantine")
    assert quarantined == [
        (
            3,
            "2026-10-01,2,1,1.00,2\x1e\x1f\x1e\x1fx",
            "line contains the reserved byte sequence 1e 1f 1e 1f",
        ),
    ]


def test_a_file_failing_at_publish_time_does_not_stop_the_others(
    landing: Path, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write error of one file in a group: the group is retried file by file."""
    import ingest.load

    real_stage_file = ingest.load.stage_file

    def stage_file_breaking_b(con, item, ctx, lines):  # type: ignore[no-untyped-def]
        staged = real_stage_file(con, item, ctx, lines)
        if item.path.name == "b.csv" and staged.deferred is not None:
            sql, params = staged.deferred
            staged.deferred = (sql + " and error(?) is null", [*params, "disk on fire"])
        return staged

    monkeypatch.setattr(ingest.load, "stage_file", stage_file_breaking_b)
    for name in ("a.csv", "b.csv", "c.csv"):
        write(landing / "sales" / name, f"{SALES_HEADER}\n2026-10-01,{name},1,1.00,1\nbad\n")
    report = load_paths([landing], database)
    assert [(entry.path, entry.status) for entry in report.entries] == [
        ("sales/a.csv", "loaded"),
        ("sales/b.csv", "failed"),
        ("sales/c.csv", "loaded"),
    ]
    assert "disk on fire" in (report.entries[1].error or "")
    assert query(database, "select product_id from raw.sales order by 1") == [
        ("a.csv",),
        ("c.csv",),
    ]
    assert query(database, "select source_file from raw._quarantine order by 1") == [
        ("sales/a.csv",),
        ("sales/c.csv",),
    ]
    assert ledger(database)["sales/b.csv"][:4] == ("failed", 0, 0, 0)
