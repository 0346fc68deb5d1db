"""Era-2 matrix tables (表二/表三/表四) from realistic page markup and from text lines."""

from __future__ import annotations

import time

import pytest
from selectolax.lexbor import LexborHTMLParser

from parsers.grid import build_grid
from parsers.matrix import catalogue_version, classify_grid, detect_template, read_matrix, read_matrix_text
from parsers.matrix_common import catalogue, label_key, match_label

# --- page builders -------------------------------------------------------------------------------
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
S3 = "三、本年度办理结果"
G3, G4, G5, G6 = "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"
PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
HEAD_ROWS = [
    ("t3.new_received", ("一、本年新收政府信息公开申请数量",)),
    ("t3.carried_over", ("二、上年结转政府信息公开申请数量",)),
    ("t3.results.granted", (S3, "（一）予以公开")),
    ("t3.results.partial", (S3, PARTIAL)),
    ("t3.results.denied.state_secret", (S3, G3, "1.属于国家秘密")),
    ("t3.results.denied.law_forbidden", (S3, G3, "2.其他法律行政法规禁止公开")),
    ("t3.results.denied.security_stability", (S3, G3, "3.危及“三安全一稳定”")),
    ("t3.results.denied.third_party", (S3, G3, "4.保护第三方合法权益")),
    ("t3.results.denied.internal_affairs", (S3, G3, "5.属于三类内部事务信息")),
    ("t3.results.denied.process_info", (S3, G3, "6.属于四类过程性信息")),
    ("t3.results.denied.enforcement_file", (S3, G3, "7.属于行政执法案卷")),
    ("t3.results.denied.admin_query", (S3, G3, "8.属于行政查询事项")),
    ("t3.results.unable.not_held", (S3, G4, "1.本机关不掌握相关政府信息")),
    ("t3.results.unable.needs_creation", (S3, G4, "2.没有现成信息需要另行制作")),
    ("t3.results.unable.unclear", (S3, G4, "3.补正后申请内容仍不明确")),
    ("t3.results.not_processed.petition", (S3, G5, "1.信访举报投诉类申请")),
    ("t3.results.not_processed.repeat", (S3, G5, "2.重复申请")),
    ("t3.results.not_processed.publication", (S3, G5, "3.要求提供公开出版物")),
    ("t3.results.not_processed.excessive", (S3, G5, "4.无正当理由大量反复申请")),
    ("t3.results.not_processed.confirmation", (S3, G5, "5.要求行政机关确认或重新出具已获取信息")),
]
TAIL_ROWS = [("t3.results.total", (S3, "（七）总计")), ("t3.carried_forward", ("四、结转下年度继续办理",))]
T3_ROWS = {
    "2019": HEAD_ROWS + [("t3.results.other", (S3, G6))] + TAIL_ROWS,
    "2021": HEAD_ROWS
    + [
        ("t3.results.other.no_amendment", (S3, G6, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
        ("t3.results.other.fee_unpaid", (S3, G6, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
        ("t3.results.other.other", (S3, G6, "3.其他")),
    ]
    + TAIL_ROWS,
}
T3_COLS = [
    ("natural_person", "申请人情况 / 自然人"),
    ("legal.commercial", "申请人情况 / 法人或其他组织 / 商业企业"),
    ("legal.research", "申请人情况 / 法人或其他组织 / 科研机构"),
    ("legal.public_interest", "申请人情况 / 法人或其他组织 / 社会公益组织"),
    ("legal.legal_services", "申请人情况 / 法人或其他组织 / 法律服务机构"),
    ("legal.other", "申请人情况 / 法人或其他组织 / 其他"),
    ("total", "申请人情况 / 总计"),
]
T4_COLS = [
    f"{g} / {r}"
    for g in ("行政复议", "行政诉讼 / 未经复议直接起诉", "行政诉讼 / 复议后起诉")
    for r in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
]
T4_IDS = [f"t4.{g}.{r}" for g in ("review", "suit_direct", "suit_after_review")
          for r in ("upheld", "corrected", "other", "pending", "total")]
GROUP_SIZE = {G3: 8, G4: 3, G5: 5, G6: 3}


def word_td(text: str, rs: int = 1, cs: int = 1, runs: bool = False) -> str:
    """A Word-export cell: MsoNormal paragraph, spans, <o:p>."""
    span = (f" rowspan={rs}" if rs > 1 else "") + (f" colspan={cs}" if cs > 1 else "")
    if runs:
        inner = "".join(f"<span style='font-family:宋体'>{ch}</span>" for ch in text)
    elif text:
        inner = f"<span lang=EN-US style='font-size:10.5pt'>{text}<o:p></o:p></span>"
    else:
        inner = "<span lang=EN-US><o:p>&nbsp;</o:p></span>"
    return (f"<td{span} valign=center style='border:solid windowtext 1.0pt'>"
            f"<p class=MsoNormal align=center style='text-align:center'>{inner}</p></td>")


def plain_td(text: str, rs: int = 1, cs: int = 1, runs: bool = False) -> str:
    span = (f" rowspan=\"{rs}\"" if rs > 1 else "") + (f" colspan=\"{cs}\"" if cs > 1 else "")
    return f"<td{span}>{text if text else '&nbsp;'}</td>"


def t3_html(fmt: str, values: list[list[str]], *, word: bool = False, spaced: bool = False,
            runs: bool = False) -> str:
    td = word_td if word else plain_td
    head = (lambda t: " ".join(t)) if spaced else (lambda t: t)
    rows = T3_ROWS[fmt]
    out = ["<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0><tbody>"]
    out.append("<tr>" + td(CORNER, rs=3, cs=3) + td("申请人情况", cs=7) + "</tr>")
    out.append("<tr>" + td(head("自然人"), rs=2) + td("法人或其他组织", cs=5) + td(head("总计"), rs=2) + "</tr>")
    out.append("<tr>" + "".join(td(head(s)) for s in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")) + "</tr>")
    n3 = sum(1 for _, p in rows if p[0] == S3)
    s3_open, groups = False, set()
    for (_, path), vals in zip(rows, values, strict=True):
        tds = []
        if len(path) == 1:
            tds.append(td(path[0], cs=3))
        else:
            if not s3_open:
                s3_open = True
                tds.append(td(S3, rs=n3, runs=runs))
            if len(path) == 2:
                tds.append(td(path[1], cs=2))
            else:
                if path[1] not in groups:
                    groups.add(path[1])
                    tds.append(td(path[1], rs=GROUP_SIZE[path[1]]))
                tds.append(td(path[2]))
        tds += [td(v) for v in vals]
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def grids(html: str):
    tree = LexborHTMLParser(html)
    return [build_grid(t) for t in tree.css("table") if len(t.css("table")) == 1]


def read(html: str, table_no: int = 2, kind: str | None = None):
    gs = grids(html)
    k = kind or classify_grid(gs[0])
    return read_matrix(k, gs, table_no=table_no, title="表")


def expected_t3(fmt: str, values: list[list[str]]):
    out = []
    for (rid, path), vals in zip(T3_ROWS[fmt], values, strict=True):
        for (ck, col), text in zip(T3_COLS, vals, strict=True):
            out.append((path, path[-1], col, text, f"{rid}.{ck}"))
    return out


def got(facts):
    return [(f.row_path, f.label, f.column, f.value.raw, f.indicator_id) for f in facts]


# Shanghai 2019 (formats.md §5): totals blank in the intermediate rows, legal columns blank when 0.
SH2019 = [
    ["821", "35", "", "", "2", "1", "859"],
    ["18", "", "", "", "", "", "18"],
    ["258", "12", "", "", "2", "1", ""],
    ["3", "1", "", "", "", "", ""],
    ["14", "", "", "", "", "", ""],
    ["5", "", "", "", "", "", ""],
    ["3", "", "", "", "", "", ""],
    ["10", "2", "", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["252", "12", "", "", "", "", ""],
    ["44", "3", "", "", "", "", ""],
    ["25", "1", "", "", "", "", ""],
    ["148", "4", "", "", "", "", ""],
    ["5", "", "", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["0", "", "", "", "", "", ""],
    ["767", "35", "0", "0", "2", "1", "805"],
    ["72", "", "", "", "", "", "72"],
]


# --- 表三 --------------------------------------------------------------------------------------------
def test_t3_2019_full_shanghai_blank_totals():
    facts, warns = read(t3_html("2019", SH2019))
    assert warns == []
    assert len(facts) == 23 * 7
    assert got(facts) == expected_t3("2019", SH2019)
    granted_total = facts[2 * 7 + 6]
    assert granted_total.indicator_id == "t3.results.granted.total"
    assert granted_total.value.state == "blank" and granted_total.value.number is None
    assert granted_total.value.raw == ""
    assert facts[0].value.number == 821.0 and facts[0].unit == "件"
    assert [f.row_no for f in facts[::7]] == list(range(1, 24))
    assert {f.table_no for f in facts} == {2} and {f.table_title for f in facts} == {"表"}
    other = facts[20 * 7]
    assert other.row_path == (S3, G6) and other.indicator_id == "t3.results.other.natural_person"
    assert detect_template(facts) == "2019-trial"


def _t3_2021_values():
    vals = [[str(r), "", "", "", "", "", str(r)] for r in range(25)]  # 沭阳: only 自然人 and 总计 filled
    vals[0] = ["26", "", "", "", "", "", "26"]
    vals[2] = ["12", "1", "0", "0", "1", "0", "14"]
    return vals


def test_t3_2021_full_word_export_runs_and_spaced_headers():
    vals = _t3_2021_values()
    html = t3_html("2021", vals, word=True, spaced=True, runs=True)
    assert "<o:p>" in html and "自 然 人" in html
    facts, warns = read(html)
    assert warns == []
    assert len(facts) == 175
    assert got(facts) == expected_t3("2021", vals)
    byid = {f.indicator_id: f for f in facts}
    assert byid["t3.results.other.fee_unpaid.total"].row_path == (
        S3, G6, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")
    assert byid["t3.results.granted.legal.legal_services"].value.number == 1.0
    assert byid["t3.new_received.legal.commercial"].value.state == "blank"
    assert detect_template(facts) == "2021"


def test_t3_split_table_continuation_without_header_inherits_group():
    vals = _t3_2021_values()
    html = t3_html("2021", vals)
    # cut after 3.危及“三安全一稳定”: the second piece starts inside （三） without header rows,
    # its first rows have neither the 三 cell nor the （三） cell
    lines = html.split("\n")
    body = lines[4:-1]
    cut = 7
    first = "\n".join(lines[:4] + body[:cut]) + "\n</tbody></table>"
    second = "<table border=1><tbody>\n" + "\n".join(body[cut:]) + "\n</tbody></table>"
    gs = grids(first + "<p>&nbsp;</p>" + second)
    assert classify_grid(gs[0]) == "t3"
    assert gs[1][0][0].text == "4.保护第三方合法权益" and gs[1][0][1].text == "7"
    facts, warns = read_matrix("t3", gs, table_no=2, title=None)
    assert len(facts) == 175 and warns == []
    assert got(facts) == expected_t3("2021", vals)


def test_t3_missing_and_extra_cells_and_shifted_label():
    vals = _t3_2021_values()
    vals[5] = ["1", "", "", "", "", "", ""]
    html = t3_html("2021", vals)
    lines = html.split("\n")
    # row 2.其他法律…: the last (blank) cell is missing; row 3.危及…: an extra empty cell;
    # row 4.保护…: an extra non-empty cell; row 二: label colspan 2 instead of 3
    lines[4 + 5] = lines[4 + 5].replace("<td>&nbsp;</td></tr>", "</tr>")
    lines[4 + 6] = lines[4 + 6].replace("</tr>", "<td></td></tr>")
    lines[4 + 7] = lines[4 + 7].replace("</tr>", "<td>99</td></tr>")
    lines[4 + 1] = lines[4 + 1].replace('colspan="3"', 'colspan="2"')
    facts, warns = read("\n".join(lines))
    assert got(facts) == expected_t3("2021", vals)
    assert len(warns) == 1 and "99" in warns[0]


def test_t3_unknown_row_and_column_keep_labels_and_warn():
    html = t3_html("2019", SH2019)
    extra = "<tr><td colspan=\"3\">五、本年度申请人撤回申请</td>" + "<td>1</td>" * 7 + "</tr>"
    html = html.replace("</tbody>", extra + "</tbody>")
    facts, warns = read(html)
    last = facts[-7:]
    assert {f.indicator_id for f in last} == {None}
    assert last[0].row_path == ("五、本年度申请人撤回申请",) and last[0].value.number == 1.0
    assert any("unknown row in 表三" in w for w in warns)


def test_t3_taiwan_vocabulary_and_typos():
    rows = dict(T3_ROWS["2021"])
    cat = catalogue().rows["T3"]
    assert match_label("5.屬于三類內部事務資訊".replace("屬", "属").replace("類", "类").replace("內", "内")
                       .replace("務", "务").replace("資訊", "资讯"), cat).row_id == "t3.results.denied.internal_affairs"
    assert match_label("3.危机“三安全一稳定”", cat).row_id == "t3.results.denied.security_stability"
    assert match_label("2.其他法律、行政法规禁止公开", cat).row_id == "t3.results.denied.law_forbidden"
    assert match_label("（二）部分公开", cat).row_id == "t3.results.partial"
    assert match_label("3.其他", cat).row_id == "t3.results.other.other"
    assert rows["t3.results.total"] == (S3, "（七）总计")
    assert label_key("（一） 予以公开") == "予以公开"


# --- 表四 --------------------------------------------------------------------------------------------
def t4_html(values: list[str], *, vertical: bool = False, spaced: bool = False) -> str:
    res = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    lab = (lambda t: "<br>".join(t)) if vertical else ((lambda t: " ".join(t)) if spaced else (lambda t: t))
    return "\n".join([
        "<table border=1 cellspacing=0><tbody>",
        f"<tr><td colspan=5>{lab('行政复议')}</td><td colspan=10>{lab('行政诉讼')}</td></tr>",
        "<tr>" + "".join(f"<td rowspan=2>{lab(r)}</td>" for r in res)
        + "<td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr>",
        "<tr>" + "".join(f"<td>{lab(r)}</td>" for r in res * 2) + "</tr>",
        "<tr>" + "".join(f"<td>{v if v else '&nbsp;'}</td>" for v in values) + "</tr>",
        "</tbody></table>",
    ])


SH_T4 = ["5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""]


@pytest.mark.parametrize("style", [{}, {"vertical": True}, {"spaced": True}])
def test_t4_fifteen_cells(style):
    facts, warns = read(t4_html(SH_T4, **style), table_no=3)
    assert warns == []
    assert [f.column for f in facts] == T4_COLS
    assert [f.indicator_id for f in facts] == T4_IDS
    assert [f.value.raw for f in facts] == SH_T4
    assert [f.value.number for f in facts[:5]] == [5.0, None, None, 2.0, 7.0]
    assert {f.row_path for f in facts} == {()} and {f.label for f in facts} == {""}
    assert {f.unit for f in facts} == {"件"} and {f.table_no for f in facts} == {3}


def test_t4_header_and_numbers_in_separate_pieces():
    html = t4_html(["0"] * 15)
    head, _, tail = html.partition("<tr><td>0</td>")
    second = "<table><tr><td>0</td>" + tail
    gs = grids(head + "</tbody></table>" + second)
    assert classify_grid(gs[0]) == "t4" and classify_grid(gs[1]) is None
    facts, warns = read_matrix("t4", gs, table_no=3, title=None)
    assert [f.column for f in facts] == T4_COLS and {f.value.number for f in facts} == {0.0}


# --- 表二 --------------------------------------------------------------------------------------------
def test_t2_2019_shanghai_five_column_grid_by_position():
    """One 5-column grid; colspan=2 merges columns 3–4 in block （一）'s header but 2–3 in some
    data rows, and 2–3 in the header of （五）/（六）: values go to the header they overlap."""
    cs2 = ' colspan="2"'
    html = f"""<table width="100%" border="1" cellspacing="0" cellpadding="0"><tbody>
<tr><td colspan="5"><p align="center"><strong>第二十条第（一）项</strong></p></td></tr>
<tr><td>信息内容</td><td>本年新制作数量</td><td{cs2}>本年新公开数量</td><td>对外公开总数量</td></tr>
<tr><td>规章</td><td>2</td><td{cs2}>13</td><td>524</td></tr>
<tr><td>规范性文件</td><td{cs2}>30</td><td>60</td><td>368</td></tr>
<tr><td colspan="5"><p align="center"><strong>第二十条第（五）项</strong></p></td></tr>
<tr><td>信息内容</td><td{cs2}>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>
<tr><td>行政许可</td><td{cs2}>95</td><td>+2</td><td>1200</td></tr>
<tr><td>其他对外管理服务事项</td><td>3</td><td{cs2}>-1</td><td>&nbsp;</td></tr>
<tr><td colspan="5"><strong>第二十条第（六）项</strong></td></tr>
<tr><td>信息内容</td><td{cs2}>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>
<tr><td>行政处罚</td><td{cs2}>40</td><td>0</td><td>321</td></tr>
<tr><td>行政强制</td><td{cs2}>6</td><td>-</td><td>12</td></tr>
<tr><td colspan="5"><strong>第二十条第（八）项</strong></td></tr>
<tr><td>信息内容</td><td{cs2}>上一年项目数量</td><td{cs2}>本年增/减</td></tr>
<tr><td>行政事业性收费</td><td{cs2}>0</td><td{cs2}>0</td></tr>
<tr><td colspan="5"><strong>第二十条第（九）项</strong></td></tr>
<tr><td>信息内容</td><td{cs2}>采购项目数量</td><td{cs2}>采购总金额</td></tr>
<tr><td>政府集中采购</td><td{cs2}>3</td><td{cs2}>251000元</td></tr>
</tbody></table>"""
    gs = grids(html)
    assert classify_grid(gs[0]) == "t2"
    facts, warns = read_matrix("t2", gs, table_no=1, title=None)
    assert warns == []
    rows = [(" / ".join(f.row_path), f.column, f.value.raw, f.indicator_id) for f in facts]
    assert rows[:6] == [
        ("第二十条第（一）项 / 规章", "本年新制作数量", "2", "t2.art20_1.rules.new_made"),
        ("第二十条第（一）项 / 规章", "本年新公开数量", "13", "t2.art20_1.rules.new_published"),
        ("第二十条第（一）项 / 规章", "对外公开总数量", "524", "t2.art20_1.rules.total_published"),
        ("第二十条第（一）项 / 规范性文件", "本年新制作数量", "30", "t2.art20_1.normative_docs.new_made"),
        ("第二十条第（一）项 / 规范性文件", "本年新公开数量", "60", "t2.art20_1.normative_docs.new_published"),
        ("第二十条第（一）项 / 规范性文件", "对外公开总数量", "368", "t2.art20_1.normative_docs.total_published"),
    ]
    assert len(facts) == 22
    byid = {f.indicator_id: f for f in facts}
    assert byid["t2.art20_5.licensing.change"].value.number == 2.0
    assert byid["t2.art20_5.licensing.change"].column == "本年增/减"
    assert byid["t2.art20_5.licensing.prev_year_items"].unit == "项"
    assert byid["t2.art20_5.licensing.decisions"].unit == "件"
    assert byid["t2.art20_5.other_mgmt_services.change"].value.number == -1.0
    assert byid["t2.art20_5.other_mgmt_services.decisions"].value.state == "blank"
    assert byid["t2.art20_6.coercion.change"].value.state == "na"
    amount = byid["t2.art20_9.central_procurement.amount"]
    assert amount.value.number == 251000.0 and amount.unit == "元"
    assert facts[0].label == "规章" and facts[0].row_no == 1
    assert detect_template(facts) == "2019-trial"


def test_t2_2021_word_blocks_single_cell_colspan3():
    td = word_td
    rows = [
        "<tr>" + td("第二十条第（一）项", cs=4) + "</tr>",
        "<tr>" + td("信息内容") + td("本年制发件数") + td("本年废止件数") + td("现行有效件数") + "</tr>",
        "<tr>" + td("规章") + td("0") + td("0") + td("0") + "</tr>",
        "<tr>" + td("行政规范性文件") + td("3") + td("1") + td("12") + "</tr>",
        "<tr>" + td("第二十条第（五）项", cs=4) + "</tr>",
        "<tr>" + td("信息内容") + td("本年处理决定数量", cs=3) + "</tr>",
        "<tr>" + td("行政许可") + td("25", cs=3) + "</tr>",
        "<tr>" + td("第二十条第（六）项", cs=4) + "</tr>",
        "<tr>" + td("信息内容") + td("本年处理决定数量", cs=3) + "</tr>",
        "<tr>" + td("行政处罚") + td("7", cs=3) + "</tr>",
        "<tr>" + td("行政强制") + td("", cs=3) + "</tr>",
        "<tr>" + td("第二十条第（八）项", cs=4) + "</tr>",
        "<tr>" + td("信息内容") + td("本年收费金额（单位：万元）", cs=3) + "</tr>",
        "<tr>" + td("行政事业性收费") + td("0.38", cs=3) + "</tr>",
    ]
    html = "<table class=MsoNormalTable border=1><tbody>" + "\n".join(rows) + "</tbody></table>"
    facts, warns = read(html, table_no=1)
    assert warns == []
    assert [(f.label, f.column, f.value.raw, f.indicator_id) for f in facts] == [
        ("规章", "本年制发件数", "0", "t2.art20_1.rules.issued"),
        ("规章", "本年废止件数", "0", "t2.art20_1.rules.repealed"),
        ("规章", "现行有效件数", "0", "t2.art20_1.rules.in_force"),
        ("行政规范性文件", "本年制发件数", "3", "t2.art20_1.normative_docs.issued"),
        ("行政规范性文件", "本年废止件数", "1", "t2.art20_1.normative_docs.repealed"),
        ("行政规范性文件", "现行有效件数", "12", "t2.art20_1.normative_docs.in_force"),
        ("行政许可", "本年处理决定数量", "25", "t2.art20_5.licensing.decisions"),
        ("行政处罚", "本年处理决定数量", "7", "t2.art20_6.penalty.decisions"),
        ("行政强制", "本年处理决定数量", "", "t2.art20_6.coercion.decisions"),
        ("行政事业性收费", "本年收费金额（单位：万元）", "0.38", "t2.art20_8.admin_fees.amount_wan"),
    ]
    assert facts[-1].unit == "万元" and facts[-1].row_path == ("第二十条第（八）项", "行政事业性收费")
    assert detect_template(facts) == "2021"


def test_t2_hubei_notes_extra_row_and_split_blocks():
    """Hubei 2020: notes inside labels, an extra 其他主动公开文件 row; one <table> per block."""
    def table(title, heads, rows):
        tr = [f"<tr><td colspan=4>{title}</td></tr>",
              "<tr><td>信息内容</td>" + "".join(f"<td>{h}</td>" for h in heads) + "</tr>"]
        tr += ["<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows]
        return "<table border=1>" + "".join(tr) + "</table>"

    html = table("第二十条第(一)项", ["本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"],
                 [["规章（设区的市、自治州人民政府应提供相关数据）", "0", "0", "0"],
                  ["规范性文件", "2", "2", "40"], ["其他主动公开文件", "10", "10", "300"]])
    html += "<p>&nbsp;</p>" + table(
        "第二十条第(五)项", ["上一年项目数量（指2019年事项数）", "本年增/减（减用负值表示，如-8）", "处理决定数量（指2020年办件量）"],
        [["行政许可", "12", "-8", "3456"], ["其他对外管理服务事项", "1", "0", "5"]])
    gs = grids(html)
    assert [classify_grid(g) for g in gs] == ["t2", "t2"]
    facts, warns = read_matrix("t2", gs, table_no=1, title=None)
    assert len(facts) == 15
    assert facts[0].row_path == ("第二十条第（一）项", "规章（设区的市、自治州人民政府应提供相关数据）")
    assert facts[0].indicator_id == "t2.art20_1.rules.new_made" and facts[0].column == "本年新制作数量"
    extra = facts[6:9]
    assert [f.indicator_id for f in extra] == [None, None, None]
    assert extra[0].label == "其他主动公开文件" and extra[0].unit == "件" and extra[2].value.number == 300.0
    assert any("其他主动公开文件" in w for w in warns) and len(warns) == 1
    lic = facts[9:12]
    assert [f.indicator_id for f in lic] == ["t2.art20_5.licensing.prev_year_items", "t2.art20_5.licensing.change",
                                             "t2.art20_5.licensing.decisions"]
    assert lic[1].value.number == -8.0 and lic[2].column == "处理决定数量（指2020年办件量）"


def test_t2_taiwan_vocabulary_label():
    html = ("<table border=1><tr><td colspan=4>第二十条第（一）项</td></tr><tr><td>信息内容</td><td>本年制发件数</td>"
            "<td>本年废止件数</td><td>现行有效件数</td></tr><tr><td>行政规范性档案</td><td>1</td><td>2</td><td>3</td></tr></table>")
    facts, warns = read(html, table_no=1)
    assert [f.indicator_id for f in facts] == ["t2.art20_1.normative_docs.issued", "t2.art20_1.normative_docs.repealed",
                                               "t2.art20_1.normative_docs.in_force"]
    assert facts[0].label == "行政规范性档案" and warns == []


# --- classification, templates, API -----------------------------------------------------------------
def test_classify_grid():
    assert classify_grid(grids(t3_html("2019", SH2019))[0]) == "t3"
    assert classify_grid(grids(t4_html(SH_T4))[0]) == "t4"
    era1 = ("<table><tr><td>统计指标</td><td>单位</td><td>统计数</td></tr><tr><td>一、主动公开情况</td><td>—</td><td>—</td></tr>"
            "<tr><td>七、行政复议数量</td><td>件</td><td>3</td></tr><tr><td>八、行政诉讼数量</td><td>件</td><td>2</td></tr></table>")
    assert classify_grid(grids(era1)[0]) is None
    assert classify_grid(grids("<table><tr><td>姓名</td><td>电话</td></tr></table>")[0]) is None
    assert classify_grid([]) is None


def test_read_matrix_rejects_unknown_kind():
    with pytest.raises(ValueError):
        read_matrix("e1", [], table_no=1, title=None)


def test_detect_template_none_without_evidence():
    assert detect_template([]) is None


def test_catalogue_counts_and_version():
    cat = catalogue()
    assert cat.version >= 2 and catalogue_version() == cat.version
    eras = {}
    for (_rid, _cid), (_cell, _unit, es) in cat.cells.items():
        for e in es:
            eras[e] = eras.get(e, 0) + 1
    # 22+161+15 (2019) and 10+175+15 (2021) value cells
    assert eras == {"e2_2019": 198, "e2_2021": 200}


# --- text ------------------------------------------------------------------------------------------
FLIPBOOK = """三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）
申请人情况
自
然
人
法人或其他组织
总
计
商业企业
科研机构
社会公益组织
法律服务机构
其他
一、本年新收政府信息公开申请数量
3 0 0 0 0 0 3
二、上年结转政府信息公开申请数量
0 0 0 0 0 0 0
三、本年度办理结果
（一）予以公开
2 0 0 0 0 0 2
（二）部分公开（区分处理的，只计这一情形，
不计其他情形）
0 0 0 0 0 0 0
（三）不予公开
1.属于国家秘密 0 0 0 0 0 0 0
2.其他法律行政法规禁止公开 0 0 0 0 0 0 0
3.危及“三安全一稳定” 0 0 0 0 0 0 0
4.保护第三方合法权益 0 0 0 0 0 0 0
5.属于三类内部事务信息 0 0 0 0 0 0 0
6.属于四类过程性信息 0 0 0 0 0 0 0
7.属于行政执法案卷 0 0 0 0 0 0 0
8.属于行政查询事项 0 0 0 0 0 0 0
（四）无法提供
1.本机关不掌握相关政府信息 1 0 0 0 0 0 1
2.没有现成信息需要另行制作 0 0 0 0 0 0 0
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
（五）不予处理
1.信访举报投诉类申请 0 0 0 0 0 0 0
2.重复申请 0 0 0 0 0 0 0
3.要求提供公开出版物 0 0 0 0 0 0 0
4.无正当理由大量反复申请 0 0 0 0 0 0 0
5.要求行政机关确认或重新出具已获取信息 0 0 0 0 0 0 0
（六）其他处理
1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0
2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0
3.其他 0 0 0
（七）总计 3 0 0 0 0 0 3
四、结转下年度继续办理 0 0 0 0 0 0 0
四、政府信息公开行政复议、行政诉讼情况
行政复议
行政诉讼
结 结 其 尚
果 果 他 未 总
维 纠 结 审 计
持 正 果 结
未经复议直接起诉
复议后起诉
0 0 0 0 0 0 1 0 0 0 0 0 0 0 0
五、存在的主要问题及改进情况
2021年度收到申请12件。""".splitlines()


def test_text_flipbook_t3_t4():
    facts, warns = read_matrix_text(FLIPBOOK, first_table_no=2)
    t3 = [f for f in facts if f.table_no == 2]
    t4 = [f for f in facts if f.table_no == 3]
    assert len(t3) == 24 * 7  # 3.其他 has 3 numbers for 7 columns: reported, not placed
    assert warns == ["表三 (text) row 3.其他: 3 numbers for 7 columns, not placed (0 0 0)"]
    assert t3[0].row_path == ("一、本年新收政府信息公开申请数量",) and t3[0].column == "申请人情况 / 自然人"
    assert t3[0].value.number == 3.0 and t3[0].indicator_id == "t3.new_received.natural_person"
    partial = next(f for f in t3 if f.indicator_id == "t3.results.partial.total")
    assert partial.row_path == (S3, PARTIAL)
    secret = next(f for f in t3 if f.indicator_id == "t3.results.denied.state_secret.legal.other")
    assert secret.row_path == (S3, G3, "1.属于国家秘密") and secret.column == "申请人情况 / 法人或其他组织 / 其他"
    assert [f.column for f in t4] == T4_COLS and [f.indicator_id for f in t4] == T4_IDS
    assert t4[6].value.number == 1.0 and t4[6].column == "行政诉讼 / 未经复议直接起诉 / 结果纠正"
    assert detect_template(facts) == "2021"


def test_text_flattened_cells_t2_and_short_rows():
    lines = ["第二十条第（一）项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量",
             "规章", "1", "1", "5", "规范性文件", "4", "3",  # one blank lost: not placed
             "第二十条第（九）项", "信息内容", "采购项目数量 采购总金额", "政府集中采购", "3", "11.876"]
    facts, warns = read_matrix_text(lines)
    assert [(f.row_path, f.column, f.value.raw, f.indicator_id) for f in facts] == [
        (("第二十条第（一）项", "规章"), "本年新制作数量", "1", "t2.art20_1.rules.new_made"),
        (("第二十条第（一）项", "规章"), "本年新公开数量", "1", "t2.art20_1.rules.new_published"),
        (("第二十条第（一）项", "规章"), "对外公开总数量", "5", "t2.art20_1.rules.total_published"),
        (("第二十条第（九）项", "政府集中采购"), "采购项目数量", "3", "t2.art20_9.central_procurement.items"),
        (("第二十条第（九）项", "政府集中采购"), "采购总金额", "11.876", "t2.art20_9.central_procurement.amount"),
    ]
    assert warns == ["表二 (text) row 规范性文件: 2 numbers for 3 columns, not placed"]
    assert {f.table_no for f in facts} == {1}


def test_text_t4_short_row_is_reported():
    facts, warns = read_matrix_text(["行政复议", "行政诉讼", "结果维持", "1 2 3"])
    assert facts == [] and "3 numbers for 15 columns" in warns[0]


# --- performance -----------------------------------------------------------------------------------
def test_linear_in_cells():
    vals = _t3_2021_values()
    big = t3_html("2021", vals)
    body = big.split("\n")[4:-1]
    many = "\n".join(big.split("\n")[:4] + body * 40 + ["</tbody></table>"])
    gs = grids(many)
    t0 = time.perf_counter()
    facts, warns = read_matrix("t3", gs, table_no=2, title=None)
    assert len(facts) == 175 * 40
    assert time.perf_counter() - t0 < 5


# --- more geometry and wording ----------------------------------------------------------------------
def test_t3_subtotal_column_is_kept_without_indicator():
    html = t3_html("2019", SH2019)
    lines = html.split("\n")
    lines[1] = lines[1].replace('colspan="7">申请人情况', 'colspan="8">申请人情况')
    lines[2] = lines[2].replace('colspan="5">法人或其他组织', 'colspan="6">法人或其他组织')
    lines[3] = lines[3].replace("<td>其他</td>", "<td>其它</td><td>小计</td>")
    for i in range(4, 4 + 23):
        cells = lines[i].split("</td>")
        # insert a 小计 value before the last (总计) value cell
        cells.insert(len(cells) - 2, "<td>s")
        lines[i] = "</td>".join(cells)
    facts, warns = read("\n".join(lines))
    assert len(facts) == 23 * 8
    sub = [f for f in facts if f.column.endswith("小计")]
    assert len(sub) == 23 and {f.indicator_id for f in sub} == {None} and sub[0].value.raw == "s"
    assert sub[0].column == "申请人情况 / 法人或其他组织 / 小计" and sub[0].unit is None
    other = facts[5]
    assert other.column == "申请人情况 / 法人或其他组织 / 其它" and other.indicator_id == "t3.new_received.legal.other"
    assert facts[7].indicator_id == "t3.new_received.total" and facts[7].value.raw == "859"
    assert warns == ["unknown column in 表三: 申请人情况 / 法人或其他组织 / 小计"]


def test_t3_without_header_rows_uses_template_columns():
    html = t3_html("2019", SH2019)
    lines = html.split("\n")
    facts, warns = read("\n".join(lines[:1] + lines[4:]), kind="t3")
    assert got(facts) == expected_t3("2019", SH2019)
    assert warns == ["表三 header not recognised: columns assigned in template order"]


def test_t2_blocks_without_caption_rows():
    html = ("<table border=1>"
            "<tr><td>信息内容</td><td colspan=3>本年处理决定数量</td></tr><tr><td>行政许可</td><td colspan=3>5</td></tr>"
            "<tr><td>信息内容</td><td colspan=3>本年处理决定数量</td></tr><tr><td>行政处罚</td><td colspan=3>6</td></tr>"
            "<tr><td>行政强制</td><td colspan=3>7</td></tr></table>")
    facts, warns = read(html, table_no=1, kind="t2")
    assert [(f.row_path, f.indicator_id, f.value.number) for f in facts] == [
        (("第二十条第（五）项", "行政许可"), "t2.art20_5.licensing.decisions", 5.0),
        (("第二十条第（六）项", "行政处罚"), "t2.art20_6.penalty.decisions", 6.0),
        (("第二十条第（六）项", "行政强制"), "t2.art20_6.coercion.decisions", 7.0),
    ]
    assert warns == []


def test_classify_breadcrumb_with_xinxi_neirong_is_not_t2():
    gs = grids("<table><tr><td>首 页>>政务公开>>公开信息内容</td><td>信息检索:</td></tr></table>")
    assert classify_grid(gs[0]) is None


FLIPBOOK_WRAPPED = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 0 0 0
行政规范性文件 0 0 1
- 2 -
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第
二项之和，等于第三项加第四项之和）
申请人情况
法人或其他组织
自 商 科 社 法 其 总
然 业 研 会 律 他 计
一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3
三
（一）予以公开 1 0 0 0 0 0 1
（二）部分公开（区分处理的，只计
这一情形，不计其他情形） 0 0 0 0 0 0 0
、
1.属于国家秘密 0 0 0 0 0 0 0
本
（三）不予公开
2.其他法律行政法规禁止公开 0 0 0 0 0 0 0
1.申请人无正当理由逾期不补
正、行政机关不再处理其政府 0 0 0 0 0 0 0
信息公开申请
（六）其他处理
- 3 -
四、结转下年度继续办理 0 0 0 0 0 0 0""".splitlines()


def test_text_wrapped_labels_vertical_section_and_page_numbers():
    facts, warns = read_matrix_text(FLIPBOOK_WRAPPED)
    assert warns == []
    t2 = [f for f in facts if f.table_no == 1]
    assert [f.value.raw for f in t2] == ["0", "0", "0", "0", "0", "1"]
    assert t2[0].column == "本年制发件数" and t2[5].indicator_id == "t2.art20_1.normative_docs.in_force"
    t3 = [f for f in facts if f.table_no == 2]
    paths = list(dict.fromkeys(f.row_path for f in t3))
    assert paths == [
        ("一、本年新收政府信息公开申请数量",),
        (S3, "（一）予以公开"),
        (S3, PARTIAL),
        (S3, G3, "1.属于国家秘密"),
        (S3, G3, "2.其他法律行政法规禁止公开"),
        (S3, G6, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("四、结转下年度继续办理",),
    ]
    assert len(t3) == 7 * 7 and t3[-1].indicator_id == "t3.carried_forward.total"


def test_unrelated_piece_after_a_table_is_ignored():
    footer = "<table><tr><td>联系电话</td><td>0631-5230000</td><td>12</td></tr><tr><td>地址</td><td>某路</td><td>3</td></tr></table>"
    gs = grids(t4_html(SH_T4) + footer)
    assert classify_grid(gs[1]) is None
    facts, warns = read_matrix("t4", gs, table_no=3, title=None)
    assert len(facts) == 15 and warns == ["table piece after 表四 without a row of 表四 values: ignored"]
    gs = grids(t3_html("2019", SH2019) + footer)
    facts, warns = read_matrix("t3", gs, table_no=2, title=None)
    assert len(facts) == 161 and warns == ["table piece after 表三 without 表三 rows: ignored"]
    gs = grids("<table><tr><td colspan=3>第二十条第（八）项</td></tr><tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td></tr>"
               "<tr><td>行政事业性收费</td><td>2</td><td>0</td></tr></table>" + footer)
    facts, warns = read_matrix("t2", gs, table_no=1, title=None)
    assert [f.indicator_id for f in facts] == ["t2.art20_8.admin_fees.prev_year_items", "t2.art20_8.admin_fees.change"]
    assert warns == ["table piece after 表二 without 表二 rows: ignored"]


def test_t3_other_processing_printed_as_its_own_row():
    vals = _t3_2021_values()
    html = t3_html("2021", vals).replace('rowspan="22"', 'rowspan="23"')
    lines = html.split("\n")
    i = next(n for n, line in enumerate(lines) if "（六）其他处理" in line)
    lines[i] = lines[i].replace('<td rowspan="3">（六）其他处理</td>', "")
    lines.insert(i, '<tr><td colspan="2">（六）其他处理</td>' + "<td>&nbsp;</td>" * 7 + "</tr>")
    facts, warns = read("\n".join(lines))
    assert got(facts) == expected_t3("2021", vals) and warns == []
    # the same blank row in a 2019 table is a data row
    blank = [list(r) for r in SH2019]
    blank[20] = [""] * 7
    facts, warns = read(t3_html("2019", blank))
    assert got(facts) == expected_t3("2019", blank)


def test_text_stray_number_after_a_complete_row():
    lines = ["行政复议 行政诉讼", "结果维持", "0 0 0 0 0 0 0 0 0 0 0 0 0 0 1", "7"]
    facts, warns = read_matrix_text(lines, first_table_no=3)
    assert [f.value.raw for f in facts][-1] == "1" and len(facts) == 15 and facts[0].table_no == 3
    assert warns == ["表四 (text): extra numbers after the row ignored (7)"]
    lines = ["一、本年新收政府信息公开申请数量", "3", "0", "0 0 0 0", "3 9"]  # 3 + 9 on one line: not separable
    facts, warns = read_matrix_text(lines)
    assert facts == [] and "8 numbers for 7 columns" in warns[0]


def test_t2_label_covering_a_value_column_keeps_header_positions():
    html = ("<table border=1><tr><td colspan=4>第二十条第（一）项</td></tr><tr><td>信息内容</td><td>本年制发件数</td>"
            "<td>本年废止件数</td><td>现行有效件数</td></tr><tr><td colspan=2>规章</td><td>2</td><td>3</td></tr></table>")
    facts, warns = read(html, table_no=1)
    assert [(f.column, f.value.raw) for f in facts] == [("本年制发件数", ""), ("本年废止件数", "2"), ("现行有效件数", "3")]
    assert len(warns) == 1 and "label covers value columns" in warns[0]


def test_t3_legal_person_header_without_sub_headers():
    html = t3_html("2019", SH2019)
    lines = html.split("\n")
    lines[2] = lines[2].replace('<td colspan="5">法人或其他组织</td>', '<td colspan="5" rowspan="2">法人或其他组织</td>')
    lines[3] = "<tr></tr>"
    facts, warns = read("\n".join(lines))
    assert got(facts) == expected_t3("2019", SH2019)
    assert warns == ["表三 法人或其他组织 without sub-headers: its five columns taken in template order"]


def test_t4_litigation_without_sub_group_headers():
    res = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    html = ("<table><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
            "<tr>" + "".join(f"<td>{r}</td>" for r in res * 3) + "</tr><tr>"
            + "".join(f"<td>{i}</td>" for i in range(15)) + "</tr></table>")
    facts, warns = read(html, table_no=3)
    assert [f.indicator_id for f in facts] == T4_IDS and warns == []
    assert facts[10].column == "行政诉讼 / 结果维持" and facts[10].value.number == 10.0
