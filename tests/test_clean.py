"""Container finding and chrome stripping on small pages built like each CMS family."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from parsers.clean import find_container, is_chrome_line, strip_chrome
from parsers.families import FAMILIES, family_by_name
from parsers.spam import remove_spam
from parsers.text import node_text, normalize_space

# the byte-identical copy in fixtures/ first, so the test runs in any checkout
SEED = next(
    iter(sorted((Path(__file__).resolve().parents[1] / "fixtures" / "seed").glob("*.txt"))
    + sorted((Path(__file__).resolve().parents[2] / "shared" / "seed").glob("*.txt"))),
    None,
)

PROSE = (
    "本年度报告根据《中华人民共和国政府信息公开条例》要求编制，全文包括概述、主动公开政府信息情况、"
    "依申请公开政府信息情况、政府信息公开收费及减免情况、因政府信息公开申请提起行政复议和行政诉讼情况、"
    "存在的主要问题及改进措施等内容。本年度全市主动公开政府信息五万余条，其中规范性文件二十四件。"
)
PROSE2 = "我市将继续深入贯彻落实政务公开工作要求，进一步规范网站集群建设，主管主办政府网站要加强内容保障。"

STATS_TABLE = """
<table class="MsoNormalTable" border="1">
<tr><td><p><span>统  计  指  标</span></p></td><td>单位</td><td>统 计 数</td></tr>
<tr><td>一、主动公开情况</td><td>-</td><td>-</td></tr>
<tr><td>（一）主动公开政府信息数</td><td>条</td><td><span lang="EN-US">54835</span></td></tr>
<tr><td>　其中：主动公开规范性文件数</td><td>条</td><td>24</td></tr>
<tr><td>二、依申请公开情况</td><td>-</td><td>-</td></tr>
<tr><td>（一）收到申请数</td><td>件</td><td>81</td></tr>
<tr><td>（二）申请办结数</td><td>件</td><td>81</td></tr>
<tr><td>三、行政复议数量</td><td>件</td><td>3</td></tr>
<tr><td>四、政府信息公开咨询数</td><td>次</td><td>45478(政府热线)</td></tr>
</table>
"""

FOOTER = """
<div class="footer"><ul><li><a href="/">返回首页</a> | <a href="/sm">网站声明</a> | <a href="/lx">联系我们</a>
 | <a href="/map">网站地图</a></li></ul>
<p><font>冀ICP备05029117号-1</font></p><p>冀公网安备 13042002000523号</p><p>网站标识码 1304000009</p>
<p>主办单位：邯郸市人民政府办公室</p>
<script>document.write(unescape("%3Cspan id='_ideConac'%3E%3C/span%3E"));</script>
<script id="_jiucuo_" sitecode="1304000009" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>
</div>
"""

NAV = """
<div class="header"><div class="sx-navs"><ul>
<li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li>
<li><a href="/zjhd/">走进邯郸</a></li><li><a href="/xwzx/">新闻中心</a></li><li><a href="/zfxxgk/">政府信息公开</a></li>
</ul></div></div>
"""


def _page(body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'><title>年度报告</title>{head}</head><body>{body}</body></html>"


def _clean(html: str) -> tuple[str, str | None, int, str]:
    tree = LexborHTMLParser(html)
    remove_spam(tree, html)
    node, family = find_container(tree)
    before = node_text(node)
    n = strip_chrome(node)
    return node_text(node), family, n, before


# --------------------------------------------------------------------------- families

TRS = _page(
    NAV
    + """
<div class="content">
  <div class="top"><div class="top-l"><p><strong>索引号</strong>：000014348/2020-35147</p></div>
  <div class="top-r"><p><strong>发布日期</strong>：2020年08月02日</p></div></div>
  <div class="title">邯郸市2017年政府信息公开工作年度报告</div>
  <div class="zoom-bar">【 字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a>
   <a href="javascript:doZoom(12)">小</a> 】</div>
  <div class="TRS_Editor"><style>.TRS_Editor P{margin-top:5px;font-family:宋体;font-size:12pt}</style>
    <div class="Custom_UnionStyle"><p class="MsoNormal"><span>"""
    + PROSE
    + """</span></p><p>"""
    + PROSE2
    + "</p>"
    + STATS_TABLE
    + """</div></div>
  <div class="share"><div class="bdsharebuttonbox"><a class="bds_weixin" href="#"></a><a class="bds_tsina" href="#"></a></div>
   <a href="javascript:window.print()">【打印此页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
</div>"""
    + FOOTER
)


def test_trs_container_drops_css_and_share_bar() -> None:
    text, family, removed, before = _clean(TRS)
    assert family == "trs"
    assert "本年度报告根据" in text and "54835" in text and "45478(政府热线)" in text
    assert "font-family" not in text and "TRS_Editor" not in text
    for chrome in ("打印此页", "关闭窗口", "政务公开\n办事服务", "ICP备", "网站地图", "字体"):
        assert chrome not in text
    assert removed >= 1


HANWEB = _page(
    """
<div class="table01"><table><tr><td class="t">信息索引号</td><td><!--<$[SYH]>-->014006438/2026-03652<!--<$[SYH]>--></td>
<td class="t">生成日期</td><td>2018-02-28</td></tr></table></div>
<div id="zoom"><!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">
<P><FONT face=楷体_GB2312>"""
    + PROSE
    + "</FONT></P>"
    + STATS_TABLE
    + """<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end-->
<div class="related">相关链接：<a href="/a">其他年报</a></div>
</div>
<div class="fenxiang">分享到：<a href="#">微信</a></div>
"""
    + FOOTER
)


def test_hanweb_zoom_with_comment_markers() -> None:
    text, family, _, _ = _clean(HANWEB)
    assert family == "hanweb"
    assert "本年度报告根据" in text and "54835" in text
    assert "相关链接" not in text and "014006438" not in text and "分享到" not in text


VSB = _page(
    """<wbr id="cxndz"></wbr>
<table class="layout"><tr><td>首 页&gt;&gt;政务公开&gt;&gt;公开信息内容 |</td>
<td><form action="/search.jsp">信息检索:<input name="q"><input type="submit" value="搜索"></form></td></tr></table>
<table class="layout"><tr><td class="title">包头市2017年政府信息公开工作年度报告</td></tr>
<tr><td>索引号: 011536003/2018-00124 公开目录: 信息公开年报 发布日期: 2018年03月22日</td></tr>
<tr><td>主题词: 发布机构: 市人民政府办公厅 文&nbsp;&nbsp;&nbsp; 号:</td></tr></table>
<form name="_newscontent_fromname"><div id="vsb_content_2"><div class="v_news_content">
<p class="MsoNormal">"""
    + PROSE
    + "</p><p>"
    + PROSE2
    + "</p>"
    + STATS_TABLE
    + """</div></div>
<div>点击次数：<script>_showDynClicks("wbnews", 1451, 2021)</script></div>
</form>
<div class="foot"><p>网站地图&nbsp;&nbsp;|&nbsp;&nbsp;联系我们&nbsp;</p>
<p>包头市人民政府主办 包头市人民政府办公厅承办</p>
<p>蒙ICP备05003330号 蒙?网警150202000048 政府网站标识码:1502000040</p><p>蒙公网安备 15020702000161号</p></div>
<div><a href="/x1.html">天辰娱乐</a> <a href="/x2.html">南山娱乐app</a> <a href="/x3.html">南山娱乐</a>
<a href="/x4.html">登录</a> <a href="/x5.html">摩臣2娱乐</a> <a href="/x6.html">蚂蚁娱乐</a></div>
"""
)


def test_vsb_seed_like_page() -> None:
    text, family, _, before = _clean(VSB)
    assert family == "vsb"
    assert "本年度报告根据" in text and "主管主办政府网站" in text and "54835" in text
    for chrome in ("首 页", "信息检索", "点击次数", "网站地图", "ICP备", "公网安备", "天辰娱乐", "cxndz"):
        assert chrome not in text
    # the layout table holding the metadata line is not mistaken for a statistics table
    assert "索引号" not in before


GOV_CN = _page(
    """
<div class="wrap"><table><tr><td>
<table class="bd1"><tr><td><b>索 引 号：</b></td><td>000014349/2018-00222</td><td><b>主题分类：</b></td><td>卫生、体育\\医药管理</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2018年03月27日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅2017年政府信息公开工作年度报告</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2018〕12号</td><td><b>发布日期：</b></td><td>2018年03月30日</td></tr></table>
</td></tr></table>
<table><tr><td class="b12c" id="UCAP-CONTENT"><p style="text-indent:2em">"""
    + PROSE
    + "</p>"
    + STATS_TABLE
    + """</td></tr></table><!--/enpcontent-->
<div id="qr_container">扫一扫在手机打开当前页</div>
<img src="/images/sendmail.gif" style="display:none">
<div class="de_bannerS"><img src="banner.jpg"><a href="http://www.gov.cn/zhengce/a.htm" style="position:absolute;opacity:0">政策</a>
<a href="http://www.gov.cn/zhengce/b.htm" style="position:absolute;opacity:0">解读</a>
<a href="http://www.gov.cn/zhengce/c.htm" style="position:absolute;opacity:0">图解</a></div>
</div>"""
)


def test_gov_cn_overlay_links_are_not_spam() -> None:
    tree = LexborHTMLParser(GOV_CN)
    blocks, links = remove_spam(tree, GOV_CN)
    assert blocks == () and links == 0
    assert len(tree.css("div.de_bannerS a")) == 3
    assert tree.css_first("img[src$='sendmail.gif']") is not None
    node, family = find_container(tree)
    assert family == "gov_cn"
    strip_chrome(node)
    text = node_text(node)
    assert "本年度报告根据" in text and "54835" in text and "扫一扫" not in text
    # the metadata grid (numbers, dates, 政务公开) is not a statistics table: no widening
    assert "000014349" not in text


def test_real_container_after_html_beats_navigation_container() -> None:
    nav_links = "".join(f"<a href='/c{i}'>栏目名称{i}</a>" for i in range(20))
    html = (
        f"<html><body><div class='pages_content'>{nav_links}</div>"
        "<div class='footer'>版权所有：中国政府网</div></body></html>"
        f"<div id='UCAP-CONTENT'><p>{PROSE}</p>{STATS_TABLE}</div>"
    )
    text, family, _, _ = _clean(html)
    assert family == "gov_cn"
    assert "本年度报告根据" in text and "54835" in text and "栏目名称3" not in text


def test_tables_in_sibling_after_container_are_included() -> None:
    html = _page(
        NAV
        + f"<div class='main'><div id='zoom'><p>{PROSE}</p><p>{PROSE2}</p></div>"
        + f"<div class='tables'><p>附表：政府信息公开情况统计表</p>{STATS_TABLE}</div></div>"
        + FOOTER
    )
    text, family, _, _ = _clean(html)
    assert family == "hanweb"
    assert "本年度报告根据" in text and "54835" in text and "45478(政府热线)" in text
    assert "政务公开\n办事服务" not in text and "ICP备" not in text


def test_epoint_gkmlpt_label_font_ucap_containers() -> None:
    cases = {
        "epoint": "<div class='ewb-white'><div id='main'>年报</div><div class='ewb-article-detail'>{}</div></div>",
        "gkmlpt": "<div class='zw' wzades='正文'>{}</div><p noextractcontent><a href='/f.doc'>附件：年报</a></p>",
        "label_font": "<div class='info'><label><font>索 引 号：</font></label><div class='display-block'>x</div></div>"
        "<div class='article-content' id='zoomcon'>{}</div><div class='article-auxi'>打印本页</div>",
        "ucap": "<div class='article_content' id='zoomcon'><div class='time'>发布时间：2016-03-28 09:12 【字号："
        "<a href='javascript:doZoom(16)'>大</a> <a href='javascript:doZoom(14)'>中</a> <a>小</a>】</div>"
        "<UCAPCONTENT>{}</UCAPCONTENT></div>",
    }
    for name, skeleton in cases.items():
        html = _page(NAV + skeleton.format(f"<p>{PROSE}</p>{STATS_TABLE}") + FOOTER)
        text, family, _, _ = _clean(html)
        assert family == name, name
        assert "本年度报告根据" in text and "54835" in text, name
        assert "字号" not in text and "打印本页" not in text and "ICP备" not in text, name


def test_word_export_falls_back_to_text_density() -> None:
    html = _page(
        NAV
        + "<div class='main-wrap'><div class='left'><ul><li><a href='/1'>通知公告</a></li><li><a href='/2'>政策文件</a></li></ul></div>"
        + "<div class='right'><html xmlns:o='urn:schemas-microsoft-com:office:office'><head>"
        + "<meta name=ProgId content=Word.Document><style>p.MsoNormal{font-family:宋体}</style></head>"
        + f"<div class='WordSection1'><p class=MsoNormal><span>{PROSE}<o:p></o:p></span></p>"
        + f"<p class=MsoNormal>{PROSE2}</p>{STATS_TABLE}</div></div></div>"
        + FOOTER
    )
    text, family, _, _ = _clean(html)
    assert family is None
    assert "本年度报告根据" in text and "54835" in text
    assert "通知公告" not in text and "ICP备" not in text and "font-family" not in text


def test_candidate_holding_only_a_sliver_loses_to_density() -> None:
    # a tiny .article-content (an abstract) must not win over the full report elsewhere
    html = _page(f"<div class='article-content'>摘要：年度报告。</div><div class='x'><p>{PROSE}</p>{STATS_TABLE}</div>")
    text, family, _, _ = _clean(html)
    assert family is None and "54835" in text and "本年度报告根据" in text


def test_strip_chrome_keeps_prose_and_tables_with_chrome_words() -> None:
    html = _page(
        "<div id='zoom'><p>本机关主办的政府网站全年发布信息1234条，网站地图和联系我们栏目持续更新。</p>"
        f"<div class='footer-like'><p>{PROSE}</p>{STATS_TABLE}</div>"
        "<p>【打印此页】【关闭窗口】</p></div>"
    )
    tree = LexborHTMLParser(html)
    node, _ = find_container(tree)
    strip_chrome(node)
    text = node_text(node)
    assert "本机关主办的政府网站" in text and "54835" in text and "本年度报告根据" in text
    assert "打印此页" not in text


def test_end_marker_cuts_pagination_but_not_tables() -> None:
    html = _page(
        f"<div id='UCAP-CONTENT'><p>{PROSE}</p><div id='pagination'><a href='?p=2'>下一页</a></div>"
        "<div class='jiedu-blk'><a href='/jd'>图解</a></div>"
        f"{STATS_TABLE}</div>"
    )
    tree = LexborHTMLParser(html)
    node, family = find_container(tree)
    strip_chrome(node)
    text = node_text(node)
    assert family == "gov_cn" and "54835" in text and "下一页" not in text and "图解" not in text


def test_deep_nesting_does_not_recurse() -> None:
    depth = 10_000
    html = "<html><body>" + "<div>" * depth + f"<p>{PROSE}</p>" + "</div>" * depth + "</body></html>"
    tree = LexborHTMLParser(html)
    remove_spam(tree, html)
    node, _ = find_container(tree)
    strip_chrome(node)
    assert "本年度报告根据" in node.text()
    salad = "<html><body><p>" + PROSE + "</p>" + "<s id='abcd-efgh'>" * depth + "<a href='http://x.icu'>x</a></body></html>"
    tree = LexborHTMLParser(salad)
    remove_spam(tree, salad)
    node, _ = find_container(tree)
    strip_chrome(node)


def test_families_are_data() -> None:
    names = [f.name for f in FAMILIES]
    assert names == [
        "gov_cn", "trs", "hanweb", "vsb", "epoint", "gkmlpt", "ucap", "label_font", "padded_grid", "mirror",
    ]
    assert family_by_name("vsb").selectors[0].startswith("[id^=vsb_content]")
    with pytest.raises(KeyError):
        family_by_name("nope")


# --------------------------------------------------------------------------- chrome lines

CHROME = [
    "首页 >> 政务公开 >> 年度报告",
    "首 頁>>政務公開>>公開信息內容",
    "当前位置：首页 > 信息公开 > 年报",
    "您的位置：首页",
    "政务公开 > 政府信息公开 > 年度报告",
    "信息检索:",
    "信息檢索:",
    "【打印此页】【关闭窗口】",
    "[打印本页] [关闭]",
    "【 字体：大 中 小 】",
    "字号：大 中 小",
    "发布时间：2016-03-28 09:12 【字号：大 中 小】",
    "扫一扫在手机打开当前页",
    "点击次数：",
    "浏览次数: 1234",
    "发布时间：2018-03-22 浏览次数：12",
    "网站地图 | 联系我们",
    "網站地圖 | 聯系我們",
    "返回首页 | 网站声明 | 联系我们 | 网站地图 | 帮助",
    "主办单位：包头市人民政府",
    "包头市人民政府主办 包头市人民政府办公厅承办",
    "包頭市人民政府主辦 包頭市人民政府辦公廳承辦",
    "承办：市政府办公厅",
    "技术支持：开普云",
    "版权所有：包头市人民政府",
    "冀ICP备05029117号-1",
    "蒙ICP備05003330號 蒙?網警150202000048 政府網站標識碼:1502000040",
    "冀公网安备 13042002000523号",
    "蒙公網安備 15020702000161號",
    "网站标识码 1304000009",
    "政府网站标识码:1502000040",
    "今天是2018年3月22日 星期四",
    "地址：包头市阿尔丁大街；邮编：014000 蒙ICP备05003330号",
]
NOT_CHROME = [
    "本机关主办的网站共发布信息1234条。",
    "2.提升網站集群效應。進一步規範各地區、各部門建立主管主辦政府網站",
    "门户网站集群建设由市政府主办",
    "市政府门户网站访问量：123万人次",
    "（一）主动公开政府信息数",
    "54835",
    "45478(政府热线)",
    "一、主动公开情况",
    "通过政府网站、政务微博、微信等渠道公开信息。",
    "网站",
    "",
    "承办人大代表建议和政协提案87件。",
    "承办人大代表建议87件",
    "相关信息均已及时公开",
    "完成网站ICP备案变更工作",
    "主办、承办单位均按要求报送材料。",
    "返回式调查问卷",
]


@pytest.mark.parametrize("line", CHROME)
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize("line", NOT_CHROME)
def test_not_chrome_lines(line: str) -> None:
    assert not is_chrome_line(line)


@pytest.mark.skipif(SEED is None, reason="seed page not present")
def test_seed_chrome_lines_are_exactly_the_site_chrome() -> None:
    assert SEED is not None
    lines = SEED.read_text(encoding="utf-8").splitlines()
    chrome = [normalize_space(line) for line in lines if is_chrome_line(line)]
    assert chrome == [
        "首 頁>>政務公開>>公開信息內容",
        "信息檢索:",
        "網站地圖 | 聯系我們",
        "包頭市人民政府主辦 包頭市人民政府辦公廳承辦",
        "蒙ICP備05003330號 蒙?網警150202000048 政府網站標識碼:1502000040",
        "蒙公網安備 15020702000161號",
    ]


def test_counter_table_in_footer_does_not_widen() -> None:
    counter = (
        "<div class='footer'><table><tr><td>网站访问统计</td><td>次</td></tr><tr><td>今日访问</td><td>123</td></tr>"
        "<tr><td>本月访问</td><td>4567</td></tr><tr><td>累计访问</td><td>890123</td></tr>"
        "<tr><td>信息公开条数</td><td>5432</td></tr></table><p>蒙ICP备05003330号</p></div>"
    )
    html = _page(NAV + f"<div class='main'><div id='zoom'><p>{PROSE}</p>{STATS_TABLE}</div></div>" + counter)
    tree = LexborHTMLParser(html)
    node, family = find_container(tree)
    assert family == "hanweb" and node.attributes.get("id") == "zoom"


# --------------------------------------------------------------------------- speed shortcuts
# The shortcuts in parsers.chrome_lines, parsers.measure and parsers.clean must give the verdicts
# of the plain forms they replace.


def _plain_chrome_line(line: str) -> bool:
    """is_chrome_line as one loop over the patterns (the form before the speed work)."""
    from parsers import chrome_lines

    hint = re.compile(chrome_lines._tc("|".join(re.escape(w) for w in chrome_lines._HINT_WORDS)), re.IGNORECASE)
    if len(line) > 600 or not hint.search(line):
        return False
    line = normalize_space(line)
    if not line or len(line) > 300:
        return False
    short = len(line) <= 120 and not re.search("[。！？]", line)
    for i, pat in enumerate(chrome_lines._CHROME_PATTERNS):
        unanchored = not pat.startswith("^")
        if unanchored and not short:
            continue
        if re.search(chrome_lines._tc(pat), line, re.IGNORECASE):
            if unanchored and i == chrome_lines._SPONSOR_IDX and not chrome_lines._sponsor_shape(line):
                continue
            return True
    return False


def test_chrome_hint_matches_like_the_case_insensitive_pattern() -> None:
    from parsers import chrome_lines

    plain = re.compile(chrome_lines._tc("|".join(re.escape(w) for w in chrome_lines._HINT_WORDS)), re.IGNORECASE)
    rnd = random.Random(5)
    alphabet = (
        list("EnglishICPCopyrightcCO()©>»＞›İıſKk 的一是在不了有和人这中大为上个国")
        + [c for w in chrome_lines._HINT_WORDS for c in w] + list(chrome_lines._T.values())
    )
    samples = [w for w in chrome_lines._HINT_WORDS] + [w.upper() for w in chrome_lines._HINT_WORDS] + ["ENGLİSH", "engliſh", "ıcp"]
    samples += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 10))) for _ in range(20_000)]
    for s in samples:
        assert bool(chrome_lines._CHROME_HINT.search(s)) == bool(plain.search(s)), s


def test_chrome_line_alternations_match_the_pattern_loop() -> None:
    lines = CHROME + NOT_CHROME + [normalize_space(x) for x in (FOOTER, NAV)]
    if SEED is not None:
        lines += SEED.read_text(encoding="utf-8").splitlines()
    rnd = random.Random(7)
    for line in list(lines):
        for _ in range(10):
            chars = list(line)
            for _ in range(rnd.randrange(1, 4)):
                if chars and rnd.random() < 0.5:
                    del chars[rnd.randrange(len(chars))]
                else:
                    chars.insert(rnd.randrange(len(chars) + 1), rnd.choice(" 。，:：>|主办单位版权所有"))
            lines.append("".join(chars))
    for line in lines:
        assert is_chrome_line(line) == _plain_chrome_line(line), line


def _selector_element(selector: str, swap_case: bool) -> str:
    """An element that ``selector`` (``tag#id.class[attr=value]``) matches, holding prose."""
    m = re.fullmatch(r"([\w-]+)?(.*)", selector)
    assert m is not None
    tag, attrs, classes = m.group(1) or "div", [], []
    for kind, name, attr, op, value in re.findall(r"([#.])([\w-]+)|\[([\w-]+)(?:(\^?=)([^\]]+))?\]", m.group(2)):
        if kind == "#":
            attrs.append(f'id="{name.swapcase() if swap_case else name}"')
        elif kind == ".":
            classes.append(name.swapcase() if swap_case else name)
        else:
            attrs.append(f'{attr}="{value + "_1" if op == "^=" else value or "x"}"')
    if classes:
        attrs.append(f'class="x {" ".join(classes)}"')
    return f"<{tag} {' '.join(attrs)}><p>{PROSE}</p></{tag}>"


@pytest.mark.parametrize("doctype", ["<!DOCTYPE html>", ""])
def test_family_shortcut_never_skips_a_family_with_a_candidate(doctype: str) -> None:
    """find_container queries only the families that a node with enough text may match; every
    family whose query returns such a node must be among them (any case, quirks mode or not)."""
    from parsers import clean, measure

    for fam in FAMILIES:
        for selector in fam.selectors:
            for swap in (False, True):
                body = _selector_element(selector, swap)
                if selector.startswith("td"):
                    body = f"<table><tr>{body}</tr></table>"
                tree = LexborHTMLParser(f"{doctype}<html><head></head><body><div>{body}</div></body></html>")
                stats = clean.PageStats()
                measure._measure(tree.body, stats)
                possible = clean._possible_families(stats)
                for fi, other in enumerate(FAMILIES):
                    found = [n for n in tree.css(other.query) if (st := stats.get(n.mem_id)) and st.cjk >= 30]
                    assert not found or fi in possible, (selector, swap, other.name)
                    assert found or other is not fam or swap, selector  # the page does test the selector


@pytest.mark.parametrize("html", [TRS, HANWEB, VSB])
def test_strip_chrome_reusing_the_measurements_is_the_same(html: str) -> None:
    from parsers.clean import PageStats

    results = []
    for reuse in (False, True):
        tree = LexborHTMLParser(html)
        remove_spam(tree, html)
        stats = PageStats()
        node, family = find_container(tree, stats)
        n = strip_chrome(node, stats if reuse else None)
        results.append((family, n, node.html))
    assert results[0] == results[1]


_LINE_CASES = [
    "<div>正文<p>第一段</p>尾巴</div>",
    "<div>a <p>打印本页</p> b</div>",
    "<div><p>正文一</p> <div class='share'>分享到：</div> <p>正文二</p></div>",
    "<div>前 <span>x</span><div>关闭窗口</div><div>打印</div> 后<p>p</p></div>",
    "<div><p>one</p><nav>首页 > 信息公开 > 年报</nav>tail<br>more</div>",
    "<div><span>2011</span>年<span>9</span>月<script>x</script><p>文</p>  <p>　</p>\u200b</div>",
    "<div><table><tr><td>1</td><td>当前位置：首页</td></tr></table>正文<footer>版权所有</footer></div>",
]


@pytest.mark.parametrize("html", _LINE_CASES + [TRS, HANWEB, VSB])
def test_segments_from_the_measuring_walk(html: str) -> None:
    """The measuring walk's segments are iter_segments' (the page's and a block's), and after
    strip_chrome the patched container lines, when given, are what a new walk reads."""
    from parsers.measure import PageStats, _measure
    from parsers.text import iter_segments

    tree = LexborHTMLParser(html)
    stats = _measure(tree.body)
    assert stats.lines == list(iter_segments(tree.body))
    for node in tree.body.traverse():
        lines = stats.segments(node.mem_id)
        assert lines is None or lines == list(iter_segments(node))
    tree = LexborHTMLParser(html)
    stats = PageStats()
    node, _family = find_container(tree, stats)
    removed: list[int] = []
    strip_chrome(node, stats, removed)
    patched = stats.segments_without(node.mem_id, removed)
    assert patched is None or patched == list(iter_segments(node))


_STAT_ROWS = "".join(
    f"<tr><td>{label}</td><td> {n}件 </td><td>{n * 3}</td></tr>\n"
    for label, n in (("（一）主动公开政府信息", 12), ("（二）依申请公开", 7), ("行政复议", 3), ("行政诉讼", 0), ("收费金额", 5))
)
_PLAIN_TABLE_CASES = [
    f"<div><p>{PROSE}</p><table><tbody>{_STAT_ROWS}</tbody></table><p>尾</p></div>",
    f"<div><p>{PROSE}</p><table><thead><tr><th>统计指标</th><th>单位</th><th>数量</th></tr></thead>{_STAT_ROWS}</table></div>",
    f"<div><a href='x'><table>{_STAT_ROWS}</table></a><p>{PROSE}</p></div>",  # inside a link: walked
    f"<div><p>{PROSE}</p><table>{_STAT_ROWS}<tr><td class='fenxiang'>分享</td><td>1</td></tr></table></div>",
    f"<div><p>{PROSE}</p><table id='zoom'>{_STAT_ROWS}<tr><td>{PROSE}</td></tr></table></div>",
    f"<table>{_STAT_ROWS}<tr><td class='b12c'>{PROSE}{PROSE}{PROSE}</td><td>2</td></tr></table>",
    f"<div><p>{PROSE}</p>前<table>{_STAT_ROWS}<!--/enpcontent--></table>后<div>关闭窗口</div></div>",
    f"<div><p>{PROSE}</p><table>{_STAT_ROWS.replace('件', '<x>件</x>')}</table></div>",
    # Word cells: blocks and inline runs inside cells, lines ended by blocks only
    f"<div><p>{PROSE}</p><table>{_STAT_ROWS.replace('<td>', '<td><p><span>').replace('</td>', '<o:p></o:p></span></p></td>')}</table></div>",
    f"<div><p>{PROSE}</p><table>{_STAT_ROWS.replace('件', '</p> <p>件').replace('<td> ', '<td><p>')}</table></div>",
    f"<div><p>{PROSE}</p><table>{_STAT_ROWS.replace('件', '<br>件<p></p>尾<div><p>深</p></div> 后')}</table></div>",
    f"<div><p>{PROSE}</p><table>{_STAT_ROWS.replace('件', '<p><b>1</b></p> <p>2</p>')}</table></div>",
    f"<div><p>{PROSE}</p><table><colgroup><col></colgroup>{_STAT_ROWS.replace('件', '<!-- c -->件')}</table></div>",
    f"<div><p>{PROSE}</p><table>{_STAT_ROWS.replace('件', '<a href=x>件</a>')}</table></div>",
    f"<div><p>{PROSE}</p><table>{_STAT_ROWS.replace('件', '<script>x</script>件')}</table></div>",
    f"<div><p>{PROSE}</p><table>{_STAT_ROWS.replace('件', '<span class=spam>x</span> <span class=fenxiang>分享</span>')}</table></div>",
    f"<div><p>{PROSE}</p><table>{_STAT_ROWS.replace('件', '件<span class=spam>x</span>件')}</table></div>",
]


@pytest.mark.parametrize("html", _PLAIN_TABLE_CASES)
def test_plain_tables_read_in_one_piece_change_nothing(html: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A statistics table read from lexbor's traversal (``_plain_table``) gives the container,
    family, removals, lines and every element's totals that the walk over its cells gives."""
    from parsers import measure
    from parsers.text import iter_segments

    def run() -> tuple:
        tree = LexborHTMLParser(html)
        # (a text node split in two inside a cell, as remove_spam's removals leave them)
        for span in tree.css("span.spam"):
            span.decompose()
        stats = measure.PageStats()
        node, family = find_container(tree, stats)
        body = tree.body
        assert body is not None
        totals = [(n.tag, stats.of(n)) for n in body.traverse()]
        texty = {stats.order[i].mem_id for i in stats.texty} | {n.mem_id for n in stats.texty_inside}
        texty_tags = sorted(n.tag or "" for n in body.traverse() if n.mem_id in texty)
        lines = stats.lines
        removed: list[int] = []
        n = strip_chrome(node, stats, removed)
        patched = stats.segments_without(node.mem_id, removed)
        assert patched is None or patched == list(iter_segments(node))
        return family, n, node.html, totals, texty_tags, lines, list(iter_segments(node))

    fast = run()
    monkeypatch.setattr(measure, "_plain_table", lambda table, kinds: None)
    assert fast == run()


def test_plain_table_is_used() -> None:
    from parsers import clean

    tree = LexborHTMLParser(_PLAIN_TABLE_CASES[0])
    stats = clean.PageStats()
    find_container(tree, stats)
    assert len(stats.tables) == 1
