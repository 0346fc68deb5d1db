"""表二 主动公开政府信息情况: blocks per 条例第二十条 item, each with its own 信息内容 header.

Value cells go to the header cell whose grid columns they overlap (Shanghai 2019 prints the
table as one 5-column grid whose colspan=2 merges different columns in different rows), never
by cell index. A continuation piece without a header keeps the current block's header; a new
block without a header row takes the catalogue's columns (with a warning).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from .grid import GridCell, cell_key, cell_label
from .matrix_common import (
    ColSpec,
    RowSpec,
    Slot,
    catalogue,
    cell_texts,
    header_unit,
    is_value_cell,
    label_key,
    make_fact,
    match_label,
    row_texts,
)
from .matrix_common import (
    has_values as _has_values,
)
from .model import Fact
from .values import MEMO

__all__ = ["read_t2"]

_ITEM = re.compile(r"第二十条第?（?([一二三四五六七八九十]+)）?项?")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@lru_cache(maxsize=MEMO)
def _block_prefix(title: str) -> str | None:
    m = _ITEM.search(cell_label(title))
    if not m or m[1] not in _CN:
        return None
    return f"t2.art20_{_CN[m[1]]}"


def _canonical_title(prefix: str) -> str:
    n = int(prefix.rsplit("_", 1)[1])
    cn = {v: k for k, v in _CN.items()}[n]
    return f"第二十条第（{cn}）项"


@cache
def block_rows(prefix: str | None) -> tuple[RowSpec, ...]:
    """表二 rows of block ``prefix`` (all rows when None or when the block has none); one
    tuple per block, so ``match_label`` memoises matches against it."""
    rows = catalogue().rows["T2"]
    if prefix:
        own = tuple(r for r in rows if r.row_id.startswith(prefix + "."))
        if own:
            return own
    return rows


@cache
def block_cols(prefix: str | None) -> tuple[ColSpec, ...]:
    """表二 columns of block ``prefix`` (all columns when None)."""
    cols = catalogue().cols["T2"]
    if prefix:
        return tuple(c for c in cols if c.col_id.startswith(prefix + "."))
    return cols


class T2Reader:
    def __init__(self, table_no: int, title: str | None):
        self.table_no = table_no
        self.title = title
        self.facts: list[Fact] = []
        self.warnings: list[str] = []
        self.block_title: str | None = None  # as printed
        self.prefix: str | None = None  # t2.art20_N
        self.slots: list[Slot] = []
        self.first = -1  # first value grid column of the current header
        self.label_col = 0
        self.eras: set[str] = set()  # formats the last header's columns belong to
        self.row_no = 0
        self.fresh_caption = False  # a caption row was read and no header has followed yet

    # -- catalogue views ----------------------------------------------------------------------
    def _rows(self) -> Sequence[RowSpec]:
        return block_rows(self.prefix)

    def _cols(self) -> Sequence[ColSpec]:
        return block_cols(self.prefix)

    def _match_cols(self, heads: list[str]) -> list[ColSpec | None]:
        """Header labels → columns of this block; a label matching several (a truncated 本年新)
        takes the column at its position in whichever format the other headers agree on."""
        cols = self._cols()
        found = [match_label(h, cols, fuzzy=0.75) for h in heads]
        for i, f in enumerate(found):
            if f is not None:
                continue
            eras = {e for g in found if g is not None for e in g.eras}
            same = [c for c in cols if not eras or c.eras & eras]
            if len(same) == len(heads) and same[i] not in found:
                found[i] = same[i]
                self.warnings.append(f"表二 header {heads[i]!r} read as {same[i].label} by position")
        return found

    # -- rows -----------------------------------------------------------------------------------
    def read_piece(self, grid: list[list[GridCell]]) -> None:
        if self.facts and not self._looks_like_t2(grid):
            if _has_values(grid):
                self.warnings.append("table piece after 表二 without 表二 rows: ignored")
            return
        for row in grid:
            self._row(row)

    def _looks_like_t2(self, grid: list[list[GridCell]]) -> bool:
        """A continuation piece holds a caption, a 信息内容 header or a 表二 row label."""
        rows = catalogue().rows["T2"]
        for row in grid:
            for _, t in cell_texts(row):
                if t and (label_key(t) == "信息内容" or _block_prefix(t) or match_label(t, rows) is not None):
                    return True
        return False

    def _row(self, row: list[GridCell]) -> None:
        cells = [(c, t) for c, t in cell_texts(row) if t]
        if not cells:
            return
        head_at = next((i for i, (_, t) in enumerate(cells) if label_key(t) == "信息内容"), None)
        if head_at is not None:
            self._header(row, cells, head_at)
            return
        distinct = {t for _, t in cells}
        caption = next((t for _, t in cells if _block_prefix(t)), None)
        if caption is not None and len(distinct) == 1:
            self._caption(caption)
            return
        if caption is not None and cells[0][1] == caption and not cells[0][0].spanned:
            self._caption(caption)  # a title cell spanning the block's rows on the left
        self._data(row)

    def _caption(self, text: str) -> None:
        self.block_title = cell_label(text)
        self.prefix = _block_prefix(text)
        self.slots = []
        self.fresh_caption = True

    def _header(self, row: list[GridCell], cells: list[tuple[GridCell, str]], head_at: int) -> None:
        for _cell, text in cells[:head_at]:
            if _block_prefix(text):
                self._caption(text)
        if not self.fresh_caption:
            # a new 信息内容 header without a caption row: the block is told by its rows
            self.block_title, self.prefix = None, None
        self.fresh_caption = False
        label_cell = cells[head_at][0]
        self.label_col = label_cell.origin[1]
        first = label_cell.origin[1] + label_cell.colspan
        heads = cells[head_at + 1 :]
        if self.prefix is None:
            self._guess_block_from_headers([t for _, t in heads])
        cols = self._match_cols([t for _, t in heads])
        self.slots = [
            Slot(c.origin[1], c.origin[1] + c.colspan - 1, cell_label(c.text), col)
            for (c, _), col in zip(heads, cols)
        ]
        self.first = first
        matched = [c for c in cols if c is not None]
        if matched:
            self.eras = set.intersection(*(set(c.eras) for c in matched))
        for s in self.slots:
            if s.col is None and self.prefix:
                self.warnings.append(f"unknown column in 表二 {self.block_title or ''}: {s.column}")

    def _guess_block_from_headers(self, heads: list[str]) -> None:
        cols = catalogue().cols["T2"]
        for h in heads:
            c = match_label(h, cols, fuzzy=0)
            if c is not None:
                prefix = c.col_id.split(".col.")[0]
                if all(x.col_id.split(".col.")[0] == prefix for x in cols if c.label == x.label):
                    self.prefix = prefix
                    return

    def _data(self, row: list[GridCell]) -> None:
        # the label is the first non-empty, non-value cell at or right of the 信息内容 column
        label_cell = None
        for cell in row[self.label_col :]:
            t = cell_key(cell.text)
            if not t or _block_prefix(t):
                continue
            if not is_value_cell(t):
                label_cell = cell
            break
        if label_cell is None:
            if any(is_value_cell(c.text) for c in row if not c.spanned):
                self.warnings.append("表二 row with values but no label: ignored")
            return
        label = cell_label(label_cell.text)
        spec = match_label(label, self._rows())
        if spec is None and self.prefix:
            spec = match_label(label, catalogue().rows["T2"])
            if spec is not None and not spec.row_id.startswith(self.prefix + "."):
                self.warnings.append(f"表二 row {label} found outside its block {self.block_title or self.prefix}")
        if self.prefix is None and spec is not None:
            self.prefix = spec.row_id.rsplit(".", 1)[0]
            if self.slots and any(s.col is None or not s.col.col_id.startswith(self.prefix + ".") for s in self.slots):
                heads = [s.column for s in self.slots]
                self.slots = [Slot(s.start, s.end, s.column, c) for s, c in zip(self.slots, self._match_cols(heads))]
                for s in self.slots:
                    if s.col is None:
                        self.warnings.append(f"unknown column in 表二 {_canonical_title(self.prefix)}: {s.column}")
        start = label_cell.origin[1] + label_cell.colspan
        if not self.slots:
            self._catalogue_slots(spec, start)
        if not self.slots:
            self.warnings.append(f"表二 row {label} without a header: ignored")
            return
        where = f"表二 {self.block_title or ''} {label}"
        texts = row_texts(row, self.slots, self.first, start, self.warnings, where)
        if spec is None:
            self.warnings.append(f"unknown row in 表二 {self.block_title or ''}: {label} (no indicator)")
        elif not spec.has_cells:
            self.warnings.append(f"row outside the national form in 表二: {label} (no indicator)")
        block = self.block_title or (_canonical_title(self.prefix) if self.prefix else "")
        path = (block, label) if block else (label,)
        self.row_no += 1
        for slot, text in zip(self.slots, texts):
            cell_id = unit = None
            if spec is not None and slot.col is not None:
                cell = catalogue().cells.get((spec.row_id, slot.col.col_id))
                if cell is not None:
                    cell_id, unit = cell[0], cell[1]
            if unit is None and slot.col is not None:
                unit = slot.col.unit
            unit = header_unit(slot.column) or unit
            if cell_id is None and spec is not None and spec.has_cells and slot.col is not None:
                self.warnings.append(f"no indicator for 表二 {label} × {slot.column}")
            self.facts.append(make_fact(table_no=self.table_no, title=self.title, row_no=self.row_no,
                                        row_path=path, label=label, column=slot.column, text=text,
                                        unit=unit, indicator_id=cell_id))

    def _catalogue_slots(self, spec: RowSpec | None, start: int) -> None:
        """No header seen for this block: the catalogue's columns in order, in the format of the
        last header read (2021 when unknown)."""
        if spec is None:
            return
        prefix = spec.row_id.rsplit(".", 1)[0]
        cols = [c for c in catalogue().cols["T2"] if c.col_id.startswith(prefix + ".")]
        eras = {e for c in cols for e in c.eras}
        era = next(iter(self.eras)) if len(self.eras) == 1 else "e2_2021"
        if era not in eras:
            era = next(iter(sorted(eras)))
        cols = [c for c in cols if era in c.eras]
        self.slots = [Slot(start + i, start + i, c.label, c) for i, c in enumerate(cols)]
        self.first = start
        self.warnings.append(f"表二 block {self.block_title or prefix} has no header: columns assumed {[c.label for c in cols]}")


def read_t2(grids: Sequence[list[list[GridCell]]], *, table_no: int, title: str | None) -> tuple[list[Fact], list[str]]:
    reader = T2Reader(table_no, title)
    for grid in grids:
        reader.read_piece(grid)
    return reader.facts, reader.warnings
