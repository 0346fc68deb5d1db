"""``<table>`` → a rectangular grid with rowspan/colspan expanded.

Labels propagate through spans and values must not: every covered position gets a cell that
repeats the text of the cell it was spanned from, flagged ``spanned=True``, so label readers
can use it and value readers can skip it (no double counting). Spans are capped so a hostile
``rowspan=100000`` cannot blow up memory, and so is the number of grid positions of one table
(:data:`MAX_CELLS`): rows past it are not read, whatever the spans.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .text import _KIND, _SKIP_IDS, compact, node_text, normalize_label, normalize_space
from .values import MEMO

__all__ = [
    "GridCell", "MAX_CELLS", "MAX_COLSPAN", "MAX_COLS", "build_grid", "cell_key", "cell_label", "cell_space",
    "grid_of_rows", "is_leaf_table", "table_rows",
]

MAX_COLSPAN = 64
MAX_COLS = 256
MAX_ROWSPAN = 512
#: grid positions of one table (a statistics table has < 2,000; 100,000 rows × 3 columns fit)
MAX_CELLS = 500_000

#: ``compact`` / ``normalize_label`` / ``normalize_space`` of a cell text (or a label), memoised:
#: the classifiers and readers normalise the same cell texts again and again, and labels and
#: small numbers repeat across pages. Use the plain ``text`` functions for page-long strings.
cell_key = lru_cache(maxsize=MEMO)(compact)
cell_label = lru_cache(maxsize=MEMO)(normalize_label)
cell_space = lru_cache(maxsize=MEMO)(normalize_space)


class GridCell(NamedTuple):
    """One grid position. ``text`` keeps the cell's line breaks (``\\n``); use
    ``text.compact`` to compare labels. Immutable; a named tuple rather than a frozen
    dataclass because a page builds thousands and a frozen dataclass costs ~4× as much."""

    row: int
    col: int
    text: str
    origin: tuple[int, int]  # grid position of the real cell this one comes from
    rowspan: int = 1
    colspan: int = 1
    is_th: bool = False

    @property
    def spanned(self) -> bool:
        """True for positions covered by another cell's span (not the cell itself)."""
        return self.origin != (self.row, self.col)


def _tag_id(name: str) -> int:
    return LexborHTMLParser("").create_node(name).tag_id


_TD, _TH, _TR = _tag_id("td"), _tag_id("th"), _tag_id("tr")
_SECTIONS = frozenset(map(_tag_id, ("tbody", "thead", "tfoot")))


def table_rows(table: LexborNode) -> list[LexborNode]:
    """The ``<tr>`` elements of this table, not of tables nested inside it (element children
    walked in C by ``iter``, told apart by tag id: no tag names built)."""
    rows: list[LexborNode] = []
    tr, sections = _TR, _SECTIONS
    for child in table.iter():
        tag = child.tag_id
        if tag == tr:
            rows.append(child)
        elif tag in sections:
            rows.extend(sub for sub in child.iter() if sub.tag_id == tr)
    return rows


def is_leaf_table(table: LexborNode) -> bool:
    """A table with no table inside it (layout tables wrap the data tables)."""
    return len(table.css("table")) <= 1  # lexbor's css() includes the node itself


def _span(value: str | None, cap: int) -> int:
    try:
        n = int(str(value).strip().rstrip(";").split(".")[0]) if value is not None else 1
    except ValueError:
        return 1
    return max(1, min(n, cap))


def _cell_text(cell: LexborNode) -> str:
    """``node_text`` of a ``<td>``/``<th>``. Most cells are one line of text: one text node,
    bare or down a chain of single elements (Word's ``<p><span>12</span></p>``), or inline runs
    (``12<o:p></o:p>``, ``<span>1</span><span>2</span>``). Those are read without the segment
    walk and normalised through the memo (numbers and labels repeat); any other cell (a block
    or a skipped element inside, several paragraphs) goes through ``node_text``."""
    node = cell
    kinds = _KIND
    while True:
        child = node.first_child
        if child is None:
            return ""  # no text below
        if child.next is not None:
            break
        text = child.text_content  # None unless a text node (or an empty one)
        if text is not None:
            return cell_space(text)
        kind = kinds.get(child.tag_id)  # as in the segment walk: an int, no tag name built
        if kind == 0:
            return ""  # an empty text node
        if kind == 1:
            return node_text(cell)  # a comment or a skipped element
        node = child
    text = _inline_text(node)
    return node_text(cell) if text is None else cell_space(text)


def _inline_text(node: LexborNode) -> str | None:
    """The text below ``node`` joined, when every element below it is inline (one segment);
    None when a block or a skipped element is met."""
    parts: list[str] = []
    resume: list[LexborNode | None] = []  # where to go on after each element descended into
    kinds = _KIND
    child = node.first_child
    while True:
        while child is not None:
            text = child.text_content  # None unless a text node
            if text is not None:
                parts.append(text)
                child = child.next
                continue
            tag = child.tag_id
            kind = kinds.get(tag)
            if kind is None:  # an inline element
                sub = child.first_child
                if sub is not None:
                    resume.append(child.next)
                    child = sub
                    continue
            elif kind == 2 or (kind == 1 and tag in _SKIP_IDS):
                return None
            # else an empty text node, or a comment (no text)
            child = child.next
        if not resume:
            return "".join(parts)
        child = resume.pop()


def build_grid(table: LexborNode) -> list[list[GridCell]]:
    """Expand spans into a list of rows of equal length (short rows padded with blanks).
    At most :data:`MAX_CELLS` positions: the grid then ends at the last row read."""
    return grid_of_rows(table_rows(table))


def grid_of_rows(rows: list[LexborNode]) -> list[list[GridCell]]:
    """``build_grid`` from the table's ``table_rows`` (for a caller that needs them too)."""
    n_rows = len(rows)
    # the rows being filled, ``None`` where no cell sits yet (a later span may still cover it);
    # a cell spanning over a position already taken overwrites it, as the HTML table model does
    lines: list[list[GridCell | None]] = [[] for _ in range(n_rows)]
    new = tuple.__new__  # GridCell(...) without the keyword-argument wrapper: one call per position
    filled = 0  # positions taken so far
    width = 0
    spans = False  # a span left ``None`` holes in some line
    td, th, max_cols, space, slow_text = _TD, _TH, MAX_COLS, cell_space, _cell_text
    for r, tr in enumerate(rows):
        if filled >= MAX_CELLS:
            n_rows = r
            break
        line = lines[r]
        append = line.append
        n = len(line)  # positions of this row filled so far (by rowspans from above, then here)
        c = 0  # next position; only grows along a row, so the row's width is read at its end
        for cell in tr.iter():  # element children (in C: the white space between cells is skipped)
            tag = cell.tag_id  # an int: ``.tag`` builds a string
            if tag != td and tag != th:
                continue
            if c < n:  # positions taken by rowspans from above
                while c < n and line[c] is not None:
                    c += 1
            if c >= max_cols:
                break
            # most cells hold one text node: read it here; the others go to _cell_text
            child = cell.first_child
            if child is not None and child.next is None and (text := child.text_content) is not None:
                text = space(text)
            else:
                text = slow_text(cell)
            attrs = cell.attributes  # most cells have no span: skip parsing what is absent
            if not attrs or ("rowspan" not in attrs and "colspan" not in attrs):
                if c < n:
                    line[c] = new(GridCell, (r, c, text, (r, c), 1, 1, tag == th))
                else:
                    append(new(GridCell, (r, c, text, (r, c), 1, 1, tag == th)))
                    n += 1
                filled += 1
                c += 1
            else:
                rs = min(_span(attrs["rowspan"], MAX_ROWSPAN), n_rows - r) if "rowspan" in attrs else 1
                cs = min(_span(attrs["colspan"], MAX_COLSPAN), max_cols - c) if "colspan" in attrs else 1
                origin = (r, c)
                is_th = tag == th
                end = c + cs
                for dr in range(rs):
                    target = lines[r + dr]
                    if len(target) < end:
                        target.extend([None] * (end - len(target)))
                        spans = True
                    for dc in range(c, end):
                        if target[dc] is None:
                            filled += 1
                        target[dc] = new(GridCell, (r + dr, dc, text, origin, rs, cs, is_th))
                c = end
                n = len(line)
        if c > width:
            width = c
    n_rows = min(n_rows, MAX_CELLS // max(width, 1))  # the padded grid stays within the cap too
    grid: list[list[GridCell]] = []
    for r in range(n_rows):
        line = lines[r]
        if len(line) < width or (spans and None in line):
            if len(line) < width:
                line.extend([None] * (width - len(line)))
            line = [cell or new(GridCell, (r, c, "", (r, c), 1, 1, False)) for c, cell in enumerate(line)]
        grid.append(line)  # type: ignore[arg-type]
    return grid
