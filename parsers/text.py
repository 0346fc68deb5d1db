"""Text helpers shared by every stage: DOM → text segments, label normalisation.

A *segment* is what a reader sees as one line: a paragraph, a table cell, a list item. Inline
runs (``<span>``, ``<font>``, Word's ``<o:p>``, smart tags) are joined with no separator, so
``<span>2011</span>年<span>9</span>月`` stays ``2011年9月``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import cast

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = [
    "children",
    "BLOCK_TAGS",
    "SKIP_TAGS",
    "compact",
    "fold_width",
    "iter_segments",
    "last_segment",
    "normalize_label",
    "normalize_space",
    "node_text",
    "split_segments",
]

#: Elements that end a line of text.
BLOCK_TAGS = frozenset(
    ["p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table", "tbody", "thead", "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "nav", "aside", "main", "form", "fieldset", "blockquote", "pre", "hr", "address", "center", "figure", "figcaption", "details", "summary", "marquee"]
)
#: Elements whose content is never page text.
SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "head", "title", "iframe", "frame", "frameset", "object", "embed", "select", "option", "textarea", "button", "input", "svg", "math", "xmp", "canvas", "audio", "video", "map", "area", "link", "meta"]
)
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")


# Both functions below run on every line and cell (~1,500 calls a page) and most strings need
# no regex: every character of _WS and _ZERO_WIDTH except the ASCII space is non-printable
# (categories Zs/Zl/Zp/Cc/Cf), so a printable string holds white space only as ASCII spaces.


def normalize_space(text: str) -> str:
    """Collapse every kind of white space (nbsp, U+3000, zero-width) to one ASCII space."""
    if text.isprintable() and "  " not in text:
        return text.strip()  # single ASCII spaces only: the substitutions change nothing
    return _WS.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


def compact(text: str) -> str:
    """Remove all white space: ``统  计  指  标`` → ``统计指标``."""
    if text.isprintable():
        return text.replace(" ", "")
    return _WS.sub("", _ZERO_WIDTH.sub("", text))


_HALF_TO_FULL = {ord(k): v for k, v in {"(": "（", ")": "）", ":": "：", ";": "；", ",": "，", "?": "？", "!": "！"}.items()}
#: full-width digits and Latin letters (U+FF10–U+FF5A, U+FF0E) → their NFKC (ASCII) forms;
#: one ``str.translate`` instead of a per-character generator (this runs on every label)
_FOLD = {c: unicodedata.normalize("NFKC", chr(c)) for c in [*range(0xFF10, 0xFF5B), 0xFF0E]}
#: fold then half → full in one pass (both are per-character maps, so they compose)
_LABEL = {**_FOLD, **{c: v.translate(_HALF_TO_FULL) for c, v in _FOLD.items()}, **_HALF_TO_FULL}


def fold_width(text: str) -> str:
    """Full-width digits and Latin letters to ASCII (NFKC on those only)."""
    return text.translate(_FOLD)


def normalize_label(text: str) -> str:
    """A row/column label as stored in ``label``: no white space, ASCII digits,
    full-width brackets, colons and commas (the form the national templates print)."""
    return compact(text).translate(_LABEL)


def _tag_ids(names: frozenset[str]) -> frozenset[int]:
    """lexbor's ids of standard tag names (fixed numbers, the same in every document)."""
    probe = LexborHTMLParser("")
    ids = set()
    for name in names:
        node = probe.create_node(name)
        assert node.tag == name, name
        ids.add(node.tag_id)
    return frozenset(ids)


def _text_and_other_ids() -> tuple[int, frozenset[int]]:
    """The id of text nodes, and the ids of the other non-element nodes (comment, doctype,
    document, and lexbor's two reserved ids below them)."""
    probe = LexborHTMLParser("<!DOCTYPE html><p>x<!--c--></p>")
    ids = {n.tag: n.tag_id for n in probe.root.parent.traverse(include_text=True)}
    ids.update({n.tag: n.tag_id for n in probe.root.parent.iter(include_text=True)})
    ids.update({n.tag: n.tag_id for n in probe.css_first("p").iter(include_text=True)})
    text = ids["-text"]
    other = {ids["-comment"], ids["-doctype"], ids["-document"]}
    other.update(range(0, min(other | {text})))
    return text, frozenset(other)


#: Tag ids rather than names in the walk: ``node.tag`` builds a new string for every element.
_BLOCK_IDS = _tag_ids(BLOCK_TAGS)
_SKIP_IDS = _tag_ids(SKIP_TAGS)
_TEXT_ID, _OTHER_IDS = _text_and_other_ids()
#: tag id → 0 text, 1 skipped (SKIP_TAGS, comments …), 2 block; inline elements are absent.
_KIND = {_TEXT_ID: 0, **dict.fromkeys(_OTHER_IDS, 1), **dict.fromkeys(_BLOCK_IDS, 2), **dict.fromkeys(_SKIP_IDS, 1)}


def iter_segments(node: LexborNode) -> Iterator[str]:
    """Text segments of ``node`` in document order (empty ones skipped).

    One loop over an explicit stack (pages nest 10,000 deep, so no recursion). This is the
    hottest function of the parser (every page is walked several times), hence the shape:
    children pushed right to left via ``last_child``/``prev``, a ``None`` marker pushed only
    for block elements (closing an inline element ends no line), nodes told apart by their
    integer ``tag_id`` (one dict lookup), an only text child read in place, and white space
    normalised only when a line has text.
    """
    return cast(Iterator[str], _walk(node, 0))


def split_segments(node: LexborNode, inner: LexborNode) -> tuple[list[str], list[str] | None]:
    """The segments of ``node`` and, from the same walk, those of ``inner``: ``inner`` is
    ``node`` itself or a block element inside it, whose lines are then its own (a block starts
    and ends lines). For any other ``inner`` (inline, skipped, elsewhere) the second is None."""
    inner_id = inner.mem_id
    if inner_id == node.mem_id:
        lines = list(iter_segments(node))
        return lines, lines
    if _KIND.get(inner.tag_id) != 2:
        return list(iter_segments(node)), None
    outer = list(_walk(node, inner_id))
    if None not in outer:
        return cast(list[str], outer), None
    at = outer.index(None)
    lines = list(iter_segments(inner))
    return cast(list[str], outer[:at]) + lines + cast(list[str], outer[at + 1 :]), lines


def _walk(node: LexborNode, cut: int) -> Iterator[str | None]:
    """iter_segments; a block element with ``mem_id`` ``cut`` is not entered but yields None."""
    buf: list[str] = []
    stack: list[LexborNode | None] = [node]
    pop, push = stack.pop, stack.append
    kinds, text_id = _KIND, _TEXT_ID
    while stack:
        cur = pop()
        if cur is None:  # a block element closes: the line ends
            if buf:
                line = normalize_space("".join(buf))
                buf = []
                if line:
                    yield line
            continue
        kind = kinds.get(cur.tag_id)
        if kind is not None:
            if kind == 0:
                text = cur.text_content
                if text:
                    buf.append(text)
                continue
            if kind == 1:
                continue
            if buf:  # a block element opens: the line ends
                line = normalize_space("".join(buf))
                buf = []
                if line:
                    yield line
            if cut and cur.mem_id == cut:
                yield None
                continue
        child = cur.last_child
        if child is None:
            continue  # an empty block closes on an empty line
        prev = child.prev
        if prev is None and child.tag_id == text_id:
            # One text child (most cells, spans and paragraphs): no push, no close marker.
            text = child.text_content
            if text:
                if kind == 2:
                    line = normalize_space(text)
                    if line:
                        yield line
                else:
                    buf.append(text)
            continue
        if kind == 2:
            push(None)
        push(child)
        while prev is not None:
            push(prev)
            prev = prev.prev
    if buf:
        line = normalize_space("".join(buf))
        if line:
            yield line


def children(node: LexborNode) -> Iterator[LexborNode]:
    """``node``'s children, safe to decompose while iterating (the next one is read first)."""
    child = node.child
    while child is not None:
        nxt = child.next
        yield child
        child = nxt


def last_segment(node: LexborNode) -> str | None:
    """The last segment of ``node`` (``iter_segments(node)``'s last), or None: the same walk
    run backwards, so it stops in the last lines instead of reading a whole article to find
    a table's caption. Lines are text between block boundaries either way; a backward walk
    meets a block's end first and gathers each line's pieces last to first."""
    if node.tag_id == _TEXT_ID:
        return normalize_space(node.text_content or "") or None
    buf: list[str] = []
    stack: list[LexborNode | None] = [node]
    pop, push = stack.pop, stack.append
    kinds = _KIND
    while stack:
        cur = pop()
        if cur is None:  # a block element opens (walking backwards): the line ends
            if buf:
                line = normalize_space("".join(reversed(buf)))
                buf = []
                if line:
                    return line
            continue
        kind = kinds.get(cur.tag_id)
        if kind is not None:
            if kind == 0:
                text = cur.text_content
                if text:
                    buf.append(text)
                continue
            if kind == 1:
                continue
            if buf:  # a block element closes (walking backwards): the line ends
                line = normalize_space("".join(reversed(buf)))
                buf = []
                if line:
                    return line
            push(None)
        child = cur.first_child
        while child is not None:
            push(child)
            child = child.next
    if buf:
        line = normalize_space("".join(reversed(buf)))
        if line:
            return line
    return None


def node_text(node: LexborNode, sep: str = "\n") -> str:
    """Text of ``node``: its segments joined by ``sep``."""
    child = node.first_child
    if child is not None and child.next is None and child.tag_id == _TEXT_ID:
        kind = _KIND.get(node.tag_id)  # a cell holding one text node (most cells): no walk needed
        if kind is None or kind == 2:  # an element, not a skipped one
            return normalize_space(child.text_content or "")
    return sep.join(iter_segments(node))
