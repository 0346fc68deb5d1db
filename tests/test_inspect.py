"""``xxgk inspect``: readable grids, failed values, checks, spam with snippet, warnings; --json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from parsers.errors import NotAReport
from parsers.model import Check, EncodingInfo, Fact, Metadata, Report, SpamBlock, Table, Value
from scraper import inspect as insp
from scraper.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed" / "baotou-2017-mirror.txt"

try:  # the end-to-end tests need the whole parser
    from parsers import parse_report  # noqa: F401

    PARSER_ERROR = None
except ImportError as exc:  # pragma: no cover - parser modules still being written
    PARSER_ERROR = f"parser does not import yet: {exc}"


def _fact(table_no, row_no, path, value, *, column=None, state=None, raw=None, unit="件", ident="x.y", note=None):
    raw = raw if raw is not None else ("" if value is None else f"{value:g}")
    state = state or ("number" if value is not None else "blank")
    return Fact(table_no, None, row_no, tuple(path), path[-1], column, unit,
                Value(raw, state, value, None, note), ident)


def _report() -> Report:
    e1 = Table(1, "2017年度统计表", "e1", (
        _fact(1, 2, ["一、主动公开情况", "（一）主动公开政府信息数"], 54835.0, unit="条", ident="proactive.total"),
        _fact(1, 3, ["一、主动公开情况", "（一）主动公开政府信息数", "其中：主动公开规范性文件数"], 24.0,
              unit="条", ident="proactive.total.normative_docs"),
        _fact(1, 5, ["三、依申请公开情况", "（一）收到申请数"], None, state="text", raw="详见附件", ident="requests.received"),
        _fact(1, 6, ["三、依申请公开情况", "（九）自创指标"], 3.0, ident=None, note="政府热线"),
        _fact(1, 7, ["四、行政复议数量"], None, state="na", raw="—", ident="review.total"),
    ))
    cols = ["申请人情况 / 自然人", "申请人情况 / 法人或其他组织 / 商业企业", "申请人情况 / 总计"]
    t3 = Table(2, "三、收到和处理政府信息公开申请情况", "t3", tuple(
        _fact(2, r, path, v, column=c, ident=f"t3.{r}.{i}")
        for r, path in ((1, ["一、本年新收政府信息公开申请数量"]),
                        (2, ["三、本年度办理结果", "（一）予以公开"]))
        for i, (c, v) in enumerate(zip(cols, (5.0, None, 5.0)))
    ))
    return Report(
        title="包头市2017年政府信息公开工作年度报告\x1b[31m",
        region="包头市", report_year=2017, template="2014-national",
        metadata=Metadata(title="t", index_no="011536003/2018-00124", category="信息公开年报",
                          publish_date=dt.date(2018, 3, 22), publish_date_raw="2018年03月22日",
                          publisher="市人民政府办公厅", extra=(("成文单位", "市政府"),)),
        encoding=EncodingInfo("gb18030", "meta", ("http:gbk", "meta:gb2312"), True, 2, 0),
        script="traditional", body_text="正文" * 10,
        spam=(SpamBlock("after_html", ("hidden", "link_farm"), 30, "天辰娱乐 南山娱乐app 登录\n更多"),),
        spam_links_removed=30, tables=(e1, t3),
        checks=(Check("e1.received_eq_channels", 81.0, 80.0, False, "收到申请数 81 ≠ 80"),
                Check("e1.closed_eq_on_time_plus_extended", 81.0, 81.0, True, "ok"),
                Check("e1.review_eq_outcomes", None, None, None, "missing")),
        warnings=("unknown row in table 1: （九）自创指标", "encoding: declared gbk but bytes are GB18030"),
        family="trs", parser_version="0.1.0+cat1",
    )


@pytest.fixture
def fake_parse(monkeypatch):
    monkeypatch.setattr(insp, "_parse", lambda body, location: (_report(), "7bc2198bddd7dc4c"))


def test_text_summary_sections(fake_parse, tmp_path, capsys) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<html>x</html>")
    assert main(["inspect", str(page)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out  # page text cannot drive the terminal
    assert "gb18030 (chosen from: meta; http:gbk, meta:gb2312; DECLARATIONS CONFLICT; 2 U+FFFD)" in out
    assert "report_id   7bc2198bddd7dc4c" in out and "14 bytes" in out
    assert "发布日期   2018-03-22  (printed 2018年03月22日)" in out and "成文单位" in out
    # one-column table: section rows once, children indented, unit and id
    lines = out.splitlines()
    i = next(n for n, ln in enumerate(lines) if ln.strip().startswith("一、主动公开情况"))
    assert "（一）主动公开政府信息数" in lines[i + 1] and "54835" in lines[i + 1] and "proactive.total" in lines[i + 1]
    assert "其中：主动公开规范性文件数" in lines[i + 2] and lines[i + 2].startswith("        ")
    assert sum("（一）主动公开政府信息数" in ln for ln in lines) == 1  # parent not repeated
    assert "!详见附件" in out and "? (no id)" in out and "3*" in out
    # matrix: c1..cN across, legend of column paths, blank as ·
    assert "c1  c2  c3" in out.replace("   ", "  ")
    assert "c2 = 申请人情况 / 法人或其他组织 / 商业企业" in out
    assert "values that did not read as numbers: 1" in out
    assert "table 1 row 5: 三、依申请公开情况 / （一）收到申请数 = 详见附件" in out
    assert "rows without an indicator id: 1" in out
    assert "checks      3 run, 1 failed, 1 not assessable" in out
    assert "FAIL e1.received_eq_channels: 收到申请数 81 ≠ 80" in out
    assert "[after_html] hidden, link_farm (30 links): “天辰娱乐 南山娱乐app 登录 ⏎ 更多”" in out
    assert "warnings    2" in out and "encoding: declared gbk" in out


def test_wide_matrix_is_split_to_fit(fake_parse) -> None:
    cols = [f"行政诉讼 / 未经复议直接起诉 / 第{i}列" for i in range(15)]
    t4 = Table(3, None, "t4", tuple(_fact(3, 1, [""], 123456.0, column=c) for c in cols))
    view = insp.build_view(Report(None, None, None, "2021", Metadata(), EncodingInfo("utf-8", "utf8"),
                                  "simplified", "", tables=(t4,)))
    text = insp.render_text(view)
    assert all(insp._width(ln) <= insp.MAX_WIDTH for ln in text.splitlines() if "c1" in ln)
    assert "c15 = 行政诉讼 / 未经复议直接起诉 / 第14列" in text
    assert text.count("(row)") >= 2  # the one row is shown in each column group


def test_json_has_the_same_content(fake_parse, tmp_path, capsys) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"x")
    assert main(["inspect", str(page), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"page", "encoding", "report", "metadata", "tables", "failed_values", "checks",
                         "spam", "warnings", "report_id"}
    assert data["encoding"]["source"] == "meta" and data["encoding"]["conflict"] is True
    assert data["metadata"]["publish_date"] == "2018-03-22"
    t3 = data["tables"][1]
    assert t3["columns"][0] == "申请人情况 / 自然人"
    assert t3["rows"][1]["row_path"] == ["三、本年度办理结果", "（一）予以公开"]
    assert t3["rows"][0]["cells"][1]["state"] == "blank"
    assert data["failed_values"][0]["value_text"] == "详见附件"
    assert data["checks"]["failed"] == 1 and data["checks"]["items"][0]["ok"] is False
    assert data["spam"]["blocks"][0]["snippet"].startswith("天辰娱乐")
    assert len(data["warnings"]) == 2


def test_not_a_report_shows_the_reason(monkeypatch, tmp_path, capsys) -> None:
    def refuse(body, location):
        raise NotAReport("error page (404 / page not found) saved as HTML", location=location)

    monkeypatch.setattr(insp, "_parse", refuse)
    page = tmp_path / "404.html"
    page.write_bytes(b"<h1>404</h1>")
    assert main(["inspect", str(page)]) == 1
    assert "not a report: error page (404" in capsys.readouterr().out
    assert main(["inspect", str(page), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"] == "NotAReport"


def test_missing_file(tmp_path, capsys) -> None:
    assert main(["inspect", str(tmp_path / "nope.html")]) == 1
    assert "cannot read file" in capsys.readouterr().err


@pytest.mark.skipif(PARSER_ERROR is not None, reason=PARSER_ERROR or "")
def test_inspect_the_seed_page(capsys) -> None:
    assert main(["inspect", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "包头市2017年政府信息公开工作年度报告" in out
    assert "requests.received" in out and "spam" in out
    assert main(["inspect", str(SEED), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["report"]["region"] == "包头市" and data["tables"]
