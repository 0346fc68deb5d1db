"""表四 政府信息公开行政复议、行政诉讼情况: one data row of 15 values under a 3-level header.

Column paths come from the header cells above each value column (行政诉讼 / 未经复议直接起诉 /
总计); the group (行政复议, 未经复议直接起诉, 复议后起诉) is read from the path, not assumed from
the position, so a header printed one character per line or with spaced characters still maps.
"""

from __future__ import annotations

from collections.abc import Sequence

from .grid import GridCell, cell_key
from .matrix_common import (
    ColSpec,
    Slot,
    catalogue,
    header_slots,
    is_value_cell,
    label_key,
    label_run,
    make_fact,
    row_texts,
)
from .matrix_common import (
    has_values as _has_values,
)
from .model import Fact

__all__ = ["CANONICAL_COLUMNS", "read_t4"]

_RESULTS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"), ("total", "总计"))
_GROUPS = (("review", "行政复议"), ("suit_direct", "行政诉讼 / 未经复议直接起诉"), ("suit_after_review", "行政诉讼 / 复议后起诉"))
CANONICAL_COLUMNS = tuple(
    (f"{gpath} / {rlab}", f"t4.{g}.{r}") for g, gpath in _GROUPS for r, rlab in _RESULTS
)
_RESULT_KEYS = {
    "结果维持": "upheld", "维持": "upheld", "结果纠正": "corrected", "纠正": "corrected",
    "其他结果": "other", "其他": "other", "其它结果": "other", "其它": "other", "尚未审结": "pending", "未审结": "pending",
    "总计": "total", "合计": "total", "小计": "total",
}


def _col(col_id: str) -> ColSpec | None:
    return next((c for c in catalogue().cols["T4"] if c.col_id == col_id), None)


def _group(parts: Sequence[str]) -> str | None:
    for p in reversed(parts):
        k = label_key(p)
        if "未经复议" in k or "直接起诉" in k:
            return "suit_direct"
        if "复议后" in k:
            return "suit_after_review"
        if "行政复议" in k:
            return "review"
    return None


def _leaf_of(parts: list[str]) -> ColSpec | None:
    res = _RESULT_KEYS.get(label_key(parts[-1]))
    if res is None:
        return None
    group = _group(parts[:-1])
    return _col(f"t4.{group}.{res}") if group else _col(f"t4.review.{res}")


def _slots_with_groups(slots: list[Slot]) -> list[Slot]:
    """Groups the header did not print: under a bare 行政诉讼 the first five results are
    未经复议直接起诉 and the next five 复议后起诉; a bare row of 15 result labels is read as the
    three groups in template order."""
    out = []
    suits = 0
    for i, s in enumerate(slots):
        parts = s.column.split(" / ")
        res = _RESULT_KEYS.get(label_key(parts[-1]))
        if res is None or _group(parts[:-1]) is not None:
            out.append(s)
            continue
        if any("行政诉讼" in label_key(p) for p in parts[:-1]):
            group = "suit_direct" if suits < 5 else "suit_after_review"
            suits += 1
        elif len(slots) == 15:
            group = _GROUPS[i // 5][0]
        else:
            out.append(Slot(s.start, s.end, s.column, None))
            continue
        out.append(Slot(s.start, s.end, s.column, _col(f"t4.{group}.{res}")))
    return out


def _fits(row: list[GridCell], n: int, first: int) -> bool:
    """A header-less row that can be 表四's data row: ``n`` cells (trailing blanks aside) after
    its label, at least one of them a value."""
    start = label_run(row, first) + 1
    cells = [c for c in row[start:] if not c.spanned]
    while len(cells) > n and not cell_key(cells[-1].text):
        cells.pop()
    return len(cells) == n and any(is_value_cell(c.text) for c in cells)


def read_t4(grids: Sequence[list[list[GridCell]]], *, table_no: int, title: str | None) -> tuple[list[Fact], list[str]]:
    warnings: list[str] = []
    facts: list[Fact] = []
    slots: list[Slot] = []
    first = -1
    data_rows = 0
    for grid in grids:
        if not grid:
            continue
        body = 0
        while body < len(grid) and not any(is_value_cell(c.text) for c in grid[body] if not c.spanned):
            body += 1
        head = [r for r in range(body) if any(cell_key(c.text) for c in grid[r])]
        if body == len(grid) and head:
            # no numbers at all: the header is the rows up to the last one with header text
            last = max(head)
            body = last + 1
            head = [r for r in head if r <= last]
        new: list[Slot] = []
        if head:
            new, f = header_slots(grid, head, _leaf_of)
            if new:
                slots, first = _slots_with_groups(new), f
                unknown = [s.column for s in slots if s.col is None]
                if unknown:
                    warnings.append(f"unknown column in 表四: {', '.join(unknown)}")
        if slots and not new and not any(_fits(grid[r], len(slots), first) for r in range(body, len(grid))):
            if _has_values(grid):
                warnings.append("table piece after 表四 without a row of 表四 values: ignored")
            continue
        for r in range(body, len(grid)):
            row = grid[r]
            end = label_run(row, first if first >= 0 else 0)
            start = end + 1
            values = [c for c in row[start:] if not c.spanned and cell_key(c.text)]
            if data_rows and not values:
                continue  # trailing blank rows
            if not slots:
                n = sum(1 for c in row[start:] if not c.spanned)
                if n < 15 and not values:
                    continue
                slots = [Slot(start + i, start + i, path, _col(cid)) for i, (path, cid) in enumerate(CANONICAL_COLUMNS)]
                first = start
                warnings.append("表四 header not recognised: columns assigned in template order")
            data_rows += 1
            if data_rows == 2:
                warnings.append("more than one data row in 表四")
            texts = row_texts(row, slots, first, start, warnings, "表四")
            for slot, text in zip(slots, texts):
                cell = catalogue().cells.get(("t4.cases", slot.col.col_id)) if slot.col else None
                facts.append(make_fact(table_no=table_no, title=title, row_no=data_rows, row_path=(), label="",
                                       column=slot.column, text=text, unit=cell[1] if cell else "件",
                                       indicator_id=cell[0] if cell else None))
    if slots and not data_rows:
        warnings.append("表四 has a header but no data row")
    return facts, warnings
