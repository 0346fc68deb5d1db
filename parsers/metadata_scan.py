"""The segment scan: every label/value pair of a page, in page order (:func:`_scan`).

Split from :mod:`parsers.metadata`. It decides which segments can hold a pair (one scan of
their join finds the candidates, so the label pattern runs on few lines), reads the pairs of
one segment, gives a lone label the next segment as its value when that is plausible, and keeps
a label written without colon or spacing only in company (:func:`_vouched`). What it returns is
all the field choice in :mod:`parsers.metadata` works from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from .dates import find_year, parse_date
from .metadata_labels import (
    _INDEX_OK,
    _LABEL_AT,
    _LABEL_RE,
    _LABEL_SPEC,
    _START_CHARS,
    _WEAK,
    _clean_value,
    _Hit,
    _hits,
    _is_empty,
    _Pair,
)
from .metadata_title import _REPORT_WORDS
from .text import compact, normalize_space

#: What gives a label its colon (a colon, or the closing half of ``【发布日期】``).
_COLONISH = re.compile(r"[:：︰﹕】\]〕]")
#: Characters :data:`_LEAD_DECOR` strips: \s (str.isspace) and the listed marks.
_DECOR_CHARS = frozenset("·•●■◆▪◇○□★☆>›»-*") | frozenset(c for c in map(chr, range(0x3001)) if c.isspace())
_LEAD_DECOR = re.compile(r"^[\s·•●■◆▪◇○□★☆>›»\-*]+")

#: Longest believable value per field when the value sits in the *next* segment.
_NEXT_MAX = {
    "index_no": 60, "category": 80, "publish": 40, "written": 40, "keywords": 40,
    "publisher": 40, "doc_no": 40, "title": 150, "extra": 40,
}
_SAME_MAX = 300


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
