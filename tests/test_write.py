"""Output files: explicit schema, CSV safety, atomic replacement."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq

from scraper.schema import REPORTS, SCHEMA_VERSION, arrow_schema
from scraper.write import RunWriter, TableSink, neutralize, sweep_temp_files


def _report_row(rid: str = "r1") -> tuple:
    values = {
        "report_id": rid, "source": "a.html", "source_sha256": "0" * 64, "title": "=cmd()",
        "region": "包头市", "report_year": 2017, "template": "2014-national", "index_no": None,
        "category": None, "publish_date": dt.date(2018, 3, 22), "keywords": None, "publisher": None,
        "doc_no": None, "encoding": "utf-8", "script": "simplified", "body_text": "正文",
        "spam_links_removed": 0, "n_values": 0, "warnings": "", "parser_version": "x",
        "encoding_source": "meta", "family": None, "n_checks_failed": 0,
    }
    return tuple(values[c.name] for c in REPORTS)


def test_neutralize() -> None:
    assert neutralize("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralize("+2") == "'+2"
    assert neutralize("-") == "'-"
    assert neutralize("@x") == "'@x"
    assert neutralize("包头") == "包头"


def test_sink_writes_typed_parquet_and_bom_csv(tmp_path) -> None:
    sink = TableSink(tmp_path, "reports")
    sink.add([_report_row()])
    sink.close()
    table = pq.read_table(tmp_path / "reports.parquet")
    assert table.schema.equals(arrow_schema("reports"), check_metadata=False)
    assert table.schema.metadata[b"xxgk.schema_version"].decode() == SCHEMA_VERSION
    assert table.column("publish_date").to_pylist() == [dt.date(2018, 3, 22)]
    assert str(table.schema.field("report_year").type) == "int16"
    raw = (tmp_path / "reports.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "'=cmd()" in text and "2018-03-22" in text


def test_nothing_replaced_until_close(tmp_path) -> None:
    (tmp_path / "reports.csv").write_text("old", encoding="utf-8")
    sink = TableSink(tmp_path, "reports")
    sink.add([_report_row()])
    sink.flush()
    assert (tmp_path / "reports.csv").read_text(encoding="utf-8") == "old"
    sink.abort()
    assert (tmp_path / "reports.csv").read_text(encoding="utf-8") == "old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_stale_temp_files_are_swept(tmp_path) -> None:
    (tmp_path / ".reports.csv.tmp-999").write_text("torn", encoding="utf-8")
    sweep_temp_files(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_empty_run_still_writes_every_file(tmp_path) -> None:
    w = RunWriter(tmp_path)
    w.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "checks.csv", "checks.parquet", "errors.csv", "indicators.csv", "indicators.parquet",
        "reports.csv", "reports.parquet",
    ]
    assert pq.read_table(tmp_path / "indicators.parquet").num_rows == 0


def test_column_formatters_match_csv_cell() -> None:
    """The per-column fast formatters write exactly what ``_csv_cell`` writes."""
    from scraper.schema import TABLES
    from scraper.write import _csv_cell, _formatter

    samples = [None, "", "包头", "=1+1", "-", "+x", "@a", "\tt", 0, 7, -3, True, False, 0.0, 1.0, -2.5,
               1e16, 3.25, dt.date(2018, 3, 22), 54835.0]
    for cols in TABLES.values():
        for col in cols:
            f = _formatter(col)
            for v in samples:
                try:
                    want = _csv_cell(v, col)
                except (TypeError, ValueError):
                    continue
                assert f(v) == want, (col.name, v)
