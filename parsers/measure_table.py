"""Read a plain statistics table in one piece, from lexbor's own traversal (``_plain_table``).

The measuring walk (``parsers.measure._measure``) offers it each table outside a link: one
that holds only sections, rows, cells and what cells may hold (statistics tables, ≈ 73 % of a
page's nodes) gives its packed totals, its lines and its texty elements at once, with no record
per cell. It is its own module because it is a second reader of the same totals, with its own
state machine and helpers; it shares only the packing and the text counts
(``parsers.measure_totals``) with the walk, and knows nothing of ``PageStats``.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import chain

from selectolax.lexbor import LexborNode

from parsers.measure_totals import (
    _BLOCK,
    _CANDIDATE_CJK,
    _CELL,
    _CHARS_X,
    _COMMENT,
    _MASK,
    _NODE,
    _NUMS_X,
    _ROW,
    _SHORT_TEXT,
    _SKIPPED,
    _is_end_comment,
    _is_value_cell,
    _tag_kind,
    _text_counts,
)
from parsers.text import _TEXT_ID, _tag_ids, normalize_space

_SECTION, _ROW_PART, _CELL_PART = 0, 1, 2
#: tag id → part, for the elements a plain table may hold
_TABLE_PARTS = {
    **dict.fromkeys(_tag_ids(frozenset(("tbody", "thead", "tfoot"))), _SECTION),
    **dict.fromkeys(_tag_ids(frozenset(("tr",))), _ROW_PART),
    **dict.fromkeys(_tag_ids(frozenset(("td", "th"))), _CELL_PART),
}


def _plain_table(table: LexborNode, kinds: dict[int, tuple[int, str]]) -> tuple[int, list[str], list[LexborNode]] | None:
    """The packed totals of what is inside ``table`` (as ``_measure`` counts them inside a table,
    outside links; without the table's own node and statistics-table count), its segments, and
    (at least) its elements with _CANDIDATE_CJK or more; None when it holds another table part
    than sections, rows, cells and columns, a link, an element whose text is skipped, or an
    end-marker comment. ``kinds`` is the walk's ``_TAG_KINDS``.

    Read from ``traverse`` (lexbor walks, Python sees only the nodes, ≈ 6× cheaper than
    navigating), which gives the preorder but not the nesting. The HTML parser fixes most of
    it: a cell is in the last row before it, a row in the last section, any other element or
    text after a cell is inside that cell, and text directly in a table, section or row is
    ASCII white space (other text is moved before the table) — so white space between cells
    only adds white space at the end of a cell's line. ``remove_spam`` only removes subtrees,
    which keeps all that true. Inside a cell only blocks end lines, and a block ends once as
    much text as its ``text()`` holds has passed (nothing but elements and white space can
    follow unseen, and those change no line); an element of a cell with _CANDIDATE_CJK or more
    counts as one (``_possible_families`` only needs a superset)."""
    it = table.traverse(include_text=True)
    next(it)  # the table itself
    acc = 0
    text_id, parts = _TEXT_ID, _TABLE_PARTS
    short_cell_text, short = _short_cell_text, _SHORT_TEXT
    lines: list[str] = []
    texty: list[LexborNode] = []
    buf: list[str] = []  # the line being built
    n_texts = 0  # the cell's text nodes that are not white space
    spaces: list[str] = []  # white space text nodes since the last other text
    value = False  # whether a cell holding only the last text would be a value cell
    line = ""  # the last text's line
    blocks: list[int] = []  # the cell's open blocks: where their text ends (in ``read``)
    read = 0  # how much of the cell's text has passed
    inner: list[LexborNode] = []  # the cell's elements
    cell: LexborNode | None = None
    row: LexborNode | None = None
    section: LexborNode | None = None
    cell_at = row_at = section_at = 0
    for node in chain(it, (None,)):
        if node is not None:
            tid = node.tag_id
            if tid == text_id:
                text = node.text_content
                if not text:
                    continue
                if cell is None:
                    if text.isspace():
                        continue
                    return None  # (not from the parser)
                if blocks:
                    if blocks[-1] == read:  # (the innermost block ends first)
                        _end_blocks(blocks, read, buf, lines)
                    read += len(text)
                    if blocks and blocks[-1] < read:  # (the innermost ends first)
                        return None  # (the lengths disagree)
                if text.isspace():
                    spaces.append(text)
                    continue
                if spaces:  # (white space that ends a line changes it not)
                    if buf:
                        buf.extend(spaces)
                    spaces.clear()
                n_texts += 1
                buf.append(text)
                inc, value, line = short_cell_text(text) if len(text) <= short else _cell_text(text)
                acc += inc
                continue
            part = parts.get(tid)
            if part is None:
                if cell is None:
                    if tid in _COLUMN_IDS:  # (no text: no line, nothing counted but the node)
                        acc += _NODE
                        continue
                    return None
                kind_tag = kinds.get(tid)
                if kind_tag is None:
                    kind_tag = kinds[tid] = _tag_kind(node, tid)
                kind, tag = kind_tag
                if kind < 0:
                    if kind == _COMMENT and not _is_end_comment(node):
                        continue
                    return None
                if kind == _SKIPPED or tag in _NOT_IN_CELLS:
                    return None
                if kind == _BLOCK:
                    if blocks:
                        if blocks[-1] == read:
                            _end_blocks(blocks, read, buf, lines)
                        if len(blocks) >= _MAX_CELL_BLOCKS:
                            return None  # (each text is read once more per open block)
                    else:
                        read = 0
                    if buf:  # a block opens: the line ends
                        _flush(buf, lines)
                    blocks.append(read if tag == "br" else read + len(node.text()))
                inner.append(node)
                acc += _NODE
                continue
        else:
            part = _END_PART
        if cell is not None:  # the cell ends: its last line, whether it is a value cell
            if blocks:
                if any(end != read for end in blocks):
                    return None  # (the lengths disagree)
                blocks.clear()
            d = acc - cell_at
            if spaces:
                spaces.clear()
            if n_texts == 1 and len(buf) == 1:  # one text, one line (most cells)
                buf.clear()
                if line:
                    lines.append(line)
                if value and len(inner) < 24:
                    acc += _CELL
            elif n_texts:
                if buf:
                    _flush(buf, lines)
                if ((d >> _NUMS_X) & _MASK and (d >> _CHARS_X) & _MASK <= 40 and len(inner) < 24
                        and _is_value_cell(cell.text())):
                    acc += _CELL
            n_texts = 0
            if d & _MASK >= _CANDIDATE_CJK:
                texty.append(cell)
                texty.extend(inner)
            if inner:
                inner.clear()
            cell = None
        if part == _CELL_PART:
            if row is None:
                return None
            cell, cell_at = node, acc
            acc += _NODE
            continue
        if row is not None:
            acc += _ROW
            if (acc - row_at) & _MASK >= _CANDIDATE_CJK:
                texty.append(row)
            row = None
        if part == _ROW_PART:
            row, row_at = node, acc
        else:
            if section is not None and (acc - section_at) & _MASK >= _CANDIDATE_CJK:
                texty.append(section)
            section, section_at = node, acc
        acc += _NODE
    return acc - _NODE, lines, texty  # (the end counted as a section)


def _cell_text(text: str) -> tuple[int, bool, str]:
    """What a non-blank text node adds to the totals inside a table outside links, whether a
    cell holding only it is a value cell, and its line (``_plain_table``)."""
    n_chars, n_cjk, in_table, cell = _text_counts(text)
    return n_chars + n_cjk + in_table, cell, normalize_space(text)


_short_cell_text = lru_cache(maxsize=4096)(_cell_text)

#: elements that a plain table's cell may not hold: what the parser may put directly in a table
#: (table parts, forms) and links (their text is counted apart)
_NOT_IN_CELLS = frozenset(("table", "caption", "colgroup", "col", "form", "a"))
_COLUMN_IDS = _tag_ids(frozenset(("colgroup", "col")))
_END_PART = -1


def _flush(buf: list[str], lines: list[str]) -> None:
    line = normalize_space(buf[0] if len(buf) == 1 else "".join(buf))
    buf.clear()
    if line:
        lines.append(line)


_MAX_CELL_BLOCKS = 8


def _end_blocks(blocks: list[int], read: int, buf: list[str], lines: list[str]) -> None:
    """``_plain_table``: the innermost blocks whose text has all passed end (one line break)."""
    while blocks and blocks[-1] == read:
        blocks.pop()
    if buf:
        _flush(buf, lines)

