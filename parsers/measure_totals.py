"""What the measuring walks count, and how they pack it: the running totals of an element.

``_St`` is one element's text statistics; the walks keep all of its fields packed in one int
(``_BITS`` per field, shifts ``_X``) so that a subtree's totals are one subtraction. Here too is
what a text node adds to them (``_text_counts``, ``_is_value_cell``) and what a walk does with a
node by its tag id (``_TAG_KINDS``, ``_tag_kind``, ``_is_end_comment``). It is its own module
because both readers of the totals use it: the element-by-element walk (``parsers.measure``)
and the one-piece statistics table reader (``parsers.measure_table``), which the walk calls and
which therefore cannot import the walk's module. ``parsers.clean`` reads the packed fields too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborNode

from parsers.chrome_lines import _words_pattern
from parsers.families import END_COMMENTS
from parsers.text import BLOCK_TAGS, SKIP_TAGS, normalize_space

_CANDIDATE_CJK = 30  # a family candidate with less non-link CJK text never wins
_DIGIT = re.compile(r"\d")
_VALUE_CELL = re.compile(
    r"^[-+]?\d[\d,，.]*\s*(?:%|‰|[件条次个人万元篇项家份期场]{1,3})?\s*(?:[(（,，、].{0,40})?$"
)
_STAT_KW = re.compile(_words_pattern(("统计", "公开", "申请", "复议", "诉讼", "指标", "单位", "办理", "收费", "政府信息")))


@dataclass(slots=True)
class _St:
    cjk: int = 0  # CJK characters outside links
    link_cjk: int = 0
    chars: int = 0  # all visible characters (white space collapsed)
    nodes: int = 1  # elements in the subtree, itself included
    nums: int = 0  # text nodes inside tables that hold a number
    kw: int = 0  # statistics keywords inside tables (non-ASCII text only: they are Chinese)
    rows: int = 0
    num_cells: int = 0  # cells whose whole text is a value (``54835``, ``45478(政府热线)``, ``10个``)
    stat_tables: int = 0  # innermost statistics tables inside (itself included)


# The walk keeps all nine running totals of ``_St`` in one int, 32 bits each in field order, so a
# snapshot is a reference and a subtree's totals one subtraction (no field ever reaches 2**32:
# that would take a page of 4 GB). ``_X`` is the shift of field X.
_BITS = 32
_MASK = (1 << _BITS) - 1
_CJK_X, _LINK_X, _CHARS_X, _NODES_X, _NUMS_X, _KW_X, _ROWS_X, _CELLS_X, _TABLES_X = range(0, 9 * _BITS, _BITS)
_NODE, _NUM1, _ROW, _CELL, _TABLE = (1 << x for x in (_NODES_X, _NUMS_X, _ROWS_X, _CELLS_X, _TABLES_X))


def _is_end_comment(node: LexborNode) -> bool:
    text = node.comment_content or ""
    return any(m in text for m in END_COMMENTS)


@lru_cache(maxsize=4096)
def _is_value_cell(text: str) -> bool:
    """Whether a cell's whole text is a value (cell texts like ``0`` repeat, hence the cache)."""
    return bool(_VALUE_CELL.match(normalize_space(text)))


def _text_counts(text: str) -> tuple[int, int, int, bool]:
    """What a non-blank text node adds to the running totals: its characters (packed), its CJK
    characters (to be packed as link text or not), what it adds inside a table (keywords and
    the number count, packed), and whether a cell holding only it is a value cell."""
    n_chars = len(text.strip())
    n_cjk = 0 if text.isascii() else len(text) - len(_CJK_RUN.sub("", text))
    in_table = len(_STAT_KW.findall(text)) << _KW_X if n_cjk else 0
    cell = False
    if _DIGIT.search(text):
        in_table += _NUM1
        cell = n_chars <= 40 and _is_value_cell(text)
    return n_chars << _CHARS_X, n_cjk, in_table, cell


#: ``_text_counts`` of short texts (cells and labels repeat on every page of a template)
_short_text_counts = lru_cache(maxsize=4096)(_text_counts)
_SHORT_TEXT = 80


# What the walk does with a node, by ``tag_id`` (``node.tag`` builds a new string each time):
# not entered, a block element, an inline element; a comment, another non-element node.
_SKIPPED, _BLOCK, _INLINE, _COMMENT, _NOT_ELEMENT = 0, 1, 2, -1, -2
#: tag id → (what, tag name), filled as the walk meets the ids. Only lexbor's fixed ids of the
#: standard names are kept: an unknown name (``o:p``) gets an id that is an address in one
#: document (another name may get it in the next; a walk keeps them in its own copy), and no
#: address is below 2**16 (Linux maps no page there), while the fixed ids are a few hundred.
_TAG_KINDS: dict[int, tuple[int, str]] = {}
_FIXED_IDS = 1 << 16


def _tag_kind(node: LexborNode, tid: int) -> tuple[int, str]:
    """``_TAG_KINDS``' entry for a node (not a text node), cached when its id is a fixed one."""
    tag = node.tag
    if tag is None or tag[0] == "-":
        out = (_COMMENT if tag == "-comment" else _NOT_ELEMENT, tag or "")
    else:
        out = (_SKIPPED if tag in SKIP_TAGS else _BLOCK if tag in BLOCK_TAGS else _INLINE, tag)
    if tid < _FIXED_IDS:
        _TAG_KINDS[tid] = out
    return out


_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
