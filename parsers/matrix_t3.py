"""表三 收到和处理政府信息公开申请情况: rows × 7 applicant columns (2019 and 2021 formats).

Rows are found by their labels (with the catalogue's aliases), not by position, so local
reorderings, extra rows and missing rows are read and reported. A sub-row whose group label was
left on the previous page (a table split in two) takes its ancestors from the rows before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .grid import GridCell, cell_key
from .matrix_common import (
    ColSpec,
    RowSpec,
    Slot,
    catalogue,
    cell_texts,
    header_slots,
    is_value_cell,
    label_parts,
    label_run,
    match_label,
    numbering_level,
    row_texts,
)
from .matrix_common import (
    has_values as _has_values,
)
from .model import Fact, new_fact
from .values import parse_value

__all__ = ["CANONICAL_COLUMNS", "T3Reader", "read_t3"]

#: Column paths as the national form prints them (used when a header cannot be read).
CANONICAL_COLUMNS = (
    ("申请人情况 / 自然人", "t3.col.natural_person"),
    ("申请人情况 / 法人或其他组织 / 商业企业", "t3.col.legal.commercial"),
    ("申请人情况 / 法人或其他组织 / 科研机构", "t3.col.legal.research"),
    ("申请人情况 / 法人或其他组织 / 社会公益组织", "t3.col.legal.public_interest"),
    ("申请人情况 / 法人或其他组织 / 法律服务机构", "t3.col.legal.legal_services"),
    ("申请人情况 / 法人或其他组织 / 其他", "t3.col.legal.other"),
    ("申请人情况 / 总计", "t3.col.total"),
)
_HEADER_WORDS = ("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构")
_HEADER_WORD = re.compile("|".join(map(re.escape, _HEADER_WORDS)))  # any of them: one scan


def _group_ids() -> frozenset[str]:
    rows = catalogue().rows["T3"]
    return frozenset(r.parent_id for r in rows if r.parent_id) & {r.row_id for r in rows if r.has_cells}


_GROUP_IDS = _group_ids()


def _col_by_id(col_id: str) -> ColSpec:
    return next(c for c in catalogue().cols["T3"] if c.col_id == col_id)


def _leaf_of(parts: list[str]) -> ColSpec | None:
    return match_label(parts[-1], catalogue().cols["T3"], fuzzy=0.8)


class T3Reader:
    """Reads the pieces of one 表三 in order; header and row context carry over pieces."""

    def __init__(self, table_no: int, title: str | None):
        self.table_no = table_no
        self.title = title
        self.facts: list[Fact] = []
        self.warnings: list[str] = []
        self.slots: list[Slot] = []
        self.first = -1
        self.context: dict[str, str] = {}  # row_id of an ancestor → label as printed
        self.row_no = 0
        self.seen_rows: set[str] = set()
        self._warned_cols = False
        self.pending: tuple | None = None  # a blank row that may be a group label (see _row)

    # -- header -------------------------------------------------------------------------------
    def _is_data_row(self, row: list[GridCell]) -> bool:
        rows = catalogue().rows["T3"]
        texts = [(cell, text) for cell, text in cell_texts(row) if text]
        if any(not cell.spanned and is_value_cell(text) for cell, text in texts):
            return True
        if any(w in text for _, text in texts for w in _HEADER_WORDS):
            return False
        return any(match_label(text, rows, fuzzy=0) is not None for _, text in texts)

    def _header(self, grid: list[list[GridCell]]) -> int:
        """Read the header rows at the top of a piece; returns the first body row."""
        body = 0
        while body < len(grid) and not self._is_data_row(grid[body]):
            body += 1
        head = [r for r in range(body) if any(cell_key(c.text) for c in grid[r])]
        if not head:
            return body
        slots, first = header_slots(grid, head, _leaf_of)
        if slots:
            self.slots, self.first = self._split_legal(slots), first
            unknown = [s.column for s in self.slots if s.col is None]
            if unknown:
                self.warnings.append(f"unknown column in 表三: {', '.join(unknown)}")
        return body

    def _split_legal(self, slots: list[Slot]) -> list[Slot]:
        """法人或其他组织 printed over five value columns without its sub-headers: the five
        legal-person columns in template order."""
        out: list[Slot] = []
        for s in slots:
            if s.col is None and s.end - s.start == 4 and s.column.endswith("法人或其他组织"):
                legal = [(p, cid) for p, cid in CANONICAL_COLUMNS if ".legal." in cid]
                out += [Slot(s.start + i, s.start + i, f"{s.column} / {p.rsplit(' / ', 1)[1]}", _col_by_id(cid))
                        for i, (p, cid) in enumerate(legal)]
                self.warnings.append("表三 法人或其他组织 without sub-headers: its five columns taken in template order")
            else:
                out.append(s)
        return out

    def _fallback_slots(self, start: int) -> None:
        self.slots = [Slot(start + i, start + i, path, _col_by_id(cid)) for i, (path, cid) in enumerate(CANONICAL_COLUMNS)]
        self.first = start
        if not self._warned_cols:
            self._warned_cols = True
            self.warnings.append("表三 header not recognised: columns assigned in template order")

    # -- rows ---------------------------------------------------------------------------------
    def read_piece(self, grid: list[list[GridCell]]) -> None:
        if not grid:
            return
        prev_slots = self.slots
        body = self._header(grid)
        if self.slots is prev_slots and self.slots and not self._has_t3_rows(grid[body:]):
            # a header-less piece handed over as a continuation, but none of its rows is a
            # 表三 row: some other table that happens to follow
            if _has_values(grid):
                self.warnings.append("table piece after 表三 without 表三 rows: ignored")
            return
        for r in range(body, len(grid)):
            self._row(grid[r])

    def _has_t3_rows(self, rows: list[list[GridCell]]) -> bool:
        cat = catalogue().rows["T3"]
        for row in rows:
            end = label_run(row, self.first)
            if any(match_label(p, cat) is not None for p in label_parts(row, end)):
                return True
        return False

    def _row(self, row: list[GridCell]) -> None:
        cat = catalogue()
        first = self.first
        end = label_run(row, first if first >= 0 else len(row))
        if end < 0 and not any(cell_key(c.text) for c in row if not c.spanned):
            return  # empty spacer row
        parts = label_parts(row, end)
        start = end + 1
        if start >= len(row):
            return  # a note or caption across the whole row
        if parts and _HEADER_WORD.search(cell_key("".join(parts))) and not any(
            is_value_cell(c.text) for c in row[start:] if not c.spanned
        ):
            return  # a header row repeated after a page break
        if not self.slots:
            self._fallback_slots(start)
            first = self.first
        where = f"表三 row {'/'.join(parts) or '(no label)'}"
        texts = row_texts(row, self.slots, first, start, self.warnings, where)
        matches = [match_label(p, cat.rows["T3"]) for p in parts]
        spec = matches[-1] if matches else None
        for p, m in zip(parts, matches):
            if m is not None and m.level < 3:
                self._remember(m, p)
        if spec is not None and not spec.has_cells:
            if not any(any(ch.isdigit() for ch in t) for t in texts):
                return  # a group label row without values
            self.warnings.append(f"values on a group row in 表三: {parts[-1]} (no indicator)")
        if spec is None and not parts and not any(texts):
            return
        if spec is None:
            self.warnings.append(f"unknown row in 表三: {'/'.join(parts) or '(no label)'}")
        elif spec.row_id in self.seen_rows:
            self.warnings.append(f"row read twice in 表三: {parts[-1]}")
        if self.pending is not None:
            held, self.pending = self.pending, None
            if spec is None or spec.parent_id != held[0]:
                self._emit(*held[1:])
        if spec is not None:
            self.seen_rows.add(spec.row_id)
        path = self._path(parts, matches, spec)
        label = parts[-1] if parts else ""
        if spec is not None and spec.row_id in _GROUP_IDS and not any(texts):
            # 2019's data row （六）其他处理 is 2021's group label: a blank row printed on its own
            # is a group label when its sub-rows follow, else a blank 2019 row
            self.pending = (spec.row_id, spec, path, label, texts)
            return
        self._emit(spec, path, label, texts)

    def finish(self) -> None:
        if self.pending is not None:
            held, self.pending = self.pending, None
            self._emit(*held[1:])

    def _emit(self, spec: RowSpec | None, path: tuple[str, ...], label: str, texts: list[str]) -> None:
        cells = catalogue().cells
        self.row_no += 1
        table_no, title, row_no, facts = self.table_no, self.title, self.row_no, self.facts
        for slot, text in zip(self.slots, texts):
            col = slot.col
            cell_id, unit = None, None
            if col is not None:
                if spec is not None:
                    cell = cells.get((spec.row_id, col.col_id))
                    if cell is not None:
                        cell_id, unit = cell[0], cell[1]
                if unit is None:
                    unit = col.unit
                if cell_id is None and spec is not None and spec.has_cells:
                    self.warnings.append(f"no indicator for 表三 {label} × {slot.column}")
            value = parse_value(text)  # make_fact(...), inlined: 表三 has ~50 cells
            facts.append(new_fact(table_no, title, row_no, path, label, slot.column, value.unit or unit, value, cell_id))

    def _remember(self, spec: RowSpec, printed: str) -> None:
        if spec.level == 1:
            self.context = {}
        elif spec.level == 2:
            self.context = {k: v for k, v in self.context.items() if catalogue().row_by_id[k].level < 2}
        self.context[spec.row_id] = printed

    def _path(self, parts: list[str], matches: list, spec: RowSpec | None) -> tuple[str, ...]:
        """Ancestors as printed (from this row or the rows above it), then the row's label."""
        if not parts:
            return ()
        if spec is None:
            level = numbering_level(parts[-1])
            if len(parts) > 1 or level is None:
                return tuple(parts)
            anc = [v for k, v in self.context.items() if catalogue().row_by_id[k].level < level]
            return (*anc, parts[-1])
        chain: list[str] = []
        pid = spec.parent_id
        by_id = catalogue().row_by_id
        while pid:
            chain.append(pid)
            pid = by_id[pid].parent_id if pid in by_id else None
        out: list[str] = []
        for aid in reversed(chain):
            printed = next((p for p, m in zip(parts[:-1], matches[:-1]) if m is not None and m.row_id == aid), None)
            if printed is None:
                printed = self.context.get(aid)
            if printed is None and aid in by_id:
                printed = by_id[aid].label  # never printed whole: the catalogue's label
            if printed is not None:
                out.append(printed)
        out.append(parts[-1])
        return tuple(out)


def read_t3(grids: Sequence[list[list[GridCell]]], *, table_no: int, title: str | None) -> tuple[list[Fact], list[str]]:
    reader = T3Reader(table_no, title)
    for grid in grids:
        reader.read_piece(grid)
    reader.finish()
    return reader.facts, reader.warnings
