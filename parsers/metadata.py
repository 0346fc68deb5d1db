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

The reader is five modules: :mod:`parsers.metadata_labels` (label catalogue, label hits in a
segment, value cleaning), :mod:`parsers.metadata_scan` (the pairs of a page),
:mod:`parsers.metadata_title` (the title, and the region and year it names),
:mod:`parsers.metadata_head` (``<head>`` metas) and this one (the block, the field choice,
:func:`read_metadata`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from .dates import parse_date
from .metadata_labels import _INDEX_OK, _canonical, _clean_value, _is_empty, _Pair
from .metadata_scan import _scan, _unknown_pairs
from .metadata_title import _clean_title, _looks_spam, _title_from_head, _title_from_segments
from .model import Metadata

__all__ = ["read_metadata"]

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
