"""Era-1 statistics tables: the 2014–2018 label/unit/value form and older local forms.

Read from a real ``<table>`` grid (spans expanded, repeated page-break headers dropped, split
tables continued) or from a table flattened into lines (one cell per line, empty cells lost,
like the seed). Both produce ``RawRow``s; ``rows_to_facts`` then builds the row hierarchy from
the numbering, matches the catalogue and reads the values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

from .catalogue import Entry, Era1Catalogue, level_of
from .grid import GridCell, cell_key, cell_label, cell_space
from .model import Fact, new_fact
from .text import compact, normalize_space
from .values import NA_MARKS, UNITS, is_value_text, parse_value

__all__ = ["Layout", "RawRow", "find_layout", "grid_rows", "is_era1_grid", "rows_to_facts", "text_rows"]

_LABEL_HEADERS = frozenset(
    {"统计指标", "指标名称", "指标", "项目", "统计项目", "指标项目", "项目名称", "内容", "统计内容", "统计项", "统计类别", "类别", "事项", "名称", "统计事项"}
)
_UNIT_HEADERS = frozenset({"单位", "计量单位", "计算单位"})
_CODE_HEADERS = frozenset({"代码", "序号", "编号", "行次", "栏次"})
_VALUE_HEADER_HINT = re.compile(r"(统计数|数量|数值|本期|累计|本年|年度|历年|合计|总计|统计|\d{4}年)")
_CONVENTION_ROW = frozenset({"甲", "乙", "丙", "丁", "1", "2", "3", "4", "5"})
_UNIT_SET = frozenset(UNITS) | {"是/否", "是否", "个/人", "人/次", "万元/元"}
_TITLE = re.compile(r"(统计表|情况表|统计报表|统计附表|附表)$")


class RawRow(NamedTuple):
    """One table row before interpretation (immutable; a named tuple, ~4× cheaper to build
    than a frozen dataclass, and a table has hundreds)."""

    label: str
    unit: str  # printed unit cell text ("" when none)
    values: tuple[tuple[str | None, str], ...]  # (column header or None, cell text)
    code: str = ""


@dataclass(slots=True)
class Layout:
    """Which grid columns hold what (found from the header row, reused by continuations).

    ``label_cols`` may be several columns: Word exports often put the section label in a
    rowspan cell on the left and the row labels beside it, under one ``指标名称`` header with
    colspan=2."""

    label_cols: list[int]
    unit_col: int | None
    code_col: int | None
    value_cols: list[int]
    headers: dict[int, str] = field(default_factory=dict)
    header_texts: frozenset[str] = frozenset()


def _cell_key(cell: GridCell) -> str:
    return cell_key(cell.text)


def _row_keys(row: list[GridCell]) -> list[str]:
    """``compact`` text of each cell of a row (memoised; the loop runs in C)."""
    return list(map(cell_key, map(_TEXT, row)))


_TEXT = attrgetter("text")


def find_layout(grid: list[list[GridCell]]) -> tuple[Layout, int] | None:
    """Find the header row (统计指标 | 单位 | 统计数 …) and return the layout + its row index."""
    for r, row in enumerate(grid[:6]):
        keys = _row_keys(row)
        first = next((i for i, k in enumerate(keys) if k in _LABEL_HEADERS), None)
        if first is None:
            continue
        label_cols = [i for i in range(first, len(row)) if row[i].origin == row[first].origin]
        taken = set(label_cols)
        unit_col = next((i for i, k in enumerate(keys) if k in _UNIT_HEADERS), None)
        code_col = next((i for i, k in enumerate(keys) if k in _CODE_HEADERS), None)
        taken |= {unit_col, code_col}
        value_cols = sorted(
            i for i, k in enumerate(keys)
            if i not in taken and i > label_cols[-1] and k and (row[i].origin[1] == i or not row[i].spanned)
        )
        if not value_cols:
            continue
        headers = {i: _header_path(grid, r, i) for i in value_cols}
        texts = frozenset(k for k in keys if k)
        return Layout(label_cols, unit_col, code_col, value_cols, headers, texts), r
    return None


def _header_path(grid: list[list[GridCell]], r: int, col: int) -> str:
    """Header text of a value column; two-level headers (区政府 over 统计数) joined by " / "."""
    parts: list[str] = []
    for rr in range(0, r + 1):
        t = cell_label(grid[rr][col].text)
        if t and (not parts or parts[-1] != t) and not _TITLE.search(t):
            parts.append(t)
    return " / ".join(parts)


def _infer_layout(grid: list[list[GridCell]]) -> Layout | None:
    """Header-less table (a continuation piece): label = first wide text column, unit = the
    column of unit words, values = the numeric columns after it."""
    if not grid or len(grid[0]) < 2:
        return None
    width = len(grid[0])
    unit_votes = [0] * width
    num_votes = [0] * width
    text_votes = [0] * width
    for row in grid:
        for i, c in enumerate(row):
            k = _cell_key(c)
            if not k or c.spanned:
                continue
            if k in _UNIT_SET:
                unit_votes[i] += 1
            elif is_value_text(k):
                num_votes[i] += 1
            elif re.search(r"[\u4e00-\u9fff]{2}", k):
                text_votes[i] += 1
    label_col = max(range(width), key=lambda i: (text_votes[i], -i))
    if text_votes[label_col] == 0:
        return None
    unit_col = max(range(width), key=lambda i: unit_votes[i]) if max(unit_votes) else None
    value_cols = [i for i in range(label_col + 1, width) if i != unit_col and num_votes[i]]
    if not value_cols:
        return None
    return Layout([label_col], unit_col, None, value_cols)


def _label_cells(row: list[GridCell], cols: list[int]) -> list[GridCell]:
    """The row's label cells, left to right, once each; cells spanned down from an earlier
    row were read there and are skipped."""
    out: list[GridCell] = []
    seen: set[tuple[int, int]] = set()
    for i in cols:
        if i >= len(row):
            break
        c = row[i]
        if c.origin in seen or c.origin[0] != c.row or not cell_key(c.text):
            continue
        seen.add(c.origin)
        out.append(c)
    return out


def is_era1_grid(grid: list[list[GridCell]], cat: Era1Catalogue) -> bool:
    """A table is an era-1 statistics table when it has the form's header or ≥3 known rows."""
    if find_layout(grid) is not None:
        return True
    hits = 0
    for row in grid:
        for c in row[:3]:
            if c.text and cat.match(c.text) is not None:
                hits += 1
                break
        if hits >= 3:
            return True
    return False


def grid_rows(grid: list[list[GridCell]], layout: Layout | None) -> tuple[list[RawRow], Layout | None]:
    """Rows of one grid piece; ``layout`` from the previous piece is reused when this piece
    has no header (a table split at a page break)."""
    found = find_layout(grid)
    start = 0
    if found is not None:
        layout, start = found[0], found[1] + 1
    elif layout is None:
        layout = _infer_layout(grid)
        if layout is None:
            return [], None
    rows: list[RawRow] = []
    header_texts = layout.header_texts
    multi = len(layout.value_cols) > 1
    label_cols, unit_col, code_col = layout.label_cols, layout.unit_col, layout.code_col
    value_cols, headers = layout.value_cols, layout.headers
    new = tuple.__new__
    one_label = len(label_cols) == 1
    label_col = label_cols[0] if one_label else -1
    for row in grid[start:]:
        nonempty = list(filter(None, map(cell_key, map(_TEXT, row))))
        if not nonempty:
            continue
        distinct = set(nonempty)
        if header_texts and distinct <= header_texts:
            continue  # header repeated at a page break
        if distinct <= _CONVENTION_ROW:
            continue  # 甲 | 乙 | 丙 | 1 | 2 convention row
        if len(distinct) == 1 and _TITLE.search(nonempty[0]):
            continue
        width = len(row)
        if one_label:  # ``_label_cells`` of the usual single label column, inlined
            c = row[label_col] if label_col < width else None
            if c is not None and c.origin[0] == c.row and cell_key(c.text):
                label, origins = c.text, {c.origin}
            else:
                label, origins = "", set()
        else:
            labels = _label_cells(row, label_cols)
            for head in labels[:-1]:
                rows.append(new(RawRow, (head.text, "", (), "")))  # a section label spanning rows on the left
            label = labels[-1].text if labels else ""
            origins = {c.origin for c in labels}
        unit = row[unit_col].text if unit_col is not None and unit_col < width else ""
        code = row[code_col].text if code_col is not None and code_col < width else ""
        values: list[tuple[str | None, str]] = []
        for i in value_cols:
            if i >= width:
                values.append((headers.get(i) if multi else None, ""))
                continue
            c = row[i]
            r, col, text, origin = c[:4]  # (``spanned`` inlined: origin != (row, col))
            covered = (origin[1] != i and origin != (r, col)) or origin in origins or origin[0] != r
            values.append((headers.get(i) if multi else None, "" if covered else text))
        if not cell_key(label) and all(not cell_key(v) for _, v in values):
            continue
        # RawRow(label, unit, values, code) without the keyword-argument wrapper
        rows.append(new(RawRow, (label, cell_space(unit), tuple(values), cell_space(code))))
    return rows, layout


# --- flattened tables -------------------------------------------------------------------------

_HEADER_LINES = _LABEL_HEADERS | _UNIT_HEADERS | _CODE_HEADERS | {"统计数", "数量", "本期实际", "本年累计"}
_FOOTER = re.compile(r"(网站地图|联系我们|ICP备|公网安备|网站标识码|版权所有|主办单位|技术支持|返回顶部|打印本页|关闭窗口)")
_CONTINUATION = re.compile(r"^[（(](?![一二三四五六七八九十\d]{1,3}[）)])")


_MARKS = frozenset({"是", "否", "有", "无", "√", "✓", "×"})


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _is_label_line(k: str) -> bool:
    return bool(_HAN.search(k)) and not is_value_text(k) and k not in _UNIT_SET and k not in _MARKS


def _text_header(lines: Sequence[str], start: int) -> tuple[list[str], int]:
    """Column headers printed one per line after 统计指标 (``单位``, ``统计数`` or
    ``代码 | 计量单位 | 本期实际 | 本年累计``) and the index of the first row line."""
    cols: list[str] = []
    i = start
    while i < len(lines) and len(cols) < 8:
        k = compact(lines[i])
        if not k:
            i += 1
            continue
        if k in _UNIT_HEADERS or k in _CODE_HEADERS or (
            len(k) <= 12 and _VALUE_HEADER_HINT.search(k) and not _LEVEL_LIKE.match(k) and not is_value_text(k)
        ):
            cols.append(k)
            i += 1
            continue
        break
    if i < len(lines) and compact(lines[i]) == "甲":  # 甲 | 乙 | 丙 | 1 | 2 convention row
        j = i
        while j < len(lines) and compact(lines[j]) in _CONVENTION_ROW | {""}:
            j += 1
        i = j
    return cols, i


_LEVEL_LIKE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])")


def text_rows(lines: Sequence[str]) -> list[RawRow]:
    """Rows of a table flattened into lines, starting after its 统计指标 header (or title).

    Each label line opens a row; a following ``（…）`` line without numbering continues the
    label; then the row's other cells. When the header lines name several columns (codes,
    several value columns), cells are placed by position when their count matches; otherwise
    an optional unit word and the value follow the label (empty cells are lost in text, so
    nothing is placed by guessing).
    """
    start = None
    for i, line in enumerate(lines):
        k = compact(line)
        if k in ("统计指标", "指标名称") or (_TITLE.search(k) and len(k) < 40 and "统计" in k):
            start = i + 1
            if k in ("统计指标", "指标名称"):
                break
    if start is None:
        return []
    cols, start = _text_header(lines, start)
    skip = _HEADER_LINES | set(cols)
    rows: list[RawRow] = []
    label: list[str] = []
    tokens: list[str] = []

    def flush() -> None:
        if label:
            rows.append(_text_row("".join(label), tokens, cols))

    for line in lines[start:]:
        k = compact(line)
        if not k:
            continue
        if _FOOTER.search(k):
            break  # the page footer ends the table
        if k in skip or (_TITLE.search(k) and len(k) < 40):
            continue
        if _is_label_line(k):
            if label and not tokens and _CONTINUATION.match(k):
                label.append(k)
                continue
            flush()
            label, tokens = [k], []
            continue
        if label:
            tokens.append(normalize_space(line))
    flush()
    return rows


def _text_row(label: str, tokens: list[str], cols: list[str]) -> RawRow:
    value_cols = [c for c in cols if c not in _UNIT_HEADERS and c not in _CODE_HEADERS]
    if len(value_cols) > 1 or any(c in _CODE_HEADERS for c in cols):
        if len(tokens) == len(cols):
            unit = code = ""
            values: list[tuple[str | None, str]] = []
            for c, t in zip(cols, tokens):
                if c in _UNIT_HEADERS:
                    unit = t
                elif c in _CODE_HEADERS:
                    code = t
                else:
                    values.append((cell_label(c) if len(value_cols) > 1 else None, t))
            return RawRow(label, unit, tuple(values), code)
        if len(value_cols) > 1:
            return RawRow(label, "", (), "")  # cells lost: cannot tell which column is which
        if tokens and re.fullmatch(r"\d{2,3}", cell_key(tokens[0])):
            tokens = tokens[1:]  # the row code
    unit = ""
    vals: list[str] = []
    for t in tokens:
        k = cell_key(t)
        if not vals and not unit and (k in _UNIT_SET or k in NA_MARKS):
            unit = k  # section rows print "-" in the unit cell, then "-" in the value cell
        else:
            vals.append(t)
    return RawRow(label, unit, tuple((None, v) for v in vals) or ((None, ""),))


# --- rows → facts -----------------------------------------------------------------------------


def _is_header_row(row: RawRow, entry: Entry | None, level: int | None, states: set[str]) -> bool:
    """``states``: those of the row's parsed values."""
    if not row.values:
        return True
    if "number" in states:
        return False  # (each test below wants only blank or NA values)
    unit_na = cell_key(row.unit) in NA_MARKS
    if states <= _NA and (unit_na or (entry is not None and entry.is_header)):
        return True
    if states <= _BLANK_OR_NA and entry is not None and entry.is_header:
        return True
    return states <= _BLANK and entry is None and level == 1 and not cell_key(row.unit)


_NA, _BLANK, _BLANK_OR_NA = frozenset({"na"}), frozenset({"blank"}), frozenset({"blank", "na"})


def rows_to_facts(
    rows: Sequence[RawRow], cat: Era1Catalogue, *, table_no: int, title: str | None
) -> tuple[list[Fact], list[str]]:
    """Build row paths from numbering, match ids, read values."""
    facts: list[Fact] = []
    warnings: list[str] = []
    stack: list[_Level] = []
    row_no = 0
    for row in rows:
        label = cell_label(row.label)
        if not label:
            continue
        lvl = level_of(label)
        _place(stack, label, lvl)
        entry = cat.match(label, [s.indicator_id for s in stack[:-1]])
        stack[-1].indicator_id = entry.indicator_id if entry else None
        row_no += 1
        parsed = [(column, parse_value(text)) for column, text in row.values]
        if _is_header_row(row, entry, lvl, {value.state for _, value in parsed}):
            continue
        if entry is None and lvl is None and all(not cell_key(t) for _, t in row.values):
            stack.pop()  # a note or signature line under the table, not a row
            row_no -= 1
            continue
        path = tuple([s.label for s in stack])
        if entry is None:
            warnings.append(f"unknown row in table {table_no}: {label}")
        # a value's unit: the printed unit cell (unless an NA mark), else one written in the cell,
        # else the catalogue's; 是/否 for yes/no rows. What depends on the row alone is read once.
        unit_key = cell_key(row.unit)
        printed_unit = "" if unit_key in NA_MARKS else cell_space(row.unit)
        yesno = unit_key in ("是/否", "是否")  # (an NA mark is neither)
        entry_unit = entry.unit if entry else None
        indicator_id = entry.indicator_id if entry else None
        for column, value in parsed:
            unit = "是/否" if yesno or value.state == "yesno" else printed_unit or value.unit or entry_unit
            facts.append(new_fact(table_no, title, row_no, path, label, column, unit or None, value, indicator_id))
    return facts, warnings


@dataclass(slots=True)
class _Level:
    depth: int
    label: str
    in_qizhong: bool  # a 其中 row or one of its unnumbered companions
    indicator_id: str | None = None


def _place(stack: list[_Level], label: str, lvl: int | None) -> None:
    """Put ``label`` on the hierarchy stack (see HACKING.md "Era-1 rows")."""
    if lvl is not None:
        while stack and stack[-1].depth >= lvl:
            stack.pop()
        stack.append(_Level(lvl, label, False))
    elif label.startswith("其中"):
        if stack and stack[-1].label.startswith("其中"):
            stack.pop()  # a second 其中 row: sibling of the first
        stack.append(_Level(stack[-1].depth + 1 if stack else 1, label, True))
    elif stack and stack[-1].in_qizhong:
        depth = stack.pop().depth
        stack.append(_Level(depth, label, True))
    else:
        depth = stack.pop().depth if stack else 1
        stack.append(_Level(depth, label, False))

