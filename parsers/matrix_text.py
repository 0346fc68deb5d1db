"""Era-2 tables that reached us as text: PDF/flipbook pages converted to HTML or text (each cell a
line, vertical headers one character per line, 表四's 15 numbers on one line) and flattened
tables (each cell its own paragraph).

Blank cells leave no trace in such text, so numbers are placed only when a row holds exactly as
many numbers as the template has columns; other rows are reported, never guessed. Rows are
found by their labels (template order is not assumed), columns are the template's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .grid import cell_label
from .matrix_common import (
    ColSpec,
    RowSpec,
    catalogue,
    label_key,
    make_fact,
    match_label,
)
from .matrix_t2 import block_rows
from .matrix_t3 import CANONICAL_COLUMNS as T3_COLUMNS
from .matrix_t4 import CANONICAL_COLUMNS as T4_COLUMNS
from .model import Fact
from .text import normalize_space
from .values import is_value_text

__all__ = ["read_matrix_text"]

_T2_ITEM = re.compile(r"第二十条第?（?([一二三四五六七八九十]+)）?项?")
_CN = {"一": 1, "五": 5, "六": 6, "八": 8, "九": 9}
_T3_HEAD = ("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "勾稽")
_T4_CHARS = set("行政复议诉讼结果维持纠正其他尚未审结总计经直接起后情况数量件合单位（）表四")
_T4_START = ("结果维持", "结果纠正", "尚未审结", "未经复议", "复议后起诉")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")


def _split(line: str) -> tuple[str, list[str]]:
    """A text line (white space normalised) → (label, trailing value tokens):
    ``1.属于国家秘密 0 0 1`` → label + 3."""
    tokens = line.split(" ")
    values: list[str] = []
    while tokens and tokens[-1] and is_value_text(tokens[-1]):
        values.append(tokens.pop())
    values.reverse()
    return cell_label("".join(tokens)), values


@dataclass
class _Row:
    spec: RowSpec | None
    label: str
    path: tuple[str, ...]
    values: list[str] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)  # how many numbers each line gave


@dataclass
class _Table:
    kind: str
    table_no: int
    rows: list[_Row] = field(default_factory=list)
    context: dict[str, str] = field(default_factory=dict)  # printed ancestors by row_id
    # 表二
    block: str | None = None
    prefix: str | None = None
    heads: list[str] = field(default_factory=list)
    in_header: bool = False
    columns: dict[int, list[tuple[str, ColSpec | None]]] = field(default_factory=dict)  # id(row) → columns
    started: bool = False  # 表三: a numbered row (一、…) has been seen
    # 表四
    numbers: list[str] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)


_T4_START_RE = re.compile("|".join(map(re.escape, _T4_START)))  # any of them in the key: one scan
_T3_START_RE = re.compile("|".join(map(re.escape, (*_T3_HEAD, "本年新收"))))


def _is_t4_start(key: str) -> bool:
    return _T4_START_RE.search(key) is not None or ("行政复议" in key and len(key) <= 20)


def _is_t3_start(key: str) -> bool:
    return _T3_START_RE.search(key) is not None


def _continues(t: _Table, label: str) -> bool:
    """A wrapped label's next line joins the row above: when the joined text is (the start of)
    the row's catalogue label, or while the row has no numbers and its label leaves a bracket
    open (``（二）部分公开（区分处理的，只计`` + ``这一情形，不计其他情形）``)."""
    if not t.rows:
        return False
    row = t.rows[-1]
    joined = row.label + label
    key = label_key(joined)
    fits = row.spec is not None and len(label_key(label)) >= 2 and any(k.startswith(key) for k in row.spec.keys)
    if not fits and (row.values or row.label.count("（") <= row.label.count("）")):
        return False
    row.label = joined
    row.path = (*row.path[:-1], joined)
    return True


def _fit(values: list[str], groups: list[int], n: int) -> tuple[list[str] | None, list[str]]:
    """The ``n`` numbers of a row, and any extra: exactly ``n``; or more, when whole leading
    lines give exactly ``n`` (a page number or stray figure came after the row). Else None."""
    if len(values) == n:
        return values, []
    if len(values) > n:
        total = 0
        for g in groups:
            total += g
            if total == n:
                return values[:n], values[n:]
            if total > n:
                break
    return None, []


class _TextReader:
    def __init__(self, first_table_no: int):
        self.next_no = first_table_no
        self.table: _Table | None = None
        self.facts: list[Fact] = []
        self.warnings: list[str] = []

    # -- table lifecycle ---------------------------------------------------------------------------
    def _open(self, kind: str) -> _Table:
        self._flush()
        self.table = _Table(kind, self.next_no)
        self.next_no += 1
        return self.table

    def _flush(self) -> None:
        t = self.table
        self.table = None
        if t is None:
            return
        if t.kind == "t3":
            self._emit_t3(t)
        elif t.kind == "t4":
            self._emit_t4(t)
        else:
            self._emit_t2(t)

    # -- lines ----------------------------------------------------------------------------------
    def feed(self, line: str) -> None:
        """One line, white space normalised."""
        label, values = _split(line)
        key = label_key(label) if label else ""
        if label:
            self._label(label, key)
        if values:
            self._values(values)

    def _label(self, label: str, key: str) -> None:
        t = self.table
        t2_item = _T2_ITEM.search(label)
        if t2_item or key.startswith("信息内容"):
            if t is None or t.kind != "t2":
                t = self._open("t2")
            if t2_item:
                t.block = label
                n = _CN.get(t2_item[1])
                t.prefix = f"t2.art20_{n}" if n else None
                t.heads, t.in_header = [], False
            else:
                rest = cell_label(label).split("信息内容", 1)[1]
                t.heads, t.in_header = ([rest] if rest else []), True
            return
        if _is_t4_start(key) and (t is None or t.kind != "t4"):
            self._open("t4")
            return
        if t is not None and t.kind == "t4":
            if key and not set(key) <= _T4_CHARS:
                self._flush()
                self._label(label, key)
            return
        cat = catalogue()
        if t is None or t.kind == "t2":
            spec3 = match_label(label, cat.rows["T3"], fuzzy=0)
            if _is_t3_start(key) or (spec3 is not None and len(key) >= 4):
                t = self._open("t3")
        if t is None:
            return
        if t.kind == "t3":
            self._t3_label(t, label, key)
        else:
            self._t2_label(t, label, key)

    def _values(self, values: list[str]) -> None:
        t = self.table
        if t is None:
            return
        if t.kind == "t4":
            t.numbers.extend(values)
            t.groups.append(len(values))
            return
        if t.kind == "t2" and t.in_header:
            t.in_header = False
        if not t.rows:
            self.warnings.append(f"numbers before any row label in a text table: {' '.join(values)} (ignored)")
            return
        t.rows[-1].values.extend(values)
        t.rows[-1].groups.append(len(values))

    # -- 表三 -------------------------------------------------------------------------------------
    def _t3_label(self, t: _Table, label: str, key: str) -> None:
        cat = catalogue()
        spec = match_label(label, cat.rows["T3"])
        if spec is None and _continues(t, label):
            return
        if spec is None:
            if not _is_t3_start(key) and (_SECTION.match(label) and len(key) > 6 or len(key) > 30):
                self._flush()  # the next section's heading or prose
            return  # header words, a label's second line, vertical header characters
        if spec.level == 1:
            t.started = True
        elif not t.started:
            return  # 其他 / 总计 among the column headers
        if spec.level < 3:
            if spec.level == 1:
                t.context = {}
            else:
                t.context = {k: v for k, v in t.context.items() if cat.row_by_id[k].level < 2}
            t.context[spec.row_id] = label
        if not spec.has_cells:
            return
        chain = []
        pid = spec.parent_id
        while pid:
            chain.append(pid)
            pid = cat.row_by_id[pid].parent_id if pid in cat.row_by_id else None
        # ancestors as printed above; the catalogue's label when the page never printed one whole
        # (a vertical 三、本年度办理结果 comes out one character per line)
        path = tuple(t.context.get(a) or cat.row_by_id[a].label for a in reversed(chain)) + (label,)
        t.rows.append(_Row(spec, label, path))

    def _emit_t3(self, t: _Table) -> None:
        cat = catalogue()
        cols = [(path, next(c for c in cat.cols["T3"] if c.col_id == cid)) for path, cid in T3_COLUMNS]
        if t.rows and not any(r.values for r in t.rows):
            self.warnings.append(f"表三 (text): {len(t.rows)} row labels but no numbers")
            return
        row_no = 0
        parents = {r.spec.parent_id for r in t.rows if r.spec is not None}
        for row in t.rows:
            n = len(row.values)
            if n == 0 and row.spec.row_id in parents:
                continue  # 2021 （六）其他处理: a group label (printed before, after or amid its rows)
            row_no += 1
            placed, extra = _fit(row.values, row.groups, len(cols))
            if placed is None:
                self.warnings.append(
                    f"表三 (text) row {row.label}: {n} numbers for {len(cols)} columns, not placed"
                    + (f" ({' '.join(row.values)})" if n else "")
                )
                continue
            if extra:
                self.warnings.append(f"表三 (text) row {row.label}: extra numbers after the row ignored ({' '.join(extra)})")
            for (path, col), text in zip(cols, placed):
                cell = cat.cells.get((row.spec.row_id, col.col_id))
                if cell is None:
                    self.warnings.append(f"no indicator for 表三 {row.label} × {path}")
                self.facts.append(make_fact(table_no=t.table_no, title=None, row_no=row_no, row_path=row.path,
                                            label=row.label, column=path, text=text,
                                            unit=cell[1] if cell else col.unit, indicator_id=cell[0] if cell else None))

    # -- 表四 -------------------------------------------------------------------------------------
    def _emit_t4(self, t: _Table) -> None:
        placed, extra = _fit(t.numbers, t.groups, len(T4_COLUMNS))
        if placed is None:
            if not t.numbers:
                return  # a heading (or a table printed as an image): nothing to place
            self.warnings.append(
                f"表四 (text): {len(t.numbers)} numbers for {len(T4_COLUMNS)} columns, not placed"
                + (f" ({' '.join(t.numbers)})" if t.numbers else "")
            )
            return
        if extra:
            self.warnings.append(f"表四 (text): extra numbers after the row ignored ({' '.join(extra)})")
        cat = catalogue()
        for (path, cid), text in zip(T4_COLUMNS, placed):
            cell = cat.cells.get(("t4.cases", cid))
            self.facts.append(make_fact(table_no=t.table_no, title=None, row_no=1, row_path=(), label="", column=path,
                                        text=text, unit=cell[1] if cell else "件", indicator_id=cell[0] if cell else None))

    # -- 表二 -------------------------------------------------------------------------------------
    def _t2_label(self, t: _Table, label: str, key: str) -> None:
        spec = match_label(label, block_rows(t.prefix), fuzzy=0.75)
        if spec is None and _continues(t, label):
            return
        if spec is None and t.in_header:
            t.heads.append(label)
            return
        if spec is None:
            if _SECTION.match(label) and len(key) > 6 or len(key) > 30:
                self._flush()
            return
        t.in_header = False
        if t.prefix is None:
            t.prefix = spec.row_id.rsplit(".", 1)[0]
        row = _Row(spec, label, ((t.block or ""), label) if t.block else (label,))
        t.rows.append(row)
        t.columns[id(row)] = self._t2_columns(t)

    def _t2_columns(self, t: _Table) -> list[tuple[str, ColSpec | None]]:
        """The block's header lines split into the catalogue's column labels (a line may hold
        several headers, a header may wrap over lines)."""
        cols = [c for c in catalogue().cols["T2"] if t.prefix and c.col_id.startswith(t.prefix + ".")]
        rest = "".join(t.heads)
        out: list[tuple[str, ColSpec | None]] = []
        while rest:
            best = None
            for c in cols:
                for name in (c.label, *c.keys):
                    n = cell_label(name)
                    if rest.startswith(n) and (best is None or len(n) > len(best[0])):
                        best = (n, c)
            if best is None:
                break
            n, c = best
            m = re.match(r"（[^（）]*）", rest[len(n):])  # a note printed after the header
            printed = rest[: len(n) + (m.end() if m else 0)]
            out.append((printed, c))
            rest = rest[len(printed):]
        if rest or not out:
            if t.heads:
                self.warnings.append(f"表二 (text) header not read: {''.join(t.heads)!r}")
            return []
        return out

    def _emit_t2(self, t: _Table) -> None:
        cat = catalogue()
        row_no = 0
        for row in t.rows:
            row_no += 1
            cols = t.columns.get(id(row)) or []
            if not cols:
                prefix = row.spec.row_id.rsplit(".", 1)[0] if row.spec else None
                cands = [c for c in cat.cols["T2"] if prefix and c.col_id.startswith(prefix + ".")]
                by_era = {e: [c for c in cands if e in c.eras] for e in ("e2_2019", "e2_2021")}
                fits = [e for e, cs in by_era.items() if len(cs) == len(row.values) and cs]
                if len(fits) != 1:
                    self.warnings.append(f"表二 (text) row {row.label}: columns unknown, {len(row.values)} numbers not placed")
                    continue
                cols = [(c.label, c) for c in by_era[fits[0]]]
            placed, extra = _fit(row.values, row.groups, len(cols))
            if placed is None:
                self.warnings.append(f"表二 (text) row {row.label}: {len(row.values)} numbers for {len(cols)} columns, not placed")
                continue
            if extra:
                self.warnings.append(f"表二 (text) row {row.label}: extra numbers after the row ignored ({' '.join(extra)})")
            for (printed, col), text in zip(cols, placed):
                cell = cat.cells.get((row.spec.row_id, col.col_id)) if row.spec and col else None
                if cell is None:
                    self.warnings.append(f"no indicator for 表二 {row.label} × {printed}")
                unit = cell[1] if cell else (col.unit if col else None)
                self.facts.append(make_fact(table_no=t.table_no, title=None, row_no=row_no, row_path=row.path,
                                            label=row.label, column=printed, text=text, unit=unit,
                                            indicator_id=cell[0] if cell else None))


_PAGE_NO = re.compile(r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")


def read_matrix_text(lines: Sequence[str], *, first_table_no: int = 1) -> tuple[list[Fact], list[str]]:
    """Era-2 tables from text lines (see the module docstring). Tables are numbered from
    ``first_table_no`` in the order they appear; facts come in page order. Page numbers
    (``- 2 -``, ``第2页``) between the lines are skipped."""
    reader = _TextReader(first_table_no)
    for line in lines:
        line = normalize_space(line)
        if line and not _PAGE_NO.match(line):
            reader.feed(line)
    reader._flush()
    return reader.facts, reader.warnings
