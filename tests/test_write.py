"""Output files: explicit schema, CSV safety, atomic replacement."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

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


def _run_generation(out, rid: str) -> None:
    w = RunWriter(out)
    w.add("reports", [_report_row(rid)])
    w.close()


def test_outputs_are_replaced_as_one_group_even_when_killed_between_renames(tmp_path, monkeypatch) -> None:
    """A kill between two renames of the final commit leaves a journal; the next writer into
    the folder finishes the renames first, so no mix of two runs' files survives."""
    import os

    from scraper import write

    _run_generation(tmp_path, "gen1")
    gen1 = {p.name: p.stat().st_ino for p in tmp_path.iterdir()}
    real_replace = os.replace
    done = 0

    def dies_after_two(src, dst):
        nonlocal done
        if str(dst).endswith((".csv", ".parquet")) and ".tmp-" not in str(dst):
            if done == 2:
                raise KeyboardInterrupt("killed between renames")
            done += 1
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", dies_after_two)
    w = RunWriter(tmp_path)
    w.add("reports", [_report_row("gen2")])
    with pytest.raises(KeyboardInterrupt):
        w.close()
    monkeypatch.setattr(write.os, "replace", real_replace)
    assert (tmp_path / ".xxgk-commit").exists()
    ids = pq.read_table(tmp_path / "reports.parquet").column("report_id").to_pylist()
    assert ids == ["gen2"]  # reports.csv and reports.parquet renamed …
    now = {p.name: p.stat().st_ino for p in tmp_path.iterdir() if not p.name.startswith(".")}
    assert sum(now[n] != gen1[n] for n in now) == 2  # … the other five are still gen1's files

    sweep_temp_files(tmp_path)  # what the next run does first
    assert not (tmp_path / ".xxgk-commit").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["checks.csv", "checks.parquet", "errors.csv", "indicators.csv", "indicators.parquet",
                     "reports.csv", "reports.parquet"]
    assert all(p.stat().st_ino != gen1[p.name] for p in tmp_path.iterdir())  # all seven are gen2's now
    assert pq.read_table(tmp_path / "reports.parquet").column("report_id").to_pylist() == ["gen2"]


def test_a_complete_run_leaves_no_journal(tmp_path) -> None:
    _run_generation(tmp_path, "a")
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
