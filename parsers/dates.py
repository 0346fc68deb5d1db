"""Dates and report years as printed on report pages.

Pages print dates in many hands: ``2018年03月22日``, ``2018-3-22``, ``2026-09-30 17:18``,
``2018/03/22``, ``2026.08.08``, ``[2018-03-22]``, Chinese numerals on the signature line
(``二〇一八年三月二十二日``, with ``○`` U+25CB, ASCII ``0``, Latin ``O`` or ``零`` for zero), and
Word-pasted text that lost 年 or 月 (``201711日`` = 2017-01-01, ``2017年1231日``). ``parse_date``
reads the first such date in a string; it is called on every labelled value of tens of thousands
of pages, so it uses precompiled patterns and never raises: an impossible date is ``None``.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["find_year", "parse_date"]

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")

#: 2018年03月22日, 2018-3-22, 2018/03/22, 2026.08.08, 2018 年 3 月 22 日 (the 日 is optional).
_NUMERIC = re.compile(
    r"(?<!\d)(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?!\d)"
)
#: 年 and/or 月 dropped by Word pasting: 201711日, 2017年1231日, 20171231日, 2017210日.
_DAMAGED = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*(\d{2,4})\s*日")
#: 20180322 standing alone (URL stamps such as t20180322_, compact values).
_COMPACT = re.compile(r"(?<![\d])((?:19|20)\d{2})(\d{2})(\d{2})(?![\d])")

_ZERO = "〇○◯OoＯｏ0０零"
_CN_DIGIT = {ch: 0 for ch in _ZERO} | dict(zip("一二三四五六七八九", range(1, 10)))
_CN_DIGIT |= dict(zip("１２３４５６７８９", range(1, 10))) | dict(zip("123456789", range(1, 10)))
_CN_YEAR_CHARS = "一二三四五六七八九" + _ZERO + "123456789１２３４５６７８９"
_CN_SMALL = r"(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]|元)"
#: 二〇一八年三月二十二日, 二○一一年二月二十八日, 二00八年九月七日.
_CHINESE = re.compile(
    rf"([{_CN_YEAR_CHARS}]{{4}})\s*年\s*({_CN_SMALL})\s*月\s*({_CN_SMALL})\s*[日号]"
)
_CN_YEAR = re.compile(rf"(?<![{_CN_YEAR_CHARS}])([二][{_ZERO}][{_CN_YEAR_CHARS}]{{2}})\s*年")
_ARABIC_YEAR_NIAN = re.compile(r"(?<!\d)(20[0-3]\d)\s*年")
_ARABIC_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")

_MIN_YEAR, _MAX_YEAR = 1900, 2100
_REPORT_YEARS = range(2000, 2036)


def _make(y: int, m: int, d: int) -> date | None:
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _cn_small(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十二 → 22, 三十一 → 31, 元 (元月) → 1."""
    if text == "元":
        return 1
    if "十" not in text:
        return _CN_DIGIT[text]
    tens, _, units = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)


def _cn_year(text: str) -> int:
    return int("".join(str(_CN_DIGIT[ch]) for ch in text))


def _from_damaged(year: str, mid: str) -> date | None:
    """``mid`` holds month and day glued together; accept only one valid reading."""
    found = {
        d
        for k in (1, 2)
        if 1 <= len(mid) - k <= 2
        if (d := _make(int(year), int(mid[:k]), int(mid[k:]))) is not None
    }
    return found.pop() if len(found) == 1 else None


def parse_date(text: str) -> date | None:
    """The first date printed in ``text``, or ``None`` (no date, impossible date, bad input).

    Numeric forms are preferred, then Chinese numerals, then the damaged forms with 年/月
    missing, then a bare ``YYYYMMDD``.
    """
    if not text or not isinstance(text, str):
        return None
    text = text.translate(_FULLWIDTH_DIGITS)
    m = _NUMERIC.search(text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = _CHINESE.search(text)
    if m:
        return _make(_cn_year(m[1]), _cn_small(m[2]), _cn_small(m[3]))
    m = _DAMAGED.search(text)
    if m:
        return _from_damaged(m[1], m[2])
    m = _COMPACT.search(text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    return None


def find_year(text: str) -> int | None:
    """A plausible report year (2000–2035) in a title.

    ``2017年`` / ``2020年度`` first, then ``二〇一九年度``, then a bare ``2017`` (年 dropped).
    """
    if not text:
        return None
    text = text.translate(_FULLWIDTH_DIGITS)
    m = _ARABIC_YEAR_NIAN.search(text)
    if m:
        return int(m[1])
    m = _CN_YEAR.search(text)
    if m:
        year = _cn_year(m[1])
        return year if year in _REPORT_YEARS else None
    m = _ARABIC_YEAR.search(text)
    return int(m[1]) if m else None
