"""Measure a page once: the text statistics of every element, from one iterative walk.

``PageStats`` (filled by ``_measure``) says, for every element under a root, how much CJK text
it holds in and out of links, how many nodes, table rows and value cells, and how many
statistics tables; the same walk yields the page's text segments and each block's slice of
them, reading plain statistics tables in one piece (``parsers.measure_table``); what is counted
and how it is packed is ``parsers.measure_totals``. ``find_container`` uses it to pick the
report's body and ``strip_chrome`` to decide what is chrome without walking the container again
(``parsers.clean``). The walk is linear in the page size and never recurses (pages nest 10,000
deep).
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from parsers.families import END_COMMENTS
from parsers.measure_table import _plain_table
from parsers.measure_totals import (
    _BITS,
    _BLOCK,
    _CANDIDATE_CJK,
    _CELL,
    _CELLS_X,
    _CHARS_X,
    _COMMENT,
    _KW_X,
    _LINK_X,
    _MASK,
    _NODE,
    _NODES_X,
    _NUMS_X,
    _ROW,
    _ROWS_X,
    _SHORT_TEXT,
    _SKIPPED,
    _TABLE,
    _TABLES_X,
    _TAG_KINDS,
    _is_end_comment,
    _is_value_cell,
    _short_text_counts,
    _St,
    _tag_kind,
    _text_counts,
)
from parsers.text import _TEXT_ID, SKIP_TAGS, normalize_space

__all__ = ["PageStats"]


#: One element of a measured tree: preorder index just past its subtree, tag, the packed
#: running totals when the walk entered and left it — the subtree's totals are the difference —
#: and, for a block element, its segments' slice of ``PageStats.lines`` (start -1 otherwise).
_Rec = tuple[int, str, int, int, int, int]
#: ``PageStats.info`` entry for a comment holding a body-end marker (``END_COMMENTS``)
_END_COMMENT = 0


class PageStats:
    """Text statistics of every element under a root, from one walk (``_measure``).

    ``find_container`` fills it for the whole body; ``strip_chrome`` reuses it for the
    container (a subtree) instead of walking again. The walk also keeps its preorder:
    ``order[i]`` is an element, a non-blank text node or an end-marker comment, ``info[i]`` its
    ``_Rec``, its text, or ``_END_COMMENT``. Valid until the tree is changed (mem_ids and
    records of removed nodes go stale). The nodes inside a statistics table read in one piece
    (``tables``) have no records: ``of`` measures them when asked.
    """

    __slots__ = (
        "end_comments", "index", "info", "inside", "lines", "order", "outside", "tables", "text_after", "text_before",
        "texty", "texty_inside",
    )

    def __init__(self) -> None:
        self.order: list[LexborNode] = []
        self.info: list[_Rec | str | int | None] = []
        self.index: dict[int, int] = {}  # mem_id of an element → its preorder index
        self.end_comments: list[int] = []  # preorder indices of the end-marker comments
        self.texty: list[int] = []  # preorder indices of the elements with _CANDIDATE_CJK or more
        # Statistics tables read in one piece (``_plain_table``): their elements and text are
        # not in ``order``; ``of`` measures such a table's elements when asked, ``texty_inside``
        # are the ones with _CANDIDATE_CJK or more.
        self.tables: set[int] = set()  # mem_ids of those tables
        self.texty_inside: list[LexborNode] = []
        self.inside: dict[int, PageStats] = {}  # a table's walk, made when asked
        self.outside: set[int] = set()  # mem_ids of unmeasured elements known not in those tables
        self.lines: list[str] = []  # the root's segments (``iter_segments``)
        # preorder indices of the block elements with text just before / after them on the same
        # line (removing such a block joins that text with what is on its other side)
        self.text_before: set[int] = set()
        self.text_after: set[int] = set()

    def clear(self) -> None:
        self.lines.clear()
        self.text_before.clear()
        self.text_after.clear()
        self.order.clear()
        self.info.clear()
        self.index.clear()
        self.end_comments.clear()
        self.texty.clear()
        self.tables.clear()
        self.texty_inside.clear()
        self.inside.clear()
        self.outside.clear()

    def get(self, mem_id: int) -> _St | None:
        i = self.index.get(mem_id)
        if i is None:
            return None
        rec = self.info[i]
        assert isinstance(rec, tuple)
        d = rec[3] - rec[2]
        return _St(*[(d >> x) & _MASK for x in range(0, 9 * _BITS, _BITS)])

    def of(self, node: LexborNode) -> _St | None:
        """``get(node.mem_id)``, also for an element inside a table read in one piece (whose
        cells are then walked, once). Each unmeasured element's ancestors are looked at once:
        pages nest 10,000 deep."""
        mid = node.mem_id
        st = self.get(mid)
        if st is not None or not self.tables or not node.is_element_node:
            return st
        for sub in self.inside.values():
            if mid in sub.index:
                return sub.get(mid)
        seen = [mid]
        cur = node.parent
        while cur is not None:
            cid = cur.mem_id
            if cid in self.index or cid in self.outside:
                if cid in self.tables:  # (a walk of the table has not the table's own flags)
                    sub = self.inside[cid] = _measure(cur, None, plain=False)
                    return sub.get(mid)
                break
            seen.append(cid)
            cur = cur.parent
        self.outside.update(seen)
        return None

    def __getitem__(self, mem_id: int) -> _St:
        st = self.get(mem_id)
        if st is None:
            raise KeyError(mem_id)
        return st

    def has(self, mem_id: int) -> bool:
        return mem_id in self.index

    def segments(self, mem_id: int) -> list[str] | None:
        """``iter_segments`` of a measured element, from the walk: known for the root and block
        elements (a block starts and ends lines, so its lines are its own); None otherwise."""
        i = self.index.get(mem_id)
        if i == 0:
            return self.lines
        if i is None:
            return None
        rec = self.info[i]
        assert isinstance(rec, tuple)
        return self.lines[rec[4] : rec[5]] if rec[4] >= 0 else None

    def segments_without(self, mem_id: int, removed: list[int]) -> list[str] | None:
        """``segments(mem_id)`` after the elements at preorder indices ``removed`` (inside it,
        disjoint) left the tree, when that only drops their lines: each is a SKIP_TAGS element
        (no lines) or a block element, and no run of removed blocks with only white space
        between them has text on its line both before and after it (that text would join).
        None when the lines must be read again."""
        lines = self.segments(mem_id)
        if lines is None or not removed:
            return lines
        i = self.index[mem_id]
        base = self.info[i][4] if i else 0  # type: ignore[index]
        if min(removed) < 0:
            return None
        info, before, after = self.info, self.text_before, self.text_after
        cuts: list[tuple[int, int, int]] = []  # (first line, end line, preorder index)
        for j in removed:
            rec = info[j]
            if rec.__class__ is not tuple:
                return None  # a text node: its line may hold other text
            if rec[1] in SKIP_TAGS:  # type: ignore[index]
                continue
            if rec[4] < 0:  # type: ignore[index]
                return None  # an inline element
            cuts.append((rec[4], rec[5], j))  # type: ignore[index]
        cuts.sort()
        out: list[str] = []
        at = base
        k = 0
        while k < len(cuts):
            first, end, j = cuts[k]
            joined_before = j in before
            while k + 1 < len(cuts) and cuts[k + 1][0] == end:  # no line between: one run
                k += 1
                end, j = cuts[k][1], cuts[k][2]
            if joined_before and j in after:
                return None
            out.extend(lines[at - base : first - base])
            at = end
            k += 1
        out.extend(lines[at - base :])
        return out


def _is_stat_table(d: int) -> bool:
    """Whether a table with the packed subtree totals ``d`` is an innermost statistics table."""
    return bool(not (d >> _TABLES_X) & _MASK and (d >> _CELLS_X) & _MASK >= 4 and (d >> _KW_X) & _MASK >= 2
                and (d >> _ROWS_X) & _MASK >= 3 and ((d >> _LINK_X) & _MASK) * 2 < d & _MASK)


_COUNTED_TAGS = frozenset(("tr", "td", "th", "table"))  # the elements whose exit adds a count


def _measure(root: LexborNode, into: PageStats | None = None, plain: bool = True) -> PageStats:
    """Text statistics for every element under ``root``, and its segments, in one preorder walk
    (no recursion).

    Instead of summing child records, the walk keeps running totals over the text nodes (and
    counts of rows, value cells, statistics tables) and snapshots them when it enters and leaves
    an element: an element's subtree stats are the difference. Text nodes are counted when they
    are popped, so they land in ``order`` in document order (``strip_chrome`` relies on it).
    Elements without children or with one text node (most cells, spans, paragraphs) are done at
    once; the others push a tuple to be left later. The link/table flags of the enclosing
    elements are a plain variable: an element's descendants pop before its exit tuple, which
    restores the flags of its parent.

    The same walk builds ``iter_segments(root)`` (``PageStats.lines``): text is joined until a
    block element opens or closes, so a block element's own segments are a slice of them (a
    separate segment walk cost as much as a third of this one).

    A table that ``_plain_table`` can read from lexbor's own traversal and that is a statistics
    table of four or more rows (nothing inside it is chrome) gets one record and its lines,
    not one per cell (``PageStats.tables``), unless ``plain`` is false."""
    ps = into if into is not None else PageStats()
    ps.clear()
    order, info, index, end_marks, texty, lines = ps.order, ps.info, ps.index, ps.end_comments, ps.texty, ps.lines
    acc = 0  # the packed running totals
    flags = 0  # 1 = inside a link, 2 = inside a table (numbers and keywords are counted only there)
    stack: list[LexborNode | tuple[LexborNode, int, str, int, int, int]] = [root]
    pop, push = stack.pop, stack.append
    short_counts, counts, short = _short_text_counts, _text_counts, _SHORT_TEXT
    tag_kinds, text_id = dict(_TAG_KINDS), _TEXT_ID  # (own copy: it also gets this page's other ids)
    end_comments = bool(END_COMMENTS)
    order_append, info_append, line_append = order.append, info.append, lines.append
    buf: list[str] = []  # text of the line being built
    buf_append = buf.append
    before_add, after_add = ps.text_before.add, ps.text_after.add
    last_close = -1  # the block element whose end was the last line break (-1: an opening one)
    while stack:
        node = pop()
        if node.__class__ is tuple:  # leaving an element
            node, i, tag, enter, flags, first = node  # type: ignore[misc]
            if tag not in _COUNTED_TAGS:
                pass
            elif tag == "tr":
                acc += _ROW
            elif tag == "td" or tag == "th":
                d = acc - enter
                if ((d >> _NUMS_X) & _MASK and (d >> _CHARS_X) & _MASK <= 40 and (d >> _NODES_X) & _MASK <= 24
                        and _is_value_cell(node.text())):
                    acc += _CELL
            elif tag == "table" and _is_stat_table(acc - enter):
                acc += _TABLE
            if first >= 0:  # a block element closes: the line ends
                if buf:
                    line = normalize_space("".join(buf))
                    buf.clear()
                    if line:
                        line_append(line)
                        if last_close >= 0:
                            after_add(last_close)
                last_close = i
            info[i] = (len(order), tag, enter, acc, first, len(lines))
            if (acc - enter) & _MASK >= _CANDIDATE_CJK:
                texty.append(i)
            continue
        tid = node.tag_id  # type: ignore[union-attr]
        if tid == text_id:
            text = node.text_content  # type: ignore[union-attr]
            if text:
                if text.isspace():
                    if buf:  # (white space that would start a line is stripped anyway)
                        buf_append(text)
                    continue
                buf_append(text)
                order_append(node)
                info_append(text)
                n_chars, n_cjk, in_table, _ = short_counts(text) if len(text) <= short else counts(text)
                acc += n_chars + (n_cjk << _LINK_X if flags & 1 else n_cjk)
                if flags & 2:
                    acc += in_table
            continue
        kind_tag = tag_kinds.get(tid)
        if kind_tag is None:
            kind_tag = tag_kinds[tid] = _tag_kind(node, tid)  # type: ignore[arg-type]
        kind, tag = kind_tag
        if kind < 0:  # not an element (element names start with a letter)
            if kind == _COMMENT and end_comments and _is_end_comment(node):  # type: ignore[arg-type]
                end_marks.append(len(order))
                order_append(node)
                info_append(_END_COMMENT)
            continue
        i = len(order)
        index[node.mem_id] = i
        order_append(node)
        info_append(None)
        enter = acc
        acc += _NODE
        if kind == _SKIPPED:
            info[i] = (i + 1, tag, enter, acc, -1, len(lines))
            continue
        if kind == _BLOCK:
            if buf:  # a block element opens: the line ends
                line = normalize_space("".join(buf))
                buf.clear()
                if line:
                    line_append(line)
                    before_add(i)
                    if last_close >= 0:
                        after_add(last_close)
            first = len(lines)
            last_close = -1
            if plain and tag == "table" and not flags & 1 and (whole := _plain_table(node, tag_kinds)) is not None:  # type: ignore[arg-type]
                d = whole[0] + _NODE
                if (d >> _ROWS_X) & _MASK >= 4 and _is_stat_table(d):
                    acc += whole[0] + _TABLE
                    lines.extend(whole[1])
                    ps.tables.add(node.mem_id)  # type: ignore[union-attr]
                    ps.texty_inside.extend(whole[2])
                    info[i] = (i + 1, tag, enter, acc, first, len(lines))
                    if (acc - enter) & _MASK >= _CANDIDATE_CJK:
                        texty.append(i)
                    last_close = i
                    continue
        else:
            first = -1
        child = node.last_child
        if child is None:
            if tag == "tr":
                acc += _ROW
            info[i] = (i + 1, tag, enter, acc, first, len(lines))
            if first >= 0:
                last_close = i
            continue
        prev = child.prev
        if prev is None and child.tag_id == text_id:  # one text node: the commonest leaf
            text = child.text_content
            if text and text.isspace():
                if first < 0 and buf:
                    buf_append(text)
            elif text:
                if first < 0:
                    buf_append(text)
                elif line := normalize_space(text):
                    line_append(line)
                order_append(child)
                info_append(text)
                n_chars, n_cjk, in_table, cell = short_counts(text) if len(text) <= short else counts(text)
                inc = n_chars + (n_cjk << _LINK_X if flags & 1 or tag == "a" else n_cjk)
                if flags & 2 or tag == "table":
                    inc += in_table
                    if cell and (tag == "td" or tag == "th"):
                        inc += _CELL
                acc += inc
                if inc & _MASK >= _CANDIDATE_CJK:
                    texty.append(i)
            if tag == "tr":
                acc += _ROW
            info[i] = (len(order), tag, enter, acc, first, len(lines))
            if first >= 0:
                last_close = i
            continue
        push((node, i, tag, enter, flags, first))
        if tag == "a":
            flags |= 1
        elif tag == "table":
            flags |= 2
        push(child)
        while prev is not None:
            push(prev)
            prev = prev.prev
    if buf:
        line = normalize_space("".join(buf))
        if line:
            line_append(line)
            if last_close >= 0:
                after_add(last_close)
    return ps
