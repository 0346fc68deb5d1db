"""Text helpers: normalize_space / compact fast paths give the regex results; the segment walk
matches a plain walk by tag names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from parsers.text import (
    BLOCK_TAGS,
    SKIP_TAGS,
    compact,
    iter_segments,
    node_text,
    normalize_space,
    split_segments,
)

_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_SPACES = " \t\r\n\f\v\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u2005\u200a\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
_TEXT = st.text(alphabet=st.sampled_from(_SPACES + "ab统计指标（1）:\u00ad"), max_size=30)


@given(_TEXT)
def test_normalize_space_as_regex(text: str) -> None:
    assert normalize_space(text) == _WS.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


@given(_TEXT)
def test_compact_as_regex(text: str) -> None:
    assert compact(text) == _WS.sub("", _ZERO_WIDTH.sub("", text))


@given(st.text(max_size=40))
def test_any_text(text: str) -> None:
    assert normalize_space(text) == _WS.sub(" ", _ZERO_WIDTH.sub("", text)).strip()
    assert compact(text) == _WS.sub("", _ZERO_WIDTH.sub("", text))


def test_examples() -> None:
    assert normalize_space("  统  计\u3000指标 ") == "统 计 指标"
    assert normalize_space("a\u200b b") == "a b"
    assert normalize_space("a\x1c") == "a"
    assert compact("统  计\u00a0指\u200b标") == "统计指标"


# --------------------------------------------------------------------------- iter_segments

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _reference_segments(node):
    """The plain walk by tag names that iter_segments must match."""
    buf: list[str] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur is None:
            line = normalize_space("".join(buf))
            buf = []
            if line:
                yield line
            continue
        tag = cur.tag
        if tag == "-text":
            buf.append(cur.text_content or "")
            continue
        if tag is None or tag[0] == "-" or tag in SKIP_TAGS:
            continue
        if tag in BLOCK_TAGS:
            line = normalize_space("".join(buf))
            buf = []
            if line:
                yield line
            stack.append(None)
        stack.extend(reversed(list(cur.iter(include_text=True))))
    line = normalize_space("".join(buf))
    if line:
        yield line


_ODD_HTML = (
    "<p>a<!--x--><svg><p>q</p></svg>b<br>c<o:p>d</o:p><template><p>t</p></template>"
    "<noscript><p>n</p></noscript><span>e</span><td>f</td><div></div>g<script>s</script>h"
    "<select><option>o</select><p><span>i<b>j</b></span>k</p><custom-x>l</custom-x>"
)


def test_iter_segments_as_reference_on_every_node() -> None:
    pages = [p.read_bytes() for p in sorted(FIXTURES.rglob("*.html"))[:12]] + [_ODD_HTML.encode()]
    for body in pages:
        tree = LexborHTMLParser(body)
        for node in tree.root.parent.traverse(include_text=True):
            expected = list(_reference_segments(node))
            assert list(iter_segments(node)) == expected
            assert node_text(node, " ") == " ".join(expected)


def test_split_segments_as_two_walks() -> None:
    pages = [p.read_bytes() for p in sorted(FIXTURES.rglob("*.html"))[:8]] + [_ODD_HTML.encode()]
    for body in pages:
        tree = LexborHTMLParser(body)
        root = tree.body or tree.root
        whole = list(iter_segments(root))
        for inner in [root, *root.traverse(include_text=True)]:
            segments, lines = split_segments(root, inner)
            assert segments == whole
            if lines is not None:
                assert lines == list(iter_segments(inner))


@pytest.mark.parametrize(
    "html",
    [
        "<div>正文<p>第一段</p>尾巴 </div>",
        "<div><p>一</p><p><span>二</span>三<br></p>\n  </div>",
        "<div><p>表一</p><table><tr><td>a</td><td> </td></tr></table><script>s</script></div>",
        "<div><p> </p><!-- c --></div>",
    ],
)
def test_last_segment_is_the_last_of_iter_segments(html: str) -> None:
    from parsers.text import last_segment

    tree = LexborHTMLParser(html)
    for node in tree.body.traverse(include_text=True):
        segs = list(iter_segments(node))
        expected = (normalize_space(node.text_content or "") or None) if node.tag == "-text" else (segs[-1] if segs else None)
        assert last_segment(node) == expected
