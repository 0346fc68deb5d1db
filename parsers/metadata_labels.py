"""The label vocabulary of the metadata block and where a label can stand in one segment.

Split from :mod:`parsers.metadata`. It holds what every later step asks about a label: the
catalogue of spellings (field, tier, Traditional variants, injected pinyin), the trie regex built
from it once at import with the cheap pre-tests that keep the scan fast (:data:`_LABEL_AT`,
:func:`_label_matches`), the valid hits in a segment (:func:`_hits`), the pair record, and the
value cleaning shared by the scan and the field choice. It reads no page structure, so it is
the one place to edit when a CMS prints a new label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .text import compact, normalize_space

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
_BEFORE_OK = frozenset(" \t\u3000\u00a0|｜/【[")
_EMPTY = re.compile(r"^[\s\-—–－_/／\\:：、.。·…|｜~～*]*$|^(?:无|暂无|空|无文号|暂无文号|不适用|null|none|n/a)$", re.I)
_TRIM = " \t\u3000\u00a0:：︰﹕|｜;；,，"
_INDEX_OK = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./_\-]{2,42}")


# --------------------------------------------------------------------------- labels in a segment


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
