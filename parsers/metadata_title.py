"""The report title: as stored, taken from ``<title>`` or from a heading line, and the region
and year it names (:func:`region_and_year`).

Split from :mod:`parsers.metadata`. Titles are where injected gambling SEO shows (a hijacked
``<title>``, a spam tail after 报告), so the spam words live here with the title cleaning;
:func:`region_and_year` reads the chosen title for ``parsers.report``. It works on strings; of the
pairs it only looks at the segments they occupy (a labelled line is not a heading).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .dates import find_year
from .metadata_labels import _TRIM, _Pair
from .text import compact, normalize_space

__all__ = ["region_and_year"]

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
_TITLE_SCAN = 1500  # segments searched for a title line


# --------------------------------------------------------------------------- title


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
