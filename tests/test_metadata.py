"""The metadata block: every family's shape (page-layouts.md §1, §5), the seed, head fallbacks,
titles, and region/year."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from parsers.metadata import read_metadata
from parsers.metadata_head import read_head
from parsers.metadata_title import region_and_year
from parsers.model import Metadata
from parsers.text import iter_segments

# the byte-identical copy in fixtures/ first, so the test runs in any checkout
_FIXTURE_SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed"
SEED_DIR = _FIXTURE_SEED if any(_FIXTURE_SEED.glob("*.txt")) else Path(__file__).resolve().parents[2] / "shared" / "seed"


def segs(html: str) -> list[str]:
    return list(iter_segments(LexborHTMLParser(html).body))


def meta_of(html: str, head: dict[str, str] | None = None) -> Metadata:
    return read_metadata(segs(html), head=head)[0]


# --------------------------------------------------------------------------- the seed


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="shared seed page not present")
def test_seed_page() -> None:
    (path,) = sorted(SEED_DIR.glob("*.txt"))
    text = opencc.OpenCC("t2s").convert(path.read_text(encoding="utf-8"))
    meta, warnings = read_metadata(text.splitlines())
    assert meta.title == "包头市2017年政府信息公开工作年度报告"
    assert meta.index_no == "011536003/2018-00124"
    assert meta.category == "信息公开年报"
    assert meta.publish_date == date(2018, 3, 22)
    assert meta.publish_date_raw == "2018年03月22日"
    assert meta.publisher == "市人民政府办公厅"
    assert meta.keywords is None
    assert meta.doc_no is None
    assert meta.written_date is None
    assert meta.extra == ()
    assert warnings == ()
    assert region_and_year(meta.title) == ("包头市", 2017)


def test_seed_lines_split_at_next_known_label() -> None:
    meta, _ = read_metadata(
        [
            "索引号: 011536003/2018-00124 公开目录: 信息公开年报 发布日期: 2018年03月22日",
            "主题词: 发布机构: 市人民政府办公厅 文    号:",
        ]
    )
    assert (meta.index_no, meta.category, meta.publish_date_raw) == (
        "011536003/2018-00124",
        "信息公开年报",
        "2018年03月22日",
    )
    assert (meta.keywords, meta.publisher, meta.doc_no) == (None, "市人民政府办公厅", None)


def test_values_keep_inner_spaces() -> None:
    meta, _ = read_metadata(["分类: 综合政务 文秘工作 其他 发布机构: 包头市 人民政府办公厅 发布日期: 2018-03-22"])
    assert meta.category == "综合政务 文秘工作 其他"
    assert meta.publisher == "包头市 人民政府办公厅"
    assert meta.publish_date == date(2018, 3, 22)


def test_packed_paragraph() -> None:
    meta, _ = read_metadata(
        ["索引号：008470213/2019-00012 主题分类：综合政务 发文单位：绵竹市人民政府办公室 "
         "发文字号：绵府办发〔2019〕3号 成文日期：2019年3月20日 发布日期：2019-03-28 有效性：有效"]
    )
    assert meta.index_no == "008470213/2019-00012"
    assert meta.category == "综合政务"
    assert meta.publisher == "绵竹市人民政府办公室"
    assert meta.doc_no == "绵府办发〔2019〕3号"
    assert meta.written_date == date(2019, 3, 20)
    assert meta.publish_date == date(2019, 3, 28)
    assert meta.extra == (("有效性", "有效"),)


# --------------------------------------------------------------------------- families

GOVCN = """<div class="wrap"><table><tr><td><table class="bd1">
<tr><td><b>索 引 号：</b></td><td>000014349/2018-00222</td><td><b>主题分类：</b></td><td>卫生、体育\\医药管理</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院</td><td><b>成文日期：</b></td><td>2018年12月21日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅2018年政府信息公开工作年度报告</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2018〕43号</td><td><b>发布日期：</b></td><td>2018年12月29日</td></tr>
</table><table class="bd1"><tr><td><b>主 题 词：</b></td><td></td><td></td><td></td></tr></table>
</td></tr></table><table><tr><td class="b12c" id="UCAP-CONTENT">
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p><p>现将报告印发给你们。</p></td></tr></table></div>"""


def test_govcn_bd1_table() -> None:
    meta = meta_of(GOVCN)
    assert meta.title == "国务院办公厅2018年政府信息公开工作年度报告"
    assert meta.index_no == "000014349/2018-00222"
    assert meta.category == "卫生、体育\\医药管理"
    assert meta.publisher == "国务院"
    assert meta.written_date == date(2018, 12, 21)
    assert meta.doc_no == "国办发〔2018〕43号"
    assert meta.publish_date == date(2018, 12, 29)
    assert meta.keywords is None  # empty 主题词 must not swallow the salutation below it


TRS = """<div class="content"><div class="top"><div class="top-l">
<p><strong>索引号</strong>：000014348/2020-35147</p><p><strong>发布机构</strong>：邯郸市人民政府办公室</p>
<p><strong>名称</strong>：邯郸市2019年政府信息公开工作年度报告</p>
<!--<p><strong>主题词</strong>：年报</p>--></div>
<div class="top-r"><p><strong>文号</strong>：无</p><p><strong>主题分类</strong>：综合政务</p>
<p><strong>发布日期</strong>：2020年08月02日</p><!--<p><strong>成文日期</strong>：2020年08月01日</p>--></div></div>
<h1>邯郸市2019年政府信息公开工作年度报告</h1>
<div class="TRS_Editor"><p>根据《条例》规定，现公布本年度报告。</p></div></div>"""


def test_trs_strong_labels_and_commented_fields() -> None:
    meta = meta_of(TRS)
    assert meta.title == "邯郸市2019年政府信息公开工作年度报告"
    assert meta.index_no == "000014348/2020-35147"
    assert meta.publisher == "邯郸市人民政府办公室"
    assert meta.doc_no is None  # 无
    assert meta.category == "综合政务"
    assert meta.publish_date == date(2020, 8, 2)
    assert meta.keywords is None  # commented out
    assert meta.written_date is None  # commented out


WUXI = """<div class="table01"><table>
<tr><td class="t">信息索引号</td><td><!--<$[SYH]>-->014006438/2026-03652<!--<$[SYH]>--></td>
<td class="t">生成日期</td><td><!--<$[SCRQ]>-->2026-09-18<!--<$[SCRQ]>--></td>
<td class="t">公开日期</td><td><!--<$[FBRQ]>-->2026-09-30<!--<$[FBRQ]>--></td></tr>
<tr><td class="t">文件编号</td><td><!--<$[WJBH]>-->—&nbsp;&nbsp;—<!--<$[WJBH]>--></td>
<td class="t">效力状况</td><td colspan="3"><!--<$[XLZK]>-->有效<!--<$[XLZK]>--></td></tr>
<tr><td class="t">发布机构</td><td><!--<$[FBJG]>-->无锡市人民政府办公室<!--<$[FBJG]>--></td>
<!--<td class="t">附件下载</td><td></td>--></tr></table></div>
<div id="zoom"><p>无锡市2025年政府信息公开工作年度报告</p><p>本报告根据《条例》编制。</p></div>"""


def test_wuxi_comment_wrapped_values() -> None:
    meta = meta_of(WUXI)
    assert meta.index_no == "014006438/2026-03652"
    assert meta.publish_date == date(2026, 9, 30)  # 公开日期, not 生成日期
    assert meta.publish_date_raw == "2026-09-30"
    assert meta.doc_no is None  # —  — placeholder
    assert meta.publisher == "无锡市人民政府办公室"
    assert meta.written_date is None  # 生成日期 is an index stamp, not 成文日期
    assert meta.title == "无锡市2025年政府信息公开工作年度报告"
    assert ("生成日期", "2026-09-18") in meta.extra
    assert ("效力状况", "有效") in meta.extra


HANWEB = """<table><tr><td>索 引 号</td><td>014416330/2018-04736</td><td>分 类</td>
<td>政府信息公开年报 综合政务,文秘工作 其他</td></tr>
<tr><td>发布机构</td><td>市政府办</td><td>发文日期</td><td>2018-02-28</td></tr>
<tr><td>文 号</td><td></td><td>有 效 性</td><td></td></tr></table>
<div id="zoom"><p>泰州市2017年政府信息公开工作年度报告</p>
<p>根据《中华人民共和国政府信息公开条例》规定，特向社会公布本年度报告。</p></div>"""


def test_hanweb_grid_with_empty_cells() -> None:
    meta = meta_of(HANWEB)
    assert meta.index_no == "014416330/2018-04736"
    assert meta.category == "政府信息公开年报 综合政务,文秘工作 其他"
    assert meta.publisher == "市政府办"
    assert meta.publish_date == date(2018, 2, 28)  # 发文日期 as publish date
    assert meta.doc_no is None  # 文 号 sits next to 有 效 性
    assert meta.title == "泰州市2017年政府信息公开工作年度报告"
    assert meta.extra == ()  # the empty 有效性 did not take the title below it


EPOINT = """<div class="container"><div class="ewb-white"><div id="main">绵竹市2018年政府信息公开工作年度报告</div>
<div id="symbol"><div><div>索引号：008470213/2019-00012</div><div><span>文号：</span></div>
<div>发布日期：2019-03-28</div></div><div><div>信息来源：绵竹市人民政府办公室</div><div>关键词：年报</div></div></div>
<div class="ewb-article-detail"><p>本报告由绵竹市人民政府办公室编制。</p></div></div></div>"""


def test_epoint_label_colon_value_divs() -> None:
    meta = meta_of(EPOINT)
    assert meta.title == "绵竹市2018年政府信息公开工作年度报告"
    assert meta.index_no == "008470213/2019-00012"
    assert meta.doc_no is None
    assert meta.publish_date == date(2019, 3, 28)
    assert meta.publisher == "绵竹市人民政府办公室"  # 信息来源 when no 发布机构
    assert meta.keywords == "年报"


SUZHOU = """<div class="info">
<label><font>索&nbsp;引&nbsp;号：</font></label><div class="display-block">014000310/2019-00123</div>
<label><font>分&nbsp;&nbsp;&nbsp;&nbsp;类：</font></label><div class="display-block">政府信息公开年报</div>
<label><font>发布机构：</font></label><div class="display-block">苏州市人民政府办公室</div>
<label><font>发文日期：</font></label><div class="display-block">2019-01-30</div>
<label><font>文&nbsp;&nbsp;&nbsp;&nbsp;号：</font></label><div class="display-block"></div>
<label><font>标&nbsp;&nbsp;&nbsp;&nbsp;题：</font></label><div class="display-block">苏州市 2018年政府信息公开工作年度报告</div>
<label><font>内容概述：</font></label><div class="display-block">年度报告</div>
<label><font>时&nbsp;&nbsp;&nbsp;&nbsp;效：</font></label><div class="display-block">长期</div></div>
<div class="article-content" id="zoomcon"><p>一、概述</p></div>"""


def test_suzhou_label_font_display_block() -> None:
    meta = meta_of(SUZHOU)
    assert meta.index_no == "014000310/2019-00123"
    assert meta.category == "政府信息公开年报"
    assert meta.publisher == "苏州市人民政府办公室"
    assert meta.publish_date == date(2019, 1, 30)
    assert meta.doc_no is None
    assert meta.title == "苏州市2018年政府信息公开工作年度报告"  # space inside CJK removed
    assert meta.extra == (("内容概述", "年度报告"), ("时效", "长期"))


ANHUI = """<table class="xxgk">
<tr><th>索引号:</th><td>113417030032499282/202011-00140</td><th>组配分类:</th><td>政府信息公开年报</td></tr>
<tr><th>发布机构:</th><td>孙埠镇人民政府</td><th>主题分类:</th><td>综合政务</td></tr>
<tr><th>名称:</th><td>宣州区孙埠镇2020年政府信息公开工作年度报告</td><th>文号:</th><td>无</td></tr>
<tr><th>生成日期:</th><td>2020-11-14</td><th>发布日期:</th><td>2020-11-15</td></tr></table>
<div><p>一、总体情况</p></div>"""


def test_anhui_grid() -> None:
    meta = meta_of(ANHUI)
    assert meta.index_no == "113417030032499282/202011-00140"
    assert meta.category == "政府信息公开年报"  # first category label wins …
    assert ("主题分类", "综合政务") in meta.extra  # … the other is kept
    assert meta.publisher == "孙埠镇人民政府"
    assert meta.title == "宣州区孙埠镇2020年政府信息公开工作年度报告"
    assert meta.doc_no is None
    assert meta.publish_date == date(2020, 11, 15)  # not 生成日期
    assert ("生成日期", "2020-11-14") in meta.extra


QIQIHAR = """<table><tr><td>索   引   号</td><td>20191202-189769</td><td>分        类</td>
<td>其他; 市人民政府办公室; 市政府、市政府办公室文件;</td></tr>
<tr><td>发 布 机 构</td><td>齐齐哈尔市人民政府办公室</td><td>上 载 日 期</td><td>2019-12-02</td></tr></table>
<p>齐齐哈尔市2018年政府信息公开工作年度报告</p><p>信息来源: 市政府办公室</p>"""


def test_qiqihar_padded_labels() -> None:
    meta = meta_of(QIQIHAR)
    assert meta.index_no == "20191202-189769"
    assert meta.category == "其他; 市人民政府办公室; 市政府、市政府办公室文件"
    assert meta.publisher == "齐齐哈尔市人民政府办公室"  # 发布机构 beats 信息来源
    assert meta.publish_date == date(2019, 12, 2)
    assert meta.title == "齐齐哈尔市2018年政府信息公开工作年度报告"


DTDD = """<dl><dt>索引号：</dt><dd>11110000000000000X/2026-00001</dd><dt>发文机构：</dt><dd>北京市人民政府</dd>
<dt>发文字号：</dt><dd>京政发〔2026〕1号</dd><dt>成文日期：</dt><dd>2026年01月05日</dd>
<dt>发布日期：</dt><dd>2026-01-10</dd></dl><h1>北京市2025年政府信息公开工作年度报告</h1><p>正文。</p>"""

THTD = """<table><tr><th>索引号</th><td>11110000000000000X/2026-00001</td><th>发文机构</th><td>北京市人民政府</td></tr>
<tr><th>发文字号</th><td>京政发〔2026〕1号</td><th>发布日期</th><td>2026-01-10</td></tr></table>
<h1>北京市2025年政府信息公开工作年度报告</h1>"""


@pytest.mark.parametrize("html", [DTDD, THTD], ids=["dt-dd", "th-td"])
def test_beijing_pairs(html: str) -> None:
    meta = meta_of(html)
    assert meta.index_no == "11110000000000000X/2026-00001"
    assert meta.publisher == "北京市人民政府"
    assert meta.doc_no == "京政发〔2026〕1号"
    assert meta.publish_date == date(2026, 1, 10)
    assert meta.title == "北京市2025年政府信息公开工作年度报告"


WUHAN = """<div class="sub"><ul><li>索引号： K28044908/2026-04277</li><li>发文机构： 武汉市人民政府办公厅</li>
<li>发文字号： 武政规〔2026〕4号</li><li>主题分类： 综合政务</li><li>成文日期： 2026年02月13日</li>
<li>发布日期： 2026年02月20日</li><li>有效性： 有效</li></ul></div><p>武汉市2025年政府信息公开工作年度报告</p>"""


def test_li_label_value() -> None:
    meta = meta_of(WUHAN)
    assert meta.index_no == "K28044908/2026-04277"
    assert meta.publisher == "武汉市人民政府办公厅"
    assert meta.doc_no == "武政规〔2026〕4号"
    assert meta.category == "综合政务"
    assert meta.written_date == date(2026, 2, 13)
    assert meta.publish_date == date(2026, 2, 20)
    assert meta.extra == (("有效性", "有效"),)


def test_hubei_adjacent_empty_labels() -> None:
    meta = meta_of(
        """<table><tr><td>内容分类:</td><td>实 效 性:现行有效</td><td>文 号:鄂工商规[2014]126号</td></tr>
        <tr><td>发文机关:</td><td>发文日期:</td><td>生效日期:</td></tr></table>
        <p>湖北省工商局2014年政府信息公开工作年度报告</p>"""
    )
    assert meta.category is None
    assert meta.doc_no == "鄂工商规[2014]126号"
    assert meta.publisher is None
    assert meta.publish_date is None
    assert meta.extra == (("实效性", "现行有效"),)


# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("placeholder", ["无", "—  —", "--", "：", "-", "/"])
def test_empty_placeholders(placeholder: str) -> None:
    meta, _ = read_metadata(["文号：", placeholder, "主题词：" + placeholder, "发布机构：办公厅"])
    assert meta.doc_no is None
    assert meta.keywords is None
    assert meta.publisher == "办公厅"


def test_first_wins_but_later_non_empty_beats_empty() -> None:
    meta, _ = read_metadata(
        ["索引号：", "发布机构：", "索引号：011536003/2018-00124", "发布机构：甲办公室", "发布机构：乙办公室"]
    )
    assert meta.index_no == "011536003/2018-00124"
    assert meta.publisher == "甲办公室"


def test_publish_label_beats_weaker_synonym() -> None:
    meta, _ = read_metadata(["发文日期：2018-02-20", "发布日期：2018-02-28"])
    assert meta.publish_date == date(2018, 2, 28)
    assert ("发文日期", "2018-02-20") in meta.extra


def test_chrome_dates_ignored() -> None:
    meta, _ = read_metadata(
        ["今天是2026年11月25日 星期三", "首页 > 政务公开 > 年报", "发布时间：2020-01-10 来源：市政府办公室 浏览次数：123"]
    )
    assert meta.publish_date == date(2020, 1, 10)
    assert meta.publish_date_raw == "2020-01-10"
    assert meta.publisher == "市政府办公室"


def test_no_metadata_no_dates() -> None:
    meta, _ = read_metadata(["今天是2026年11月25日 星期三", "本报告统计期限为2017年1月1日至2017年12月31日。"])
    assert meta.publish_date is None
    assert meta.publish_date_raw is None


def test_traditional_leftovers_and_pinyin() -> None:
    meta, _ = read_metadata(["索引號：011536003/2018-00124 發布日期：2018年03月22日", "发(fā)布机构：市政府办"])
    assert meta.index_no == "011536003/2018-00124"
    assert meta.publish_date == date(2018, 3, 22)
    assert meta.publisher == "市政府办"


def test_label_words_in_prose_and_tables_are_not_metadata() -> None:
    meta, _ = read_metadata(
        [
            "（数据来源：统计局）全年发布信息1234条。",
            "本年度主动公开文件的文号均已标注，发布日期见附表。",
            "名称",
            "数量",
            "分类",
            "合计",
        ]
    )
    assert meta == Metadata()


def test_unparsable_publish_date_warns() -> None:
    meta, warnings = read_metadata(["发布日期：近日"])
    assert meta.publish_date is None
    assert meta.publish_date_raw == "近日"
    assert any("publish date" in w for w in warnings)


def test_unknown_pairs_inside_block_go_to_extra() -> None:
    meta, _ = read_metadata(
        ["索引号：011536003/2018-00124", "公开责任处室：办公室", "发布日期：2018-03-22", "地址：某路1号"]
    )
    assert meta.extra == (("公开责任处室", "办公室"),)  # 地址 after the block stays out


# --------------------------------------------------------------------------- head and title

HEAD_HTML = """<html><head><title>包头市2017年政府信息公开工作年度报告_政府信息公开年报_包头市人民政府</title>
<meta name="ArticleTitle" content="包头市2017年政府信息公开工作年度报告">
<meta name="PubDate" content="2018-03-22 09:30">
<meta name="ContentSource" content="市人民政府办公厅">
<meta name="Keywords" content="年报,政务公开">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta property="og:title" content="og">
<meta name="SiteName" content="包头市人民政府"><meta name="sitename" content="second"></head>
<body><p>正文</p></body></html>"""


def test_read_head() -> None:
    head = read_head(LexborHTMLParser(HEAD_HTML))
    assert head["articletitle"] == "包头市2017年政府信息公开工作年度报告"
    assert head["pubdate"] == "2018-03-22 09:30"
    assert head["contentsource"] == "市人民政府办公厅"
    assert head["content-type"] == "text/html; charset=utf-8"
    assert head["og:title"] == "og"
    assert head["sitename"] == "包头市人民政府"  # first occurrence wins
    assert head["<title>"].startswith("包头市2017年")


def test_head_fallbacks() -> None:
    head = read_head(LexborHTMLParser(HEAD_HTML))
    meta, _ = read_metadata(["正文"], head=head)
    assert meta.title == "包头市2017年政府信息公开工作年度报告"
    assert meta.publish_date == date(2018, 3, 22)
    assert meta.publish_date_raw == "2018-03-22 09:30"
    assert meta.publisher == "市人民政府办公厅"
    assert meta.keywords == "年报,政务公开"


def test_page_beats_head() -> None:
    head = {"articletitle": "头部标题报告", "pubdate": "2020-01-01", "contentsource": "头部"}
    meta, _ = read_metadata(["标题：页面标题", "发布日期：2018-03-22", "发布机构：页面机构"], head=head)
    assert (meta.title, meta.publish_date, meta.publisher) == ("页面标题", date(2018, 3, 22), "页面机构")


def test_spam_keywords_in_head_ignored() -> None:
    meta, _ = read_metadata([], head={"keywords": "天辰娱乐,南山娱乐app,牛彩娱乐登录"})
    assert meta.keywords is None


@pytest.mark.parametrize(
    ("title_tag", "expected"),
    [
        ("包头市2017年政府信息公开工作年度报告-pg电子麻将胡了", "包头市2017年政府信息公开工作年度报告"),
        ("包头市人民政府_政务公开_包头市2017年政府信息公开工作年度报告", "包头市2017年政府信息公开工作年度报告"),
        ("包头市2017年政府信息公开工作年度报告|天辰娱乐", "包头市2017年政府信息公开工作年度报告"),
        ("包头市体育局2017年政府信息公开工作年度报告_体育app官网下载", "包头市体育局2017年政府信息公开工作年度报告"),
        ("国务院关于印发某某规划的通知_国务院文件_中国政府网", "国务院关于印发某某规划的通知"),
    ],
)
def test_title_from_title_tag(title_tag: str, expected: str) -> None:
    meta, warnings = read_metadata(["正文第一段。"], head={"<title>": title_tag})
    assert meta.title == expected
    assert warnings


def test_title_from_first_report_like_segment() -> None:
    meta, _ = read_metadata(
        [
            "免费菠萝视频app下载",
            "首页>>政务公开>>政府信息公开年报",
            "政府信息公开年报",
            "包头市 2017年政府信息公开工作年度报告",
            "本年度报告按照《条例》要求编制。",
        ],
        head={"<title>": "别的标题"},
    )
    assert meta.title == "包头市2017年政府信息公开工作年度报告"


def test_empty_input() -> None:
    assert read_metadata([]) == (Metadata(), ())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("索引号发布日期文号机构：: 2018-03-22年月日无—标题名称分类ab")), max_size=40), max_size=12))
def test_read_metadata_never_raises(lines: list[str]) -> None:
    meta, warnings = read_metadata(lines)
    assert isinstance(meta, Metadata)
    assert isinstance(warnings, tuple)


# --------------------------------------------------------------------------- region and year


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("包头市2017年政府信息公开工作年度报告", ("包头市", 2017)),
        ("2019年包头市教育局政府信息公开工作年度报告", ("包头市", 2019)),
        ("北京市东城区人民政府2020年政府信息公开工作年度报告", ("北京市东城区", 2020)),
        ("国家统计局2020年政府信息公开工作年度报告", ("国家统计局", 2020)),
        ("国务院办公厅2019年政府信息公开工作年度报告", ("国务院办公厅", 2019)),
        ("二〇一九年度内蒙古自治区包头市昆都仑区政府信息公开工作年度报告", ("内蒙古自治区包头市昆都仑区", 2019)),
        ("包头市住房和城乡建设局2018年政府信息公开工作年度报告", ("包头市", 2018)),
        ("包头市市场监督管理局2019年度政府信息公开工作年度报告", ("包头市", 2019)),
        ("呼和浩特市2018年政府信息公开年报", ("呼和浩特市", 2018)),
        ("宣城市宣州区孙埠镇人民政府2020年政府信息公开工作年度报告", ("宣城市宣州区孙埠镇", 2020)),
        ("乌兰察布市察哈尔右翼前旗2019年度政府信息公开工作年度报告", ("乌兰察布市察哈尔右翼前旗", 2019)),
        ("延边朝鲜族自治州2019年政府信息公开工作年度报告", ("延边朝鲜族自治州", 2019)),
        ("锡林郭勒盟2017年政府信息公开工作年度报告", ("锡林郭勒盟", 2017)),
        ("包头市 2017年政府信息公开工作年度报告", ("包头市", 2017)),
        ("政府信息公开工作年度报告", (None, None)),
        (None, (None, None)),
        ("", (None, None)),
    ],
)
def test_region_and_year(title: str | None, expected: tuple[str | None, int | None]) -> None:
    assert region_and_year(title) == expected


FULL_PAGE = """<html><head><title>包头市2019年政府信息公开工作年度报告_年报_包头市人民政府</title>
<meta name="PubDate" content="2020-01-15"></head><body>
<div class="topbar">今天是2026年11月25日 星期三 <a>登录</a></div>
<div class="nav"><ul><li><a>首页</a></li><li><a>政务公开</a></li><li><a>政府信息公开年报</a></li></ul></div>
<div class="sidebar"><h3>主题分类</h3><ul><li><a>综合政务</a></li><li><a>国民经济管理</a></li>
<li><a>财政金融</a></li><li><a>城乡建设</a></li><li><a>卫生体育</a></li><li><a>教育</a></li></ul></div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<table class="xxgk"><tr><th>索引号：</th><td>011536003/2020-00007</td><th>公开目录：</th><td>政府信息公开年报</td></tr>
<tr><th>发布机构：</th><td>包头市人民政府办公厅</td><th>发布日期：</th><td>2020-01-20</td></tr>
<tr><th>文号：</th><td></td><th>主题词：</th><td></td></tr></table>
<h1>包头市2019年政府信息公开工作年度报告</h1>
<div class="TRS_Editor"><p>本报告由包头市人民政府办公厅编制，数据统计期限为2019年1月1日至12月31日。</p></div>
<div class="related"><h3>相关文件</h3><ul><li>关于印发某某办法的通知 发布日期：2019-05-01</li></ul></div>
<div class="footer">网站地图 | 联系我们 主办单位：包头市人民政府办公厅 蒙ICP备05003563号</div>
</body></html>"""


def test_full_page_with_chrome() -> None:
    tree = LexborHTMLParser(FULL_PAGE)
    meta, _ = read_metadata(list(iter_segments(tree.body)), head=read_head(tree))
    assert meta.index_no == "011536003/2020-00007"
    assert meta.category == "政府信息公开年报"  # not the sidebar's 综合政务
    assert meta.publisher == "包头市人民政府办公厅"
    assert meta.publish_date == date(2020, 1, 20)  # not 今天是…, not the head, not related list
    assert meta.doc_no is None
    assert meta.keywords is None
    assert meta.title == "包头市2019年政府信息公开工作年度报告"
    assert region_and_year(meta.title) == ("包头市", 2019)


def test_sidebar_label_without_block_is_not_trusted_over_block() -> None:
    meta, _ = read_metadata(
        ["主题分类", "综合政务", "国民经济管理", "财政金融", "教育", "卫生", "索引号：1/2020-1",
         "分类：政府信息公开年报", "发布日期：2020-01-20"]
    )
    assert meta.category == "政府信息公开年报"


def test_glued_and_bracketed_labels() -> None:
    meta, _ = read_metadata(["索引号：011536003/2018-00124发布日期：2018-03-22", "【发布机构】市政府办"])
    assert meta.index_no == "011536003/2018-00124"
    assert meta.publish_date == date(2018, 3, 22)
    assert meta.publisher == "市政府办"


def test_label_glued_inside_prose_is_not_a_pair() -> None:
    meta, _ = read_metadata(["本网站信息来源：包头市统计局"])
    assert meta.publisher is None


def test_body_pairs_are_not_extra() -> None:
    meta, _ = read_metadata(
        ["索引号：015310001/2017-00031", "发布日期：2017年03月30日", "正文第一段。", "正文第二段。",
         "正文第三段。", "正文第四段。", "附件：2016年度政府信息公开情况统计表", "有效性：有效"]
    )
    assert meta.extra == ()


def test_bare_label_with_self_evident_value() -> None:
    meta, _ = read_metadata(["正文。", "发布日期 2018-03-22", "正文。"])
    assert meta.publish_date == date(2018, 3, 22)
    meta, _ = read_metadata(["正文。", "发布机构 某某", "正文。"])
    assert meta.publisher is None  # a lone bare label with an ordinary value is not trusted


def test_region_after_guanyu() -> None:
    assert region_and_year("关于包头市2017年政府信息公开工作年度报告") == ("包头市", 2017)


def test_flattened_grid_lines_without_colons() -> None:
    meta, _ = read_metadata(
        ["索   引   号   20191202-189769   分        类   其他; 市人民政府办公室;",
         "发 布 机 构   齐齐哈尔市人民政府办公室   上 载 日 期   2019-12-02"]
    )
    assert (meta.index_no, meta.category) == ("20191202-189769", "其他; 市人民政府办公室")
    assert (meta.publisher, meta.publish_date) == ("齐齐哈尔市人民政府办公室", date(2019, 12, 2))
    meta, _ = read_metadata(["索引号 014416330/2018-04736 分类 政府信息公开年报 发布机构 市政府办 发文日期 2018-02-28 文号 有效性"])
    assert meta.category == "政府信息公开年报"
    assert meta.publish_date_raw == "2018-02-28"
    assert meta.doc_no is None


def test_title_near_block_beats_sidebar_link() -> None:
    meta, _ = read_metadata(
        ["往年年报", "包头市2016年政府信息公开工作年度报告", "包头市2015年政府信息公开工作年度报告",
         "导航一", "导航二", "导航三", "导航四", "导航五", "导航六", "导航七", "导航八", "导航九",
         "索引号：011536003/2018-00124", "发布日期：2018-03-22",
         "包头市2017年政府信息公开工作年度报告", "正文。"]
    )
    assert meta.title == "包头市2017年政府信息公开工作年度报告"


def test_title_tag_beats_undated_heading() -> None:
    meta, _ = read_metadata(["政府信息公开年报", "正文。"], head={"<title>": "包头市2017年政府信息公开工作年度报告_包头市人民政府"})
    assert meta.title == "包头市2017年政府信息公开工作年度报告"
    meta, _ = read_metadata(["政府信息公开工作年度报告", "正文。"])
    assert meta.title == "政府信息公开工作年度报告"


def test_lone_label_value_before_next_label() -> None:
    meta, _ = read_metadata(["发布时间：", "2026-09-30 17:18 来源：国务院办公厅"])
    assert meta.publish_date == date(2026, 9, 30)
    assert meta.publish_date_raw == "2026-09-30 17:18"
    assert meta.publisher == "国务院办公厅"


def test_head_date_beats_date_outside_block() -> None:
    lines = ["索引号：011536003/2018-00124", "发布机构：市政府办", "公开目录：年报", "正文。", "正文。",
             "正文。", "正文。", "相关文件", "发布日期：2019-05-01"]
    meta, _ = read_metadata(lines, head={"pubdate": "2018-03-22"})
    assert meta.publish_date == date(2018, 3, 22)
    meta, _ = read_metadata(lines)
    assert meta.publish_date == date(2019, 5, 1)  # nothing better


_LABEL_ALPHABET = "索引号发布日期机构文号主题分类来源时间标题名称【】[]〔〕：: \t\u3000\u00a0(fā)abc發佈題類號一二"


@given(st.text(alphabet=st.sampled_from(_LABEL_ALPHABET), max_size=40))
def test_label_matches_as_finditer(seg: str) -> None:
    """The pre-tested scan finds exactly what ``finditer`` finds."""
    from parsers import metadata_labels

    got = [(m.span(), m.groupdict()) for m in metadata_labels._label_matches(seg)]
    assert got == [(m.span(), m.groupdict()) for m in metadata_labels._LABEL_RE.finditer(seg)]
