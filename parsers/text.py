"""Text helpers shared by every stage: DOM → text segments, label normalisation.

A *segment* is what a reader sees as one line: a paragraph, a table cell, a list item. Inline
runs (``<span>``, ``<font>``, Word's ``<o:p>``, smart tags) are joined with no separator, so
``<span>2011</span>年<span>9</span>月`` stays ``2011年9月``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from selectolax.lexbor import LexborNode

__all__ = [
    "BLOCK_TAGS",
    "SKIP_TAGS",
    "compact",
    "fold_width",
    "iter_segments",
    "normalize_label",
    "normalize_space",
    "node_text",
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


def normalize_space(text: str) -> str:
    """Collapse every kind of white space (nbsp, U+3000, zero-width) to one ASCII space."""
    return _WS.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


def compact(text: str) -> str:
    """Remove all white space: ``统  计  指  标`` → ``统计指标``."""
    return _WS.sub("", _ZERO_WIDTH.sub("", text))


_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；", ",": "，", "?": "？", "!": "！"})


def fold_width(text: str) -> str:
    """Full-width digits and Latin letters to ASCII (NFKC on those only)."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if "\uff10" <= ch <= "\uff5a" or ch == "\uff0e" else ch
        for ch in text
    )


def normalize_label(text: str) -> str:
    """A row/column label as stored in ``label``: no white space, ASCII digits,
    full-width brackets, colons and commas (the form the national templates print)."""
    return fold_width(compact(text)).translate(_HALF_TO_FULL)


def _walk(node: LexborNode) -> Iterator[tuple[str, LexborNode | None]]:
    """Yield ("text", node), ("open", node), ("close", None) events without recursion
    (pages nest 10,000 deep)."""
    stack: list[LexborNode | None] = [node]
    while stack:
        cur = stack.pop()
        if cur is None:
            yield "close", None
            continue
        tag = cur.tag
        if tag == "-text":
            yield "text", cur
            continue
        if tag is None or tag.startswith("-") or tag in SKIP_TAGS:
            continue
        yield "open", cur
        stack.append(None)
        children = []
        child = cur.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend(reversed(children))


def iter_segments(node: LexborNode) -> Iterator[str]:
    """Text segments of ``node`` in document order (empty ones skipped)."""
    buf: list[str] = []
    opened: list[str] = []
    for kind, cur in _walk(node):
        if kind == "text":
            assert cur is not None
            buf.append(cur.text_content or "")
            continue
        if kind == "open":
            assert cur is not None
            tag = cur.tag or ""
            opened.append(tag)
            if tag in BLOCK_TAGS:
                line = normalize_space("".join(buf))
                buf.clear()
                if line:
                    yield line
            continue
        tag = opened.pop() if opened else ""
        if tag in BLOCK_TAGS:
            line = normalize_space("".join(buf))
            buf.clear()
            if line:
                yield line
    line = normalize_space("".join(buf))
    if line:
        yield line


def node_text(node: LexborNode, sep: str = "\n") -> str:
    """Text of ``node``: its segments joined by ``sep``."""
    return sep.join(iter_segments(node))
