"""Cell text → ``Value``: read the leading number, keep everything else.

Reports put notes, units and name lists into value cells (``45478(政府热线)``,
``10个,昆区、青山区…``, ``251000元``) and use ``-``/``—``/``/``/``无`` for "not applicable".
Those are NA, never 0; a blank cell is ``blank``, never 0 (an output option may read blanks as
zero for tables that use blanks for zero).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .model import Value
from .text import compact as compact_raw
from .text import fold_width, normalize_space

__all__ = ["NA_MARKS", "UNITS", "is_value_text", "parse_value"]

#: Cell texts meaning "not applicable / nothing to report" (never 0).
NA_MARKS = frozenset(
    ["-", "--", "---", "----", "—", "——", "―", "‐", "–", "/", "／", "\\", "无", "無", "暂无", "空", "×", "x", "X", "＊", "*", "不适用", "/"] + ["- -", "— —", "－", "－－"]
)
#: Units printed in unit cells or after a number in a value cell.
UNITS = (
    "万元", "千元", "亿元", "元", "人次", "个", "條", "条", "件", "次", "篇", "人", "项", "項",
    "家", "场", "期", "天", "个工作日", "工作日", "小时", "%", "％", "万条", "条次", "份", "批",
    "处", "台", "套", "部", "户", "名", "位", "张", "册", "本", "块", "节", "天次", "余条",
)
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_NUMBER = re.compile(
    r"^(?P<sign>[+\-−－＋]?)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    rf"\s*(?P<unit>{_UNIT_ALT})?(?P<rest>.*)$",
    re.S,
)
_YES = frozenset(["是", "有", "√", "✓", "✔", "已", "具备", "是的", "yes", "Y"])
_NO = frozenset(["否", "无网上办事功能", "没有", "未", "×", "✗", "✘", "不具备", "no", "N"])
_NOTE_STRIP = " \t,，、;；:：。.()（）[]【】<>《》"
_WIDE_DIGIT_OR_COMMA = re.compile("[０-９，]")
#: Memo size of the per-cell readers below (and of the label/cell-text memos elsewhere): cell
#: texts (small numbers, ``-``, labels) repeat within and across pages, and each is read several
#: times (header test, fact, checks). Bounded: ~1 MB per memo at typical cell lengths.
MEMO = 4096


def _note(rest: str) -> str | None:
    """``(政府热线)`` → ``政府热线``; ``,昆区、青山区`` → ``昆区、青山区``."""
    rest = rest.strip()
    if rest[:1] in "(（[【" and rest[-1:] in ")）]】":
        rest = rest[1:-1]
    rest = rest.strip(_NOTE_STRIP)
    return rest or None


@lru_cache(maxsize=MEMO)
def parse_value(text: str) -> Value:
    """Read one value cell. ``raw`` is the cell text with white space collapsed.
    Memoised (a pure function of the text; ``Value`` is frozen, so sharing one is safe)."""
    raw = normalize_space(text)
    if not raw:
        return Value(raw="", state="blank")
    folded = fold_width(raw).replace("，", ",") if _WIDE_DIGIT_OR_COMMA.search(raw) else raw
    if raw in NA_MARKS or folded in NA_MARKS:
        return Value(raw=raw, state="na")
    m = _NUMBER.match(folded)
    if m:
        num_text = m["num"].replace(",", "")
        try:
            number = float(num_text)
        except ValueError:  # pragma: no cover - the regex admits only digits
            number = None
        if number is not None:
            if m["sign"] in ("-", "−", "－"):
                number = -number
            return Value(raw=raw, state="number", number=number, unit=m["unit"], note=_note(m["rest"]))
    if compact_raw(raw) in ("是/否", "是否", "是或否"):  # unfilled template placeholder
        return Value(raw=raw, state="na", unit="是/否")
    mark = raw.strip("。.")
    if mark in _YES:
        return Value(raw=raw, state="yesno", number=1.0, unit="是/否")
    if mark in _NO:
        return Value(raw=raw, state="yesno", number=0.0, unit="是/否")
    return Value(raw=raw, state="text", note=raw)


_VALUE_LIKE = re.compile(rf"^[+\-−－＋]?\s*(?:\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?:{_UNIT_ALT})?(?:$|[\s(（,，、;；:：].*$)", re.S)
_LABEL_NUMBERING = re.compile(r"^\s*\d{1,2}\s*[.．、]\s*[^\d\s]")


@lru_cache(maxsize=MEMO)
def is_value_text(text: str) -> bool:
    """True when a text line reads as a value cell rather than a label (flattened tables):
    ``54835``, ``45478(政府热线)``, ``10个,昆区…``, ``-``; but not ``1.政府公报…`` or
    ``2017年度…统计表``."""
    t = fold_width(normalize_space(text))
    if not t:
        return False
    if t in NA_MARKS:
        return True
    if _LABEL_NUMBERING.match(t):
        return False
    return bool(_VALUE_LIKE.match(t))
