"""``xxgk panel``: wide table, duplicate rule, conflicts, typed and atomic output.

Built on synthetic output tables written with the real writers (``RunWriter``), so the panel is
tested whatever state the parser is in; ``write_demo_output`` is reused by the report, loading
and inspect tests.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from scraper.cli import main
from scraper.panel import DUPLICATE_RULE, build_panel, load_tables, run_panel
from scraper.schema import CHECKS, INDICATORS, PANEL, PANEL_CONFLICTS, REPORTS, SCHEMA_VERSION
from scraper.write import RunWriter

SPAM_TITLE = '包头市2017年<script>alert("x")</script>年报<b>娱乐</b>'


def report_row(rid: str, region: str | None, year: int | None, *, publisher: str | None = "市政府办公厅",
               template: str = "2014-national", source: str | None = None, title: str | None = None,
               n_values: int = 0, failed: int = 0, spam: int = 0, warnings: str = "") -> tuple:
    values = {
        "report_id": rid, "source": source or f"saved/{rid}.html", "source_sha256": "0" * 64,
        "title": title or f"{region}{year}年政府信息公开工作年度报告", "region": region,
        "report_year": year, "template": template, "index_no": None, "category": "年报",
        "publish_date": dt.date((year or 2017) + 1, 3, 22), "keywords": None, "publisher": publisher,
        "doc_no": None, "encoding": "gb18030", "script": "simplified", "body_text": "正文",
        "spam_links_removed": spam, "n_values": n_values, "warnings": warnings, "parser_version": "0.1.0+cat1",
        "encoding_source": "meta", "family": "trs", "n_checks_failed": failed,
    }
    return tuple(values[c.name] for c in REPORTS)


def ind_row(rid: str, row_no: int, ident: str | None, value: float | None, *, column: str | None = None,
            table_no: int = 1, path: str | None = None, unit: str = "件", text: str | None = None,
            state: str | None = None) -> tuple:
    vt = text if text is not None else ("" if value is None else f"{value:g}")
    st = state or ("blank" if value is None and not vt else "text" if value is None else "number")
    values = {
        "report_id": rid, "table_no": table_no, "table_title": None, "row_no": row_no, "indicator_id": ident,
        "row_path": path or f"一、部分 / {ident}", "label": ident or "未知行", "column": column, "unit": unit,
        "value": value, "value_text": vt, "note": None, "state": st,
    }
    return tuple(values.get(c.name) for c in INDICATORS)


def check_row(rid: str, name: str, ok: bool | None, expected: float = 10.0, actual: float = 9.0) -> tuple:
    values = {"report_id": rid, "check": name, "expected": expected, "actual": actual, "ok": ok,
              "detail": f"{expected:g} = {actual:g}", "severity": "identity"}
    return tuple(values[c.name] for c in CHECKS)


def write_demo_output(out: Path) -> Path:
    """A small run: 8 reports over 3 regions and 4 years, duplicates, both eras, errors, spam."""
    reports = [
        report_row("aaaa000000000001", "包头市", 2017, n_values=3, title=SPAM_TITLE, spam=30),
        report_row("aaaa000000000002", "包头市", 2017, n_values=2, source="http://mirror.example/bt.html"),
        report_row("aaaa000000000003", "包头市", 2018, n_values=2, failed=1),
        report_row("bbbb000000000001", "呼和浩特市", 2017, n_values=4, template="local"),
        report_row("bbbb000000000002", "呼和浩特市", 2020, n_values=2, template="2019-trial"),
        report_row("cccc000000000002", "鄂尔多斯市", 2017, n_values=1, failed=1),
        report_row("cccc000000000001", "鄂尔多斯市", 2017, n_values=1),
        report_row("dddd000000000001", None, None, n_values=1, template="unknown", warnings="no region"),
    ]
    indicators = [
        ind_row("aaaa000000000001", 1, "proactive.total", 100.0, unit="条"),
        ind_row("aaaa000000000001", 2, "requests.received", 81.0),
        ind_row("aaaa000000000001", 3, None, None, text="见附件", state="text"),
        ind_row("aaaa000000000001", 4, "requests.replies.granted", 70.0),
        ind_row("aaaa000000000002", 1, "proactive.total", 100.0, unit="条"),
        ind_row("aaaa000000000002", 2, "requests.received", 80.0),
        ind_row("aaaa000000000003", 1, "requests.received", 90.0),
        ind_row("aaaa000000000003", 2, "requests.received", 91.0, table_no=2),  # printed twice
        ind_row("bbbb000000000001", 1, "requests.received", 50.0),
        ind_row("bbbb000000000001", 2, "nm.approval_items", 7.0, column="本级"),
        ind_row("bbbb000000000001", 2, "nm.approval_items", 3.0, column="旗县"),
        ind_row("bbbb000000000001", 3, "proactive.total", None),
        ind_row("bbbb000000000002", 1, "t3.new_received.total", 12.0, column="申请人情况 / 总计",
                path="一、本年新收政府信息公开申请数量"),
        ind_row("bbbb000000000002", 2, "t3.new_received.natural_person", 10.0, column="申请人情况 / 自然人",
                path="一、本年新收政府信息公开申请数量"),
        ind_row("cccc000000000002", 1, "requests.received", 40.0),
        ind_row("cccc000000000001", 1, "requests.received", 40.0),
        ind_row("dddd000000000001", 1, "requests.received", 5.0),
    ]
    checks = [
        check_row("aaaa000000000003", "e1.received_eq_channels", False),
        check_row("aaaa000000000001", "e1.received_eq_channels", True, 81, 81),
        check_row("cccc000000000002", "e1.replies_eq_categories", False, 40, 38),
    ]
    errors = [
        ("saved/404.html", "parse", "NotAReport", "error page (404 / page not found) saved as HTML"),
        ("saved/broken.bin", "decode", "UndecodableError", "no encoding gives text <b>bold</b>"),
    ]
    w = RunWriter(out)
    w.add("reports", reports)
    w.add("indicators", indicators)
    w.add("checks", checks)
    w.add("errors", errors)
    w.close()
    return out


@pytest.fixture
def demo(tmp_path) -> Path:
    return write_demo_output(tmp_path / "output")


def _panel(demo: Path):
    return build_panel(*load_tables(demo))


def test_one_row_per_key_and_columns(demo) -> None:
    panel = _panel(demo)
    t = panel.table
    assert list(t.columns[:6]) == [c.name for c in PANEL]
    # 8 reports, 2 duplicate pairs → 6 rows; the unknown-region report is kept on its own
    assert len(t) == 6
    keys = list(zip(t.region, t.report_year))
    assert keys[:2] == [("包头市", 2017), ("包头市", 2018)]
    assert pd.isna(t.region.iloc[-1])
    assert panel.indicator_columns[:2] == ["proactive.total", "requests.received"]  # catalogue order
    assert "nm.approval_items[本级]" in t.columns and "nm.approval_items[旗县]" in t.columns
    assert "t3.new_received.total" in t.columns and "t3.new_received.natural_person" in t.columns
    row = t[t.region == "呼和浩特市"].set_index("report_year")
    assert row.loc[2017, "nm.approval_items[本级]"] == 7.0
    assert row.loc[2020, "t3.new_received.total"] == 12.0


def test_duplicate_rule_most_values_then_failed_checks_then_id(demo) -> None:
    panel = _panel(demo)
    t = panel.table.set_index(["region", "report_year"])
    assert t.loc[("包头市", 2017), "report_id"] == "aaaa000000000001"  # 3 values beat 2
    assert t.loc[("包头市", 2017), "requests.received"] == 81.0
    assert t.loc[("包头市", 2018), "requests.received"] == 90.0  # first printed value wins
    assert t.loc[("鄂尔多斯市", 2017), "report_id"] == "cccc000000000001"  # fewer failed checks
    c = panel.conflicts
    assert list(c.columns) == [x.name for x in PANEL_CONFLICTS]
    bt = c[c.region == "包头市"]
    assert set(bt.dropped_report_id) == {"aaaa000000000002"}
    diff = bt.set_index("indicator")
    assert diff.loc["requests.received", "kept_value"] == 81.0
    assert diff.loc["requests.received", "dropped_value"] == 80.0
    assert "proactive.total" not in diff.index  # equal values are not conflicts
    assert pd.isna(diff.loc["requests.replies.granted", "dropped_value"])
    assert bt.reason.iloc[0] == "more values (3 > 2)"
    ed = c[c.region == "鄂尔多斯市"]
    assert len(ed) == 1 and pd.isna(ed.indicator.iloc[0])  # all values agree: listed once
    assert "fewer failed checks" in ed.reason.iloc[0]


def test_tie_breaks_on_smallest_report_id(tmp_path) -> None:
    out = tmp_path / "o"
    w = RunWriter(out)
    w.add("reports", [report_row("ff01", "甲市", 2019), report_row("ee01", "甲市", 2019)])
    w.add("indicators", [ind_row("ff01", 1, "requests.received", 1.0), ind_row("ee01", 1, "requests.received", 2.0)])
    w.close()
    panel = build_panel(*load_tables(out))
    assert panel.table.report_id.tolist() == ["ee01"]
    assert panel.conflicts.reason.iloc[0].endswith("smaller report_id")


def test_files_are_typed_described_and_deterministic(demo, tmp_path) -> None:
    out = tmp_path / "panel"
    run_panel(demo, out)
    first = {p: (out / p).read_bytes() for p in ("panel.parquet", "panel.csv", "panel_conflicts.csv")}
    run_panel(demo, out)
    assert first == {p: (out / p).read_bytes() for p in first}
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left
    table = pq.read_table(out / "panel.parquet")
    schema = table.schema
    assert str(schema.field("report_year").type) == "int16"
    assert str(schema.field("template").type).startswith("dictionary")
    assert str(schema.field("requests.received").type) == "double"
    assert schema.field("requests.received").metadata[b"description"].decode().startswith("一、部分")
    assert schema.metadata[b"xxgk.schema_version"].decode() == SCHEMA_VERSION
    assert schema.metadata[b"xxgk.duplicate_rule"].decode() == DUPLICATE_RULE
    raw = (out / "panel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader((out / "panel.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0]["region"] == "包头市" and rows[0]["requests.received"] == "81"
    assert rows[0]["report_year"] == "2017"
    conflicts = (out / "panel_conflicts.csv").read_text(encoding="utf-8-sig")
    assert conflicts.splitlines()[0] == ",".join(c.name for c in PANEL_CONFLICTS)


def test_cli_panel(demo, tmp_path, capsys) -> None:
    out = tmp_path / "p"
    assert main(["panel", "--in", str(demo), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "6 rows" in err and "panel_conflicts.csv" in err
    assert (out / "panel.parquet").is_file()


def test_cli_panel_without_inputs_is_a_usage_error(tmp_path, capsys) -> None:
    assert main(["panel", "--in", str(tmp_path / "nothing")]) == 2
    assert "xxgk parse" in capsys.readouterr().err


def test_empty_run(tmp_path) -> None:
    out = tmp_path / "o"
    RunWriter(out).close()
    panel, paths = run_panel(out, out)
    assert len(panel.table) == 0 and all(p.is_file() for p in paths)
