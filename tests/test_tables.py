"""Era-1 statistics tables: the seed's flattened text and real <table> grids."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest
from selectolax.lexbor import LexborHTMLParser

from parsers.catalogue import era1_catalogue
from parsers.grid import build_grid
from parsers.tables import grid_rows, rows_to_facts, text_rows

SEED = next((Path(__file__).resolve().parents[2] / "shared" / "seed").glob("*.txt"), None)
SEED_COPY = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "baotou-2017-mirror.txt"


def _seed_lines() -> list[str]:
    path = SEED_COPY if SEED_COPY.exists() else SEED
    assert path is not None
    return opencc.OpenCC("t2s").convert(path.read_text("utf-8")).splitlines()


@pytest.fixture(scope="module")
def seed_facts():
    facts, warnings = rows_to_facts(text_rows(_seed_lines()), era1_catalogue(), table_no=1, title=None)
    return facts, warnings


def _by_id(facts, ident):
    return [f for f in facts if f.indicator_id == ident]


def test_seed_every_row_maps_to_the_catalogue(seed_facts) -> None:
    facts, warnings = seed_facts
    assert warnings == []
    assert all(f.indicator_id for f in facts)
    assert len(facts) == 78  # 73 numeric cells + 5 是/否 cells left blank


def test_seed_values_and_paths(seed_facts) -> None:
    facts, _ = seed_facts
    (total,) = _by_id(facts, "proactive.total")
    assert total.value.number == 54835
    assert total.row_path == ("一、主动公开情况", "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）")
    (hotline,) = _by_id(facts, "response.channels.other")
    assert (hotline.value.number, hotline.value.note, hotline.value.raw) == (45478, "政府热线", "45478(政府热线)")
    staff = {f.indicator_id: f.value.number for f in facts if f.indicator_id.startswith("capacity.staff")}
    assert staff == {"capacity.staff": 65, "capacity.staff.full_time": 5, "capacity.staff.part_time": 60}


def test_seed_section_eleven_rows_under_both_parents(seed_facts) -> None:
    facts, _ = seed_facts
    rows = [(f.row_path[1], f.label, f.value.number) for f in facts if f.row_path[0].startswith("十一")]
    assert ("（一）盟市本级现有行政审批项目", "其中：行政许可项目", 113) in rows
    assert ("（一）盟市本级现有行政审批项目", "非行政许可审批项目", 0) in rows
    assert ("（二）已进驻政务服务中心办理行政审批项目", "其中：行政许可项目", 113) in rows
    assert ("（二）已进驻政务服务中心办理行政审批项目", "非行政许可审批项目", 0) in rows
    (built,) = _by_id(facts, "nm.service_system.county_centers_built")
    assert (built.value.number, built.unit) == (10, "个")
    assert built.value.note.startswith("昆区、青山区") and built.value.note.endswith("白云区")


def test_seed_yes_no_rows_are_blank_not_zero(seed_facts) -> None:
    facts, _ = seed_facts
    (f,) = _by_id(facts, "nm.online_service.has_online_service")
    assert (f.unit, f.value.number, f.value.raw, f.value.state) == ("是/否", None, "", "blank")


def test_seed_units_come_from_cells_then_catalogue(seed_facts) -> None:
    facts, _ = seed_facts
    units = {f.indicator_id: f.unit for f in facts}
    assert units["fees.request_fees_wan"] == "万元"
    assert units["training.trainees"] == "人次"
    assert units["requests.received"] == "件"
    assert units["response.channels.interpretation_articles"] == "篇"


WORD_TABLE = """
<table class=MsoNormalTable border=1>
<tr><td><p class=MsoNormal><span>统&nbsp;&nbsp;计&nbsp;&nbsp;指&nbsp;&nbsp;标</span></p></td><td><p>单位</p></td><td><p>统 计 数</p></td></tr>
<tr><td><p>一、主动公开情况</p></td><td>—</td><td>—</td></tr>
<tr><td><p>（一）主动公开政府信息数</p><p>（不同渠道和方式公开相同信息计1条）</p></td><td><span lang=EN-US><o:p>&nbsp;</o:p></span></td><td><span lang=EN-US>1,204</span></td></tr>
<tr><td>&nbsp;&nbsp;其中：主动公开规范性文件数</td><td>条</td><td>12</td></tr>
<tr><td>制发规范性文件总数</td><td>件</td><td>１５</td></tr>
<tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>
<tr><td>三、依申请公开情况</td><td>-</td><td>-</td></tr>
<tr><td>（一）收到申请数</td><td>件</td><td>5</td></tr>
</table>
<table class=MsoNormalTable border=1>
<tr><td>1.当面申请数</td><td>件</td><td>3</td></tr>
<tr><td>2.传真申请数</td><td>件</td><td>/</td></tr>
<tr><td>3.网络申请数</td><td>件</td><td></td></tr>
</table>
"""


def test_word_table_split_in_two_with_repeated_header() -> None:
    tree = LexborHTMLParser(WORD_TABLE)
    rows, layout = [], None
    for t in tree.css("table"):
        more, layout = grid_rows(build_grid(t), layout)
        rows.extend(more)
    facts, warnings = rows_to_facts(rows, era1_catalogue(), table_no=1, title=None)
    assert warnings == []
    got = [(f.indicator_id, f.value.number, f.value.raw, f.unit) for f in facts]
    assert got == [
        ("proactive.total", 1204.0, "1,204", "条"),
        ("proactive.total.normative_docs", 12.0, "12", "条"),
        ("proactive.normative_docs_issued", 15.0, "１５", "件"),
        ("requests.received", 5.0, "5", "件"),
        ("requests.received.in_person", 3.0, "3", "件"),
        ("requests.received.fax", None, "/", "件"),
        ("requests.received.online", None, "", "件"),
    ]
    assert facts[0].label == "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）"
    assert facts[4].row_path == ("三、依申请公开情况", "（一）收到申请数", "1.当面申请数")


AGGREGATED = """
<table border=1>
<tr><td>序号</td><td>统计指标</td><td>单位</td><td>区政府统计数</td><td>区直单位统计数</td><td>乡镇街道统计数</td></tr>
<tr><td>1</td><td>（一）收到申请数</td><td>件</td><td>4</td><td>10</td><td>2</td></tr>
</table>
"""


def test_aggregated_form_reads_each_value_column() -> None:
    rows, _ = grid_rows(build_grid(LexborHTMLParser(AGGREGATED).css_first("table")), None)
    facts, _ = rows_to_facts(rows, era1_catalogue(), table_no=1, title=None)
    assert [(f.column, f.value.number) for f in facts] == [
        ("区政府统计数", 4.0), ("区直单位统计数", 10.0), ("乡镇街道统计数", 2.0)
    ]
    assert {f.indicator_id for f in facts} == {"requests.received"}


TWO_LABEL_COLUMNS = """
<table border=1>
<tr><td colspan=2>指标名称</td><td>计量单位</td><td>数量</td></tr>
<tr><td rowspan=3>一、主动公开情况</td><td>（一）主动公开政府信息数</td><td>条</td><td>2015</td></tr>
<tr><td>其中：主动公开规范性文件数</td><td>条</td><td>12</td></tr>
<tr><td>制发规范性文件总数</td><td>件</td><td>12</td></tr>
<tr><td rowspan=2>三、依申请公开情况</td><td>（一）收到申请数</td><td>件</td><td>7</td></tr>
<tr><td>1.当面申请数</td><td>件</td><td>3</td></tr>
<tr><td colspan=2>四、行政复议数量</td><td>件</td><td>1</td></tr>
</table>
"""


def test_section_label_in_a_rowspan_column_on_the_left() -> None:
    rows, _ = grid_rows(build_grid(LexborHTMLParser(TWO_LABEL_COLUMNS).css_first("table")), None)
    facts, warnings = rows_to_facts(rows, era1_catalogue(), table_no=1, title=None)
    assert warnings == []
    assert [(f.indicator_id, f.value.number) for f in facts] == [
        ("proactive.total", 2015.0),
        ("proactive.total.normative_docs", 12.0),
        ("proactive.normative_docs_issued", 12.0),
        ("requests.received", 7.0),
        ("requests.received.in_person", 3.0),
        ("review.total", 1.0),
    ]
    assert facts[1].row_path == ("一、主动公开情况", "（一）主动公开政府信息数", "其中：主动公开规范性文件数")


def test_cell_text_equals_the_segment_walk() -> None:
    """``build_grid`` reads single-text cells without the segment walk: same text as ``node_text``
    (skip tags, comments, blocks between inline runs, white space of every kind)."""
    from parsers.text import node_text

    cells = [
        "<p><span>12</span></p>", "<p><script>x</script></p>", "<!-- c -->", "<p> </p>",
        "<b>a</b><br><i>b</i>", "<select><option>x</option></select>", "\u3000 7\u00a0 ", "",
        "<p><span>1<o:p></o:p></span></p>", "<div><p>a</p></div>", "<style>p{}</style>", "<img>",
        "<p>a</p><p>b</p>", "<span>\u200b</span>", "<p><span>a</span> <span>b</span></p>", "x<br>y",
        "<span>a<script>z</script></span>", "<span>a</span><!--c--><b>b<i> c</i>d</b>", "<p>1<o:p></o:p></p>",
        "<span>a<span>b<div>c</div></span></span>", "<span><span>1</span></span><span>2</span> ",
        "<p><!--c--></p>", "<!--c--><span>1</span>", "<p><span>a<!--c-->b<o:p> c</o:p></span></p>",
        "<p><noscript>x</noscript></p>", "<font><b>1</b><i><br></i></font>", "<p><span></span></p>",
    ]
    html = "<table><tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr></table>"
    table = LexborHTMLParser(html).css_first("table")
    tds = table.css("td")
    assert [c.text for c in build_grid(table)[0]] == [node_text(td) for td in tds]


def test_a_span_over_a_taken_position_overwrites_it() -> None:
    """A colspan running over a position a rowspan from above took: the later cell wins
    (as before the grid was built row by row)."""
    html = "<table><tr><td>A</td><td rowspan=2>B</td></tr><tr><td colspan=2>C</td></tr></table>"
    grid = build_grid(LexborHTMLParser(html).css_first("table"))
    assert [[(c.text, c.origin) for c in row] for row in grid] == [
        [("A", (0, 0)), ("B", (0, 1))],
        [("C", (1, 0)), ("C", (1, 0))],
    ]
