"""The metadata block above a report: 索引号, 公开目录, 发布日期, 发布机构, 文号 … and the title.

Every CMS family prints the same handful of fields in its own shape (page-layouts.md §1, §5):
``td``/``td`` grids with padded labels (``索　引　号``), ``<p><strong>索引号</strong>：v``,
``label：value`` divs, ``dt``/``dd``, and, on the seed, several pairs on one text line separated
only by spaces. Values contain spaces themselves (``综合政务 文秘工作 其他``), so a line is cut at
the *next known label*, never at white space. The reader works on segments (one per paragraph or
cell) so it serves DOM and plain-text pages alike.

Chrome is still on the page, so a label only counts where a label can stand: at the start of
a segment (or after white space / a colon-ended pair in a short line), with a colon, spaced out
(``索 引 号``), or in the company of other labels; a lone label takes the next segment as its
value only if that segment is plausible for the field (a date for 发布日期, not a salutation or
the report title). Chrome words (浏览次数, 字号, 今天是 …) only end a value.

Field choice: values from the *metadata block* (the run of labelled segments naming the most
fields) beat stray ones (a sidebar's 主题分类, a related-links 发布日期); then primary labels
(发布日期) beat weaker synonyms (发文日期, 来源), which beat ``<head>`` metas; then the first
non-empty value wins. Pairs of the block that no field kept go to ``extra`` under their printed
label (有效性, 生成日期 — never the publish date —, a losing 主题分类, unknown ``label：value``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from .dates import find_year, parse_date
from .model import Metadata
from .text import compact, normalize_space

__all__ = ["read_head", "read_metadata", "region_and_year"]

# --------------------------------------------------------------------------- label catalogue

#: Traditional (and variant) forms of label characters, so leftovers after t2s still match.
_VARIANTS = {
    "号": "號", "发": "發", "开": "開", "题": "題", "词": "詞", "机": "機", "构": "構",
    "类": "類", "关": "關", "键": "鍵", "录": "錄", "称": "稱", "时": "時", "间": "間",
    "单": "單", "编": "編", "属": "屬", "栏": "欄", "组": "組", "状": "狀", "态": "態",
    "况": "況", "门": "門", "实": "實", "废": "廢", "统": "統",
    "览": "覽", "击": "擊", "数": "數", "访": "訪", "问": "問", "读": "讀", "责": "責",
    "辑": "輯", "页": "頁", "闭": "閉", "扫": "掃", "护": "護", "围": "圍",
    "种": "種", "内": "內", "对": "對", "务": "務", "联": "聯", "载": "載",
    "认": "認", "节": "節", "规": "規", "划": "劃", "术": "術", "产": "產", "报": "報",
    "复": "復", "标": "標", "体": "體", "应": "應", "布": "佈", "图": "圖",
    "效": "効", "级": "級", "传": "傳",
}

# (field, tier, spellings). Fields: index_no, category, publish, written, keywords, publisher,
# doc_no, title; "extra" keeps the pair under its printed label; "chrome" only ends a value.
# Lower tier wins within a field. 释出日期/释出机构 are Taiwan-phrase (s2twp) mirrors of 发布… after t2s.
_LABELS: tuple[tuple[str, int, str], ...] = (
    ("index_no", 0, "索引号 信息索引号 内容索引号 索取号 索引编号"),
    ("category", 0, "公开目录 主题分类 组配分类 信息分类 内容分类 所属栏目 所属类别 所属分类 分类 栏目分类 公开类别 信息类别 目录分类"),
    ("publish", 0, "发布日期 公开日期 发布时间 上载日期 公开时间 发稿时间 发稿日期 上网日期 发表日期 发表时间 信息发布日期 释出日期 释出时间"),
    ("publish", 1, "发文日期 印发时间"),
    ("publish", 2, "日期 时间 更新时间 更新日期"),
    ("written", 0, "成文日期 印发日期 成文时间"),
    ("keywords", 0, "主题词 关键词 关键字"),
    ("publisher", 0, "发布机构 发文机关 发文机构 发布单位 制发机关 发文单位 发布部门 发布机关 公开机构 公开单位 发布者 释出机构 释出单位"),
    ("publisher", 1, "信息来源 来源 文章来源 稿件来源 来源单位"),
    ("doc_no", 0, "文号 发文字号 文件编号 发文号 文件字号 发文编号"),
    ("title", 0, "标题 名称 文件名称 信息名称 文章标题 题名 文件标题"),
    ("extra", 0, "有效性 效力状况 效力状态 时效 实效性 时效性 有效期 公开时限 公文种类 文种 公开方式 公开范围 公开形式 "
                 "内容概述 摘要 生成日期 生效日期 实施日期 施行日期 废止日期 废止时间 失效日期 统一编号 登记号 联合发文单位 "
                 "体裁分类 服务对象分类 服务对象 主题 信息类型 文件类型 文件状态 是否有效 所属机构 所属主题 归属部门 "
                 "备注 附件 语种 载体类型 公开责任部门 责任部门 责任人 审核人"),
    ("chrome", 0, "浏览次数 点击次数 点击数 访问次数 阅读次数 浏览量 阅读量 访问量 浏览 字号 字体 作者 责任编辑 编辑 "
                  "打印本页 打印此页 打印 关闭窗口 关闭本页 分享到 扫一扫 视力保护色 今天是 信息检索 当前位置 您的位置 "
                  "我要纠错 收藏"),
)
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Two-character words that also occur as ordinary text: a colon or nearby labels must vouch.
_WEAK = _words("分类 名称 标题 文号 来源 时效 日期 时间 栏目 主题 摘要 备注 附件 语种 文种 浏览 打印 收藏 作者 编辑 字号 字体 题名")
#: Labels that are never taken without a colon (too common in prose and navigation).
_COLON_ONLY = _words("日期 时间 来源 主题 摘要 备注 附件 语种 作者 编辑 浏览 打印 收藏 更新时间 更新日期")

_GAP = r"(?:[ \t\u3000\u00a0]|\([a-zA-Z\u00e0-\u01dc]{1,8}\))*"  # spaces, injected pinyin (fā)


def _char(ch: str) -> str:
    alt = _VARIANTS.get(ch)
    return f"[{ch}{alt}]" if alt and alt != ch else re.escape(ch)


def _trie_regex(words: Iterable[str]) -> str:
    """One alternation for all spellings, factored into a trie (``发(?:布(?:日期|机构)|文…)``):
    Python's ``re`` tries alternatives one by one, so a flat list of 150 labels is slow. Any
    white space or injected pinyin may sit between characters; Traditional variants match;
    the longest spelling wins (the optional tail is greedy)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def alternatives(node: dict) -> str:
        return "(?:" + "|".join(_char(ch) + tail(child) for ch, child in node.items() if ch) + ")"

    def tail(node: dict) -> str:
        """What may follow a matched character; optional if a word ends there."""
        if not any(node):
            return ""
        body = _GAP + alternatives(node)
        return f"(?:{body})?" if "" in node else body

    return alternatives(trie)


def _build() -> tuple[re.Pattern[str], dict[str, tuple[str, int]]]:
    spec: dict[str, tuple[str, int]] = {}
    for field, tier, words in _LABELS:
        for word in words.split():
            spec.setdefault(word, (field, tier))
    # Every label starts with one of these characters: the lookahead lets ``re`` pass over the
    # other positions of a segment without trying each branch of the trie there.
    first = _first_chars(spec)
    pattern = re.compile(
        rf"(?P<open>[【\[〔]?)(?={first})(?P<label>{_trie_regex(spec)})(?P<close>[】\]〕]?)[ \t\u3000\u00a0]*(?P<colon>[:：︰﹕])?"
    )
    return pattern, spec


def _chars_at(words: Iterable[str], i: int, extra: str = "") -> set[str]:
    """Characters at index ``i`` of ``words``, with their Traditional variants."""
    return {c for w in words for c in (w[i], _VARIANTS.get(w[i], w[i]))} | set(extra)


def _first_chars(words: Iterable[str]) -> str:
    """A character class of the first characters of ``words`` and their Traditional variants."""
    return "[" + "".join(re.escape(c) for c in sorted(_chars_at(words, 0))) + "]"


_LABEL_RE, _LABEL_SPEC = _build()
#: What a label match can start with: an opening bracket or a label's first character.
_START_CHARS = frozenset("【[〔") | _chars_at(_LABEL_SPEC, 0)
_OPEN = "【[〔"
_GAP_START = " \t\u3000\u00a0("
#: Where a match of _LABEL_RE can start: a bracket before a label's first character, or a first
#: character followed by a second one or the start of a gap (every label has two characters or
#: more). Starting with a plain character class, it lets ``re`` skip the other positions in C.
_LABEL_AT = re.compile(
    "[" + "".join(re.escape(c) for c in sorted(set(_OPEN) | _chars_at(_LABEL_SPEC, 0))) + "]"
    "[" + "".join(re.escape(c) for c in sorted(_chars_at(_LABEL_SPEC, 0) | _chars_at(_LABEL_SPEC, 1, _GAP_START))) + "]"
)


def _label_matches(seg: str) -> list[re.Match[str]]:
    """``list(_LABEL_RE.finditer(seg))``, trying the pattern only where _LABEL_AT says a match
    can start (a segment without such a spot, most of a page, costs one C scan)."""
    out: list[re.Match[str]] = []
    pos = 0
    search, match = _LABEL_AT.search, _LABEL_RE.match
    while (at := search(seg, pos)) is not None:
        m = match(seg, at.start())
        if m is None:
            pos = at.start() + 1
        else:
            out.append(m)
            pos = m.end()  # labels are never empty
    return out
_T2S_LABEL = str.maketrans({v: k for k, v in _VARIANTS.items() if len(k) == 1 and v != k})
_PINYIN = re.compile(r"\([a-zA-Z\u00e0-\u01dc]{1,8}\)")
#: What gives a label its colon (a colon, or the closing half of ``【发布日期】``).
_COLONISH = re.compile(r"[:：︰﹕】\]〕]")
#: Characters :data:`_LEAD_DECOR` strips: \s (str.isspace) and the listed marks.
_DECOR_CHARS = frozenset("·•●■◆▪◇○□★☆>›»-*") | frozenset(c for c in map(chr, range(0x3001)) if c.isspace())
_LEAD_DECOR = re.compile(r"^[\s·•●■◆▪◇○□★☆>›»\-*]+")
_BEFORE_OK = frozenset(" \t\u3000\u00a0|｜/【[")
_EMPTY = re.compile(r"^[\s\-—–－_/／\\:：、.。·…|｜~～*]*$|^(?:无|暂无|空|无文号|暂无文号|不适用|null|none|n/a)$", re.I)
_TRIM = " \t\u3000\u00a0:：︰﹕|｜;；,，"
_INDEX_OK = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./_\-]{2,42}")
#: Words no government title or keyword list contains (gambling / porn SEO).
_SPAM = re.compile(
    r"娱乐|彩票|博彩|棋牌|真人|赌|老虎机|麻将|官网|登录|注册|开户|百家乐|捕鱼|澳门|葡京|威尼斯|皇冠|比分|直播|华体会|"
    r"亚博|开云|必威|乐鱼|威廉希尔|菠萝|app|bet|casino|pg电子|电子游戏|体育(?:app|官网|平台|投注|下载|登录)",
    re.I,
)
#: Broader: also words that are fine inside a title (体育局, 电子政务) but mark a *suffix* as spam.
_SPAM_SUFFIX = re.compile(_SPAM.pattern + r"|电子|体育|视频|下载|平台|[a-z0-9]{2,}\.(?:com|cn|net|xyz|top|vip)", re.I)
_REPORT_WORDS = ("年度报告", "工作报告", "年报")
_BREADCRUMB = re.compile(r">|》》|→|当前位置|您的位置|首页")
_CJK = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")

#: Longest believable value per field when the value sits in the *next* segment.
_NEXT_MAX = {
    "index_no": 60, "category": 80, "publish": 40, "written": 40, "keywords": 40,
    "publisher": 40, "doc_no": 40, "title": 150, "extra": 40,
}
_SAME_MAX = 300
_TITLE_SCAN = 1500  # segments searched for a title line


# --------------------------------------------------------------------------- head


def read_head(tree: LexborHTMLParser) -> dict[str, str]:
    """``<meta name|http-equiv|property=… content=…>`` as a dict with lower-cased keys (first
    occurrence wins), plus ``"<title>"`` → the ``<title>`` text."""
    out: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("name") or attrs.get("http-equiv") or attrs.get("property")
        content = attrs.get("content")
        if key and content is not None:
            out.setdefault(key.strip().lower(), normalize_space(content))
    title = tree.css_first("title")
    if title is not None:
        text = normalize_space(title.text(deep=True) or "")
        if text:
            out["<title>"] = text
    return out


# --------------------------------------------------------------------------- segment reading


@dataclass(slots=True)
class _Pair:
    field: str
    tier: int
    label: str  # printed label, compacted
    value: str
    seg: int
    confident: bool  # written with a colon or spaced out: a label, whatever its neighbours
    weak: bool  # a two-character word (分类, 名称) that also occurs as ordinary text
    vseg: int = -1  # segment holding the value when it is not the label's own


@dataclass(slots=True)
class _Hit:
    start: int
    end: int  # end of label + colon
    word: str  # canonical spelling
    label: str  # printed label, compacted
    colon: bool
    spaced: bool


def _canonical(printed: str) -> str:
    return _PINYIN.sub("", compact(printed)).translate(_T2S_LABEL)


def _hits(seg: str, lenient: bool = False) -> list[_Hit]:
    """Valid label occurrences in one segment, in order. ``lenient``: the line is already
    known to be a metadata line, so bare weak words (``分类``, ``文号``) between spaces count."""
    out: list[_Hit] = []
    for m in _label_matches(seg):
        start = m.start()
        printed = m["label"]
        word = _canonical(printed)
        if word not in _LABEL_SPEC:
            continue
        # 【发布日期】 counts as a colon.
        colon = m["colon"] is not None or bool(m["open"] and m["close"])
        glued_before = start > 0 and seg[start - 1] not in _BEFORE_OK and not m["open"]
        # Glued to the previous value (``…00124发布日期：``): only a strong label with a colon.
        if glued_before and (not colon or word in _WEAK or not out):
            continue
        end = m.end()
        rest = seg[m.end("close"):m.end("close") + 1]
        spaced = len(printed) > len(word)
        field = _LABEL_SPEC[word][0]
        if not colon:
            if word in _COLON_ONLY:
                continue
            # Without a colon a label must stand alone or before a space (chrome labels end a
            # value wherever they stand); a weak word in mid-line must be spaced out.
            glued = bool(rest) and not rest.isspace()
            weak_mid = start > 0 and word in _WEAK and not spaced and not lenient
            if field != "chrome" and (glued or weak_mid):
                continue
        out.append(_Hit(start, end, word, compact(printed), colon, spaced))
    return out


def _clean_value(value: str) -> str:
    return normalize_space(value).strip(_TRIM)


def _is_empty(value: str) -> bool:
    return not value or _EMPTY.match(value) is not None


def _pairs_in(seg: str, idx: int) -> tuple[list[_Pair], _Hit | None, str]:
    """Pairs read from one segment; the label standing alone at its end (its value is in
    the next segment); and the text before the first label (a value for the previous
    segment's lone label: ``2026-09-30 17:18 来源：…``)."""
    seg = _LEAD_DECOR.sub("", seg)
    if (len(seg) > _SAME_MAX or _COLONISH.search(seg) is None) and not _LABEL_RE.match(seg):
        # prose: only a line that opens with a label can hold pairs; and in a short line with
        # no colon and no closing bracket no label has a colon, so one in mid-line is refused
        return [], None, seg
    hits = _hits(seg)
    if not hits:
        return [], None, seg
    lenient = sum(h.word not in _WEAK for h in hits) >= 2  # a metadata line: its labels vouch
    if lenient:
        hits = _hits(seg, lenient=True)
    first = hits[0]
    if first.start > 0 and not (first.colon and len(seg) <= _SAME_MAX):
        # A label in mid-line: only ``… 发布日期：…`` in a short line counts.
        return [], None, seg
    lead = seg[: first.start]
    if len(hits) == 1 and not seg[first.end:].strip():
        return [], first, lead  # label alone: value in the next segment
    pairs: list[_Pair] = []
    for i, hit in enumerate(hits):
        stop = hits[i + 1].start if i + 1 < len(hits) else len(seg)
        field, tier = _LABEL_SPEC[hit.word]
        if field == "chrome":
            continue
        value = _clean_value(seg[hit.end:stop])
        if not hit.colon and len(value) > 100:
            continue  # a prose line that happens to start with a label word
        pairs.append(_Pair(field, tier, hit.label, value, idx, hit.colon or hit.spaced or lenient, hit.word in _WEAK))
    return pairs, None, lead


def _plausible_next(field: str, value: str, seg: str) -> bool:
    """Whether the segment after a lone label can be that label's value (and not the first
    line of the body: a salutation ending in ：, a sentence, the report title)."""
    if len(value) > _NEXT_MAX.get(field, 40) or "。" in value or seg.endswith(("：", ":")):
        return False
    if value.startswith("今天是"):
        return False
    if field in ("publish", "written"):
        return parse_date(value) is not None
    if field == "index_no":
        return _INDEX_OK.match(value) is not None
    if field == "title":
        return len(compact(value)) >= 4
    return not (any(w in value for w in _REPORT_WORDS) and find_year(value) is not None)


def _normalized(segments: Sequence[str]) -> list[str]:
    """``[normalize_space(s) for s in segments]``; the DOM and text readers pass segments that
    are normalised already, which one look at their join proves (each is printable, with no
    double and no outer space: what :func:`normalize_space` returns unchanged)."""
    segs = list(segments)
    joined = "\n".join(segs)
    if (
        joined.count("\n") == len(segs) - 1
        and joined.replace("\n", "").isprintable()
        and "  " not in joined
        and " \n" not in joined
        and "\n " not in joined
        and joined[:1] != " "
        and joined[-1:] != " "
    ):
        return segs
    return [normalize_space(s) for s in segs]


def _hit_lines(pattern: re.Pattern[str], joined: str) -> Iterator[int]:
    """Indices of the lines of ``joined`` where ``pattern`` (which never matches a ``\n``)
    matches, ascending: one search per such line, the line index counted in C."""
    idx = last = 0
    at = pattern.search(joined)
    while at is not None:
        pos = at.start()
        idx += joined.count("\n", last, pos)
        last = pos
        yield idx
        end = joined.find("\n", pos)
        if end < 0:
            return
        at = pattern.search(joined, end + 1)


#: A line of a ``"\n"``-joined text that opens with a label's first character, a bracket or a
#: decoration (not white space: normalised segments never start with it). Its literal ``\n``
#: lets ``re`` skip from line to line in C.
_LINE_OPEN = re.compile(
    "\n[" + "".join(re.escape(c) for c in sorted(c for c in _START_CHARS | _DECOR_CHARS if not c.isspace())) + "]"
)


def _candidates(segs: list[str]) -> list[int]:
    """Indices (ascending) of the segments :func:`_pairs_in` can read something from: those
    with a colon or closing bracket where :data:`_LABEL_AT` matches (a label there may have a
    colon), and those a label opens (after decoration). Both are found by scans of the
    segments' join (no match spans the ``\n`` between two; the segments, normalised, hold
    none): the colons, and the lines that open with a label's first character or a
    decoration; the label pattern runs only on those."""
    joined = "\n".join(segs)
    colonish = set(_hit_lines(_COLONISH, joined))
    out = [idx for idx in colonish if _LABEL_AT.search(segs[idx]) is not None]
    start_chars, decor_chars = _START_CHARS, _DECOR_CHARS
    opened = "\n" + joined  # line i starts after the (i+1)-th "\n"
    idx = last = 0
    for m in _LINE_OPEN.finditer(opened):
        pos = m.start()
        idx += opened.count("\n", last, pos)
        last = pos
        if idx in colonish:
            continue
        seg = segs[idx]
        if seg[0] in decor_chars:
            seg = _LEAD_DECOR.sub("", seg)
            if not seg:
                continue
        if seg[0] in start_chars and _LABEL_RE.match(seg) is not None:
            out.append(idx)
    out.sort()
    return out


def _scan(segments: Sequence[str]) -> list[_Pair]:
    """All label/value pairs of the page, in page order."""
    segs = _normalized(segments)
    candidates = _candidates(segs)
    pairs: list[_Pair] = []
    pending: tuple[_Hit, int] | None = None
    idx, nxt, n = -1, 0, len(segs)
    while True:
        # the next candidate, or while a lone label waits for its value, the next segment
        if pending is not None:
            idx += 1
            while idx < n and not segs[idx]:
                idx += 1
            if idx >= n:
                break
        else:
            while nxt < len(candidates) and candidates[nxt] <= idx:
                nxt += 1
            if nxt == len(candidates):
                break
            idx = candidates[nxt]
        seg = segs[idx]
        found, lone, lead = _pairs_in(seg, idx)
        if pending is not None:
            hit, at = pending
            pending = None
            field, tier = _LABEL_SPEC[hit.word]
            value = _clean_value(lead)
            if value and not _plausible_next(field, value, lead.strip()):
                value = ""
            if field != "chrome":
                pairs.append(_Pair(field, tier, hit.label, value, at, hit.colon or hit.spaced,
                                   hit.word in _WEAK, idx if value else -1))
        pairs.extend(found)
        if lone is not None:
            pending = (lone, idx)
    if pending is not None:
        hit, at = pending
        field, tier = _LABEL_SPEC[hit.word]
        if field != "chrome":
            pairs.append(_Pair(field, tier, hit.label, "", at, hit.colon or hit.spaced, hit.word in _WEAK))
    return _vouched(pairs)


def _self_evident(p: _Pair) -> bool:
    """A value that proves its label (``发布日期 2018-03-22``, ``索引号 011536003/2018-00124``)."""
    if p.field in ("publish", "written"):
        return parse_date(p.value) is not None
    if p.field == "index_no":
        return _INDEX_OK.fullmatch(p.value) is not None and any(ch.isdigit() for ch in p.value)
    return False


def _vouched(pairs: list[_Pair]) -> list[_Pair]:
    """Keep a label written without colon or spacing only in company: a strong word
    (``发布机构``) needs another label within three segments (a grid of bare ``th``/``td``
    labels vouches for itself), a weak word (``分类`` in a table header) needs a confident one."""

    def supported(i: int) -> bool:
        p = pairs[i]
        if not p.weak and _self_evident(p):
            return True
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(pairs) and abs(pairs[j].seg - p.seg) <= 3:
                if pairs[j].confident or not p.weak:
                    return True
                j += step
        return False

    return [p for i, p in enumerate(pairs) if p.confident or supported(i)]


_COLON_PAIR = re.compile(r"^([\u4e00-\u9fff][\u4e00-\u9fff \u3000]{0,10}?)[ \u3000]*[:：]\s*(.{1,60})$")


def _unknown_pairs(segments: Sequence[str], pairs: list[_Pair], block: set[int]) -> list[tuple[int, str, str]]:
    """``label：value`` lines with unrecognised labels inside the metadata block (between its
    first and last recognised label) — they go to ``extra``."""
    if not block:
        return []
    first, last = min(block), max(block)
    taken = {p.seg for p in pairs} | {p.vseg for p in pairs}
    out = []
    for idx in range(first, last + 1):
        if idx in taken or idx >= len(segments):
            continue
        m = _COLON_PAIR.match(normalize_space(segments[idx]))
        if m and not _is_empty(m[2]):
            out.append((idx, compact(m[1]), _clean_value(m[2])))
    return out


# --------------------------------------------------------------------------- field choice


def _fix_value(field: str, value: str) -> str:
    if field == "index_no":
        m = _INDEX_OK.match(value)
        if m and value[m.end():m.end() + 1].isspace():
            return m[0]  # junk after the number
    if field == "doc_no":
        cut = re.match(r"^(.*?[号號])\s", value)
        if cut:
            return cut[1]  # "end 文号 at the first 号"
    if field == "title":
        return _clean_title(value) or ""
    return value


_FIELDS = ("index_no", "category", "publish", "written", "keywords", "publisher", "doc_no", "title")


def _main_block(pairs: list[_Pair]) -> set[int]:
    """Segments of the metadata block: the run of labelled segments (gaps of at most three)
    naming the most distinct fields; the first such run on a tie. A stray ``主题分类`` in a
    sidebar or a ``发布日期`` in a related-links list forms a small run of its own."""
    best: set[int] = set()
    best_score = 0
    run: set[int] = set()
    fields: set[str] = set()
    last = -10
    for p in pairs:
        if p.seg - last > 3:
            run, fields = set(), set()
        last = p.seg
        run.add(p.seg)
        if p.field in _FIELDS and not _is_empty(p.value):
            fields.add(p.field)
        if len(fields) > best_score:
            best, best_score = run, len(fields)
    return best


def _choose(pairs: list[_Pair], field: str, block: set[int]) -> _Pair | None:
    """From the metadata block first, then the lowest tier, then the first non-empty value;
    dates that parse beat dates that do not."""
    cands = [p for p in pairs if p.field == field and not _is_empty(p.value)]
    if not cands:
        return None
    if field in ("publish", "written"):
        return min(cands, key=lambda p: (p.seg not in block, p.tier, parse_date(p.value) is None, p.seg))
    return min(cands, key=lambda p: (p.seg not in block, p.tier, p.seg))


def _clean_title(text: str | None) -> str | None:
    """Title as stored: white space next to CJK removed, a spam tail after 报告 cut."""
    if not text:
        return None
    text = _SPACE_NEAR_CJK.sub("", normalize_space(text))
    cut = text.rfind("报告")
    if cut >= 0 and _SPAM_SUFFIX.search(text[cut + 2:]):
        text = text[: cut + 2]
    return text.strip(_TRIM + "-_—") or None


_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|——|—|–|(?<!\d)-|-(?!\d)|－)\s*")


def _title_from_head(text: str | None) -> str | None:
    """``<title>`` minus the site / column parts and any gambling suffix."""
    if not text:
        return None
    parts = [p for p in _TITLE_SPLIT.split(normalize_space(text)) if p.strip()]
    for part in parts:
        if any(w in part for w in _REPORT_WORDS) and not _SPAM.search(part):
            return _clean_title(part)
    clean = [p for p in parts if not _SPAM_SUFFIX.search(p)]
    return _clean_title(max(clean, key=len)) if clean else None


def _title_from_segments(
    segments: Sequence[str], pairs: list[_Pair], block: set[int]
) -> tuple[str | None, str | None]:
    """Lines that read like a report title: (the best one with a year, the first without).

    With a metadata block, the first candidate from just above the block on wins over earlier
    ones (a sidebar of past reports or a column name in the navigation)."""
    labelled = {p.seg for p in pairs}
    near = min(block) - 8 if block else 0
    with_year: str | None = None
    without_year: str | None = None
    for idx, seg in enumerate(segments[:_TITLE_SCAN]):
        if idx in labelled:
            continue
        text = normalize_space(seg)
        if not 6 <= len(text) <= 80 or "。" in text or _BREADCRUMB.search(text):
            continue
        if not any(w in text for w in _REPORT_WORDS) or _SPAM.search(text):
            continue
        if find_year(text) is None:
            without_year = without_year or text
        elif idx >= near:
            return _clean_title(text), None
        else:
            with_year = with_year or text
    return _clean_title(with_year), _clean_title(without_year)


def _looks_spam(text: str) -> bool:
    return _SPAM.search(text) is not None


def read_metadata(
    segments: Sequence[str], *, head: Mapping[str, str] | None = None
) -> tuple[Metadata, tuple[str, ...]]:
    """Read the metadata block from the page's segments (document order, Simplified, chrome
    still present); ``head`` (from :func:`read_head`) fills gaps."""
    head = head or {}
    warnings: list[str] = []
    pairs = _scan(segments)
    block = _main_block(pairs)
    chosen: dict[str, _Pair | None] = {f: _choose(pairs, f, block) for f in _FIELDS}
    values: dict[str, str | None] = {}
    for field, pair in chosen.items():
        value = _fix_value(field, pair.value) if pair else ""
        values[field] = value or None

    if values["index_no"] and not _INDEX_OK.match(values["index_no"]):
        warnings.append(f"metadata: unusual 索引号 {values['index_no']!r}")

    # Fallbacks from <head>.
    if values["title"] is None:
        values["title"] = _clean_title(head.get("articletitle")) or None
        if values["title"] and _looks_spam(values["title"]):
            values["title"] = None
    if values["title"] is None:
        dated, undated = _title_from_segments(segments, pairs, block)
        values["title"] = dated or _title_from_head(head.get("<title>")) or undated
        if values["title"] and not dated:
            warnings.append("metadata: title not printed on the page; taken from <title> or a heading")
    if values["publisher"] is None:
        src = _clean_value(head.get("contentsource", ""))
        values["publisher"] = None if _is_empty(src) or _looks_spam(src) else src
    if values["keywords"] is None:
        kw = _clean_value(head.get("keywords", ""))
        values["keywords"] = None if _is_empty(kw) or _looks_spam(kw) else kw
    publish_raw = values["publish"]
    stray = chosen["publish"] is not None and chosen["publish"].seg not in block
    if publish_raw is None or stray:  # the head's date beats one outside the metadata block
        for key in ("pubdate", "firstpublishedtime", "publishdate", "maketime"):
            raw = _clean_value(head.get(key, ""))
            if raw and parse_date(raw) is not None:
                publish_raw = raw
                break
    publish_date = parse_date(publish_raw) if publish_raw else None
    if publish_raw and publish_date is None:
        warnings.append(f"metadata: publish date not understood: {publish_raw!r}")
    written_date = parse_date(values["written"]) if values["written"] else None
    if values["written"] and written_date is None:
        warnings.append(f"metadata: written date not understood: {values['written']!r}")

    meta = Metadata(
        title=values["title"],
        index_no=values["index_no"],
        category=values["category"],
        publish_date=publish_date,
        publish_date_raw=publish_raw,
        keywords=values["keywords"],
        publisher=values["publisher"],
        doc_no=values["doc_no"],
        written_date=written_date,
        extra=_extra(pairs, chosen, block, _unknown_pairs(segments, pairs, block)),
    )
    return meta, tuple(warnings)


def _extra(
    pairs: list[_Pair],
    chosen: Mapping[str, _Pair | None],
    block: set[int],
    unknown: Iterable[tuple[int, str, str]],
) -> tuple[tuple[str, str], ...]:
    """Pairs of the metadata block no field kept, page order, first per label: extra-labels
    (有效性, 生成日期 …), the losing synonyms (主题分类 beside 组配分类), unknown pairs.
    Pairs elsewhere (``附件：…`` in the body) are not metadata."""
    keep = {id(p) for p in chosen.values() if p is not None}
    winners = {(p.label, p.value) for p in chosen.values() if p is not None}
    rows: list[tuple[int, str, str]] = []
    for p in pairs:
        if id(p) in keep or _is_empty(p.value) or p.seg not in block:
            continue
        label = _canonical(p.label)
        if p.field != "extra" and (any(label == _canonical(w[0]) for w in winners) or p.value in {w[1] for w in winners}):
            continue  # a repeat of a chosen value
        rows.append((p.seg, label, p.value))
    rows.extend(unknown)
    rows.sort(key=lambda r: r[0])
    out: dict[str, str] = {}
    for _, label, value in rows:
        out.setdefault(label, value)
    return tuple(out.items())


# --------------------------------------------------------------------------- region and year

_UNIT = r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|街道|新区|省|市|州|盟|区|县|旗|镇|乡)"
_PLACE = re.compile(rf"([\u4e00-\u9fff]{{1,10}}?){_UNIT}")
_NOT_PLACE = re.compile(
    r"城乡|市场|市政|社区|园区|人民|政府|管理|建设|委员|办公|局|厅|委|部门|公开|信息|工作|报告|年度|统计|监督|"
    r"中心|住房|服务|发展|改革|交通|教育|卫生|商务|农业|农村|林业|水利|自然|资源|生态|环境|公安|司法|财政|审计|民政|"
    r"关于|印发|本级|全市|全区|全县|全省|我市|我区|我县|地方|辖区"
)
_LEAD_YEAR = re.compile(
    r"^[\s(（《【\[]*(?:\d{4}|[二][〇○◯Oo0零][〇○◯Oo0零一二三四五六七八九]{2})\s*年度?[)）】\]]*\s*"
)
_BODY_END = re.compile(
    r"\d{4}\s*年|[二][〇○◯Oo0零][〇○◯Oo0零一二三四五六七八九]{2}\s*年|政府信息公开|信息公开|政务公开|年度报告|工作报告|年报|关于"
)


def _place_prefix(text: str) -> str | None:
    """Nested place names at the start: 北京市东城区…, 内蒙古自治区包头市…."""
    end = 0
    while True:
        m = _PLACE.match(text, end)
        if not m or _NOT_PLACE.search(m[0]):
            break
        end = m.end()
    return text[:end] or None


def region_and_year(title: str | None) -> tuple[str | None, int | None]:
    """Region and report year from a title.

    Region: the run of nested place names at the start (after a leading year), ending in
    省/自治区/市/州/盟/地区/区/县/旗/镇/乡/街道 — ``北京市东城区人民政府…`` → 北京市东城区,
    ``2019年包头市教育局…`` → 包头市 (the department is dropped). With no place name (a central
    ministry: ``国家统计局2020年…``) the issuing body is returned: the text before the year or
    before 政府信息公开 / 年度报告. Year: :func:`find_year`.
    """
    if not title:
        return None, None
    text = compact(title)
    year = find_year(text)
    body = _LEAD_YEAR.sub("", text).lstrip("《【[（(")
    body = body.removeprefix("关于")
    region = _place_prefix(body)
    if region is None:
        m = _BODY_END.search(body)
        name = body[: m.start()] if m else ""
        name = name.strip("的")
        region = name if 2 <= len(name) <= 30 and re.fullmatch(r"[\u4e00-\u9fff（）()]+", name) else None
    return region, year
