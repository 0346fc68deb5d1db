"""Typed records passed between the parser stages and handed to ``scraper``.

All are frozen, slotted dataclasses: the parser is pure, so its output is a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "Check",
    "EncodingInfo",
    "Fact",
    "Metadata",
    "Report",
    "SpamBlock",
    "Table",
    "Value",
    "new_check",
    "new_fact",
]


@dataclass(frozen=True, slots=True)
class EncodingInfo:
    """How the bytes were decoded, and the evidence for it.

    ``source`` is one of ``bom``, ``http``, ``meta``, ``xml``, ``utf8`` (strict UTF-8 held),
    ``gb18030`` (strict GB fallback held), ``detected`` (charset-normalizer), ``fallback``
    (lossy decode), ``str`` (input was already text).
    """

    used: str
    source: str
    declared: tuple[str, ...] = ()  # e.g. ("http:gbk", "meta:gb2312")
    conflict: bool = False
    replacement_chars: int = 0
    mojibake_hits: int = 0


@dataclass(frozen=True, slots=True)
class Metadata:
    """Page metadata as printed (trimmed, Simplified); ``publish_date`` parsed."""

    title: str | None = None
    index_no: str | None = None  # 索引号
    category: str | None = None  # 公开目录 / 分类 / 主题分类
    publish_date: date | None = None  # 发布日期
    publish_date_raw: str | None = None
    keywords: str | None = None  # 主题词 / 关键词
    publisher: str | None = None  # 发布机构 / 发文机关 …
    doc_no: str | None = None  # 文号 / 发文字号
    written_date: date | None = None  # 成文日期
    extra: tuple[tuple[str, str], ...] = ()  # other label/value pairs, page order


@dataclass(frozen=True, slots=True)
class Value:
    """One value cell, read but never invented.

    ``state``: ``number`` (``number`` set), ``blank`` (empty cell), ``na`` (``-`` ``—`` ``/``
    ``无``), ``yesno`` (是/否 mark → 1/0), ``text`` (no leading number).
    """

    raw: str
    state: str
    number: float | None = None
    unit: str | None = None  # unit written inside the cell (``251000元`` → 元)
    note: str | None = None  # ``45478(政府热线)`` → 政府热线; name lists after a count


@dataclass(frozen=True, slots=True)
class Fact:
    """One tidy value: where it sits (row path × column path) and what it is."""

    table_no: int
    table_title: str | None
    row_no: int  # 1-based position of the row within its logical table
    row_path: tuple[str, ...]  # ancestor labels from the section down, ending with ``label``
    label: str  # the row's own label, Simplified, whitespace removed
    column: str | None  # column header path joined " / "; None for one-value-column tables
    unit: str | None
    value: Value
    indicator_id: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """One logical statistics table (split ``<table>`` pieces already joined)."""

    table_no: int
    title: str | None
    kind: str  # e1 | t2 | t3 | t4 | local | unknown
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class SpamBlock:
    """An injected block that was removed, with the evidence that convicted it."""

    position: str  # head | in_body | after_footer | after_html | text
    signals: tuple[str, ...]
    n_links: int
    text: str  # first ~120 characters


@dataclass(frozen=True, slots=True)
class Check:
    """One arithmetic identity or soft inequality evaluated on a report."""

    check: str  # e.g. ``e1.received_eq_channels`` or ``t3.row_identity[t3.col.total]``
    expected: float | None
    actual: float | None
    ok: bool | None  # None: not assessable (a term missing)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the parser read from one page."""

    title: str | None
    region: str | None
    report_year: int | None
    template: str  # 2014-national | 2019-trial | 2021 | local | unknown
    metadata: Metadata
    encoding: EncodingInfo
    script: str  # simplified | traditional
    body_text: str
    spam: tuple[SpamBlock, ...] = ()
    spam_links_removed: int = 0
    tables: tuple[Table, ...] = ()
    checks: tuple[Check, ...] = ()
    warnings: tuple[str, ...] = ()
    family: str | None = None  # CMS family hint that found the body, if any
    parser_version: str = ""
    url: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def facts(self) -> tuple[Fact, ...]:
        return tuple(f for t in self.tables for f in t.facts)


# --------------------------------------------------------------------------- fast constructors
# A page builds ~100 facts and ~30 checks. A frozen dataclass's ``__init__`` goes through
# ``type.__call__`` and one ``object.__setattr__`` per field (~1 µs a fact); these build the same
# object (same fields, ``==``, ``repr``, hash, immutability) by setting the slots directly.

_new = object.__new__
(_f_table_no, _f_table_title, _f_row_no, _f_row_path, _f_label, _f_column, _f_unit, _f_value,
 _f_indicator_id) = [Fact.__dict__[name].__set__ for name in Fact.__slots__]  # type: ignore[attr-defined]
_c_check, _c_expected, _c_actual, _c_ok, _c_detail = [
    Check.__dict__[name].__set__ for name in Check.__slots__  # type: ignore[attr-defined]
]


def new_fact(
    table_no: int, table_title: str | None, row_no: int, row_path: tuple[str, ...], label: str,
    column: str | None, unit: str | None, value: Value, indicator_id: str | None = None,
) -> Fact:
    """``Fact(...)`` (positional arguments, same order), ~2× faster."""
    fact = _new(Fact)
    _f_table_no(fact, table_no)
    _f_table_title(fact, table_title)
    _f_row_no(fact, row_no)
    _f_row_path(fact, row_path)
    _f_label(fact, label)
    _f_column(fact, column)
    _f_unit(fact, unit)
    _f_value(fact, value)
    _f_indicator_id(fact, indicator_id)
    return fact


def new_check(check: str, expected: float | None, actual: float | None, ok: bool | None, detail: str = "") -> Check:
    """``Check(...)`` (positional arguments, same order), ~2× faster."""
    obj = _new(Check)
    _c_check(obj, check)
    _c_expected(obj, expected)
    _c_actual(obj, actual)
    _c_ok(obj, ok)
    _c_detail(obj, detail)
    return obj
