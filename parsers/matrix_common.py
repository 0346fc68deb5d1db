"""Shared pieces of the era-2 matrix readers: the catalogue, label keys and matching, and
placing a grid row's value cells under its header slots.

The catalogue (``data/catalogue_era2.csv``) is static package data read once; everything built
from it is immutable, so the parser stays pure. Its first line is ``# catalogue_version: N``
(bump N on every change); then one row per value cell of ``indicators_era2_cells.csv`` plus
rows without a cell (group labels such as （三）不予公开, Hubei's 其他主动公开文件). Columns:
``era table block row_id parent_row_id level row_label_simplified aliases col_id col_path
col_label_simplified col_aliases cell_id unit row_label_traditional col_label_traditional
notes``; ``aliases``/``col_aliases`` are ``|``-separated printed variants (wording, 2019 vs
2021, typos, Hubei notes, s2twp vocabulary left after t2s). ``cell_id`` is the ``indicator_id``.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from .catalogue import level_of
from .grid import GridCell, cell_key, cell_label, cell_space
from .model import Fact, new_fact
from .text import normalize_label
from .values import MEMO, UNITS, is_value_text, parse_value

__all__ = [
    "Catalogue",
    "ColSpec",
    "RowSpec",
    "Slot",
    "catalogue",
    "core_key",
    "has_values",
    "is_value_cell",
    "key_of_label",
    "label_key",
    "make_fact",
    "match_label",
    "numbering_level",
    "place_values",
]

_DATA = "data/catalogue_era2.csv"

# --- keys ------------------------------------------------------------------------------------
#: Taiwan-phrase vocabulary (s2twp mirrors) left after t2s, mapped back inside table labels.
_VOCAB = (("档案", "文件"), ("资讯", "信息"), ("入口网站", "门户网站"), ("最佳化", "优化"), ("祕", "秘"),
          ("於", "于"))
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十\d]{1,3}）[、.．]?|[\u2460-\u2473]|\d{1,2}[.．、]"
    r"|\d{1,2}(?=[^\d.]))"
)
_PUNCT = re.compile(r"[“”\"'‘’「」『』、，,。.．；;：:·•\-—_]")
_PAREN = re.compile(r"（[^（）]*）?$|（[^（）]*）")
def numbering_level(label: str) -> int | None:
    """1 for ``一、``, 2 for ``（一）``, 3 for ``1.`` — the era-1 rule, shared."""
    return level_of(label)


@lru_cache(maxsize=MEMO)
def label_key(text: str) -> str:
    """Matching key: normalised, numbering stripped, Taiwan vocabulary mapped, punctuation gone
    (quotes, 、 and commas vary between pages: 其他法律、行政法规 / 其他法律行政法规).
    Memoised: labels repeat across pages and each is keyed several times per table."""
    return key_of_label(normalize_label(text))


def key_of_label(label: str) -> str:
    """``label_key`` of a text already through ``normalize_label`` (which maps character by
    character, so the labels of a table's cells can be joined instead of re-normalising the
    joined text)."""
    key = label
    for old, new in _VOCAB:
        key = key.replace(old, new)
    key = _NUMBERING.sub("", key, count=1)
    return _PUNCT.sub("", key)


@lru_cache(maxsize=MEMO)
def core_key(text: str) -> str:
    """``label_key`` without parenthesised notes (Hubei: 规章（设区的市…提供相关数据）)."""
    key = label_key(text)
    return _PAREN.sub("", key) or key


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _similar(a: str, b: str) -> float:
    """Dice coefficient on character bigrams (typos such as 危机/危及, 事物/事务)."""
    ba, bb = _bigrams(a), _bigrams(b)
    if not ba or not bb:
        return 0.0
    return 2 * len(ba & bb) / (len(ba) + len(bb))


# --- catalogue -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RowSpec:
    table: str  # T2 | T3 | T4
    row_id: str
    label: str
    keys: tuple[str, ...]  # label_key of the label and every alias
    cores: tuple[str, ...]
    parent_id: str | None
    level: int
    block: str  # 表二 block title, e.g. 第二十条第（一）项
    eras: frozenset[str]
    has_cells: bool


@dataclass(frozen=True, slots=True)
class ColSpec:
    table: str
    col_id: str
    label: str
    path: tuple[str, ...]
    keys: tuple[str, ...]
    cores: tuple[str, ...]
    block: str
    eras: frozenset[str]
    unit: str | None  # unit shared by every cell of this column (for rows outside the catalogue)


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: int
    rows: dict[str, tuple[RowSpec, ...]]  # table → rows in template order (union of eras)
    cols: dict[str, tuple[ColSpec, ...]]
    row_by_id: dict[str, RowSpec]
    cells: dict[tuple[str, str], tuple[str, str | None, frozenset[str]]]  # (row_id, col_id) → (cell_id, unit, eras)
    era_only: dict[str, str]  # cell_id found in one era only → that era


def _keys(label: str, aliases: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = [label] + [a for a in aliases.split("|") if a]
    keys = tuple(dict.fromkeys(k for k in (label_key(n) for n in names) if k))
    cores = tuple(dict.fromkeys(k for k in (core_key(n) for n in names) if k))
    return keys, cores


@cache
def catalogue() -> Catalogue:
    """Load ``data/catalogue_era2.csv`` (``# catalogue_version: N`` on the first line)."""
    text = resources.files("parsers").joinpath(_DATA).read_text(encoding="utf-8")
    version = 0
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            m = re.match(r"#\s*catalogue_version:\s*(\d+)", line)
            if m:
                version = int(m[1])
            continue
        lines.append(line)
    rows: dict[str, dict[str, dict]] = {}
    cols: dict[str, dict[str, dict]] = {}
    cells: dict[tuple[str, str], tuple[str, str | None, set[str]]] = {}
    for rec in csv.DictReader(io.StringIO("\n".join(lines))):
        table, era, rid, cid = rec["table"], rec["era"], rec["row_id"], rec["col_id"]
        r = rows.setdefault(table, {}).setdefault(
            rid, {"rec": rec, "eras": set(), "aliases": set(), "cells": False}
        )
        r["eras"].add(era)
        r["aliases"].update(a for a in rec["aliases"].split("|") if a)
        if not cid:
            continue
        r["cells"] = True
        c = cols.setdefault(table, {}).setdefault(cid, {"rec": rec, "eras": set(), "aliases": set(), "units": set()})
        c["eras"].add(era)
        c["aliases"].update(a for a in rec["col_aliases"].split("|") if a)
        c["units"].add(rec["unit"])
        cell = cells.get((rid, cid))
        if cell is None:
            cells[(rid, cid)] = (rec["cell_id"], rec["unit"] or None, {era})
        else:
            cell[2].add(era)
    row_specs: dict[str, tuple[RowSpec, ...]] = {}
    by_id: dict[str, RowSpec] = {}
    for table, rmap in rows.items():
        specs = []
        for rid, r in rmap.items():
            rec = r["rec"]
            keys, cores = _keys(rec["row_label_simplified"], "|".join(sorted(r["aliases"])))
            spec = RowSpec(table, rid, rec["row_label_simplified"], keys, cores, rec["parent_row_id"] or None,
                           int(rec["level"] or 1), rec["block"], frozenset(r["eras"]), r["cells"])
            specs.append(spec)
            by_id[rid] = spec
        row_specs[table] = tuple(specs)
    col_specs: dict[str, tuple[ColSpec, ...]] = {}
    for table, cmap in cols.items():
        specs = []
        for cid, c in cmap.items():
            rec = c["rec"]
            keys, cores = _keys(rec["col_label_simplified"], "|".join(sorted(c["aliases"])))
            unit = next(iter(c["units"])) if len(c["units"]) == 1 else None
            specs.append(ColSpec(table, cid, rec["col_label_simplified"], tuple(rec["col_path"].split("/")), keys,
                                 cores, rec["block"], frozenset(c["eras"]), unit or None))
        col_specs[table] = tuple(specs)
    frozen_cells = {k: (v[0], v[1], frozenset(v[2])) for k, v in cells.items()}
    era_only = {cell_id: next(iter(eras)) for cell_id, _, eras in frozen_cells.values() if len(eras) == 1}
    return Catalogue(version, row_specs, col_specs, by_id, frozen_cells, era_only)


# --- matching ----------------------------------------------------------------------------------
#: ``match_label`` results for candidate *tuples* (immutable), keyed by the tuple's id; the
#: entry holds the tuple itself, so its id cannot be reused while the entry lives. Bounded.
_MATCHED: dict[tuple[str, int, float], tuple[Sequence, object]] = {}


def match_label(text: str, candidates: Sequence, *, fuzzy: float = 0.72):
    """Best candidate (RowSpec/ColSpec) for a printed label, or None.

    Order: whole key; key without notes; prefix either way (labels with notes appended, truncated
    labels; ambiguous prefixes give None); bigram similarity ≥ ``fuzzy`` for typos.
    Memoised when ``candidates`` is a tuple (the catalogue's views): the same labels are matched
    against the same rows on every page, and a miss scans every candidate (prefix, fuzzy)."""
    if type(candidates) is not tuple:
        return _match_label(text, candidates, fuzzy)
    memo = (text, id(candidates), fuzzy)
    hit = _MATCHED.get(memo)
    if hit is not None and hit[0] is candidates:
        return hit[1]
    found = _match_label(text, candidates, fuzzy)
    if len(_MATCHED) >= MEMO:
        _MATCHED.clear()
    _MATCHED[memo] = (candidates, found)
    return found


def _match_label(text: str, candidates: Sequence, fuzzy: float):
    key, core = label_key(text), core_key(text)
    if not key:
        return None
    for attr, k in (("keys", key), ("cores", core), ("cores", key)):
        hits = [c for c in candidates if k in getattr(c, attr)]
        if hits:
            return hits[0]
    hits = []
    for c in candidates:
        for a in c.cores:
            if (len(a) >= 3 and core.startswith(a)) or (len(core) >= 3 and a.startswith(core)):
                hits.append((len(a), c))
                break
    if hits:
        longest = max(n for n, _ in hits)
        best = [c for n, c in hits if n == longest]
        if len({c.row_id if isinstance(c, RowSpec) else c.col_id for c in best}) == 1:
            return best[0]
        return None
    if fuzzy and len(core) >= 4:
        scored = sorted(((max(_similar(core, a) for a in c.cores), i) for i, c in enumerate(candidates)), reverse=True)
        if scored and scored[0][0] >= fuzzy and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            return candidates[scored[0][1]]
    return None


# --- values ----------------------------------------------------------------------------------
@lru_cache(maxsize=MEMO)
def is_value_cell(text: str) -> bool:
    """A cell that reads as a value (number, NA mark), not a label."""
    t = cell_space(text)
    return bool(t) and is_value_text(t)


_UNIT_IN_HEADER = re.compile(r"（(?:单位：)?(" + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True)) + r")）")


def has_values(grid: list[list[GridCell]]) -> bool:
    """Any value-like cell in the grid (a piece worth a warning when it is dropped)."""
    return any(not c.spanned and is_value_cell(c.text) for row in grid for c in row)


def header_unit(label: str) -> str | None:
    """A unit printed in a column header: 本年收费金额（单位：万元） → 万元."""
    m = _UNIT_IN_HEADER.search(cell_label(label))
    return m[1] if m else None


def make_fact(
    *,
    table_no: int,
    title: str | None,
    row_no: int,
    row_path: tuple[str, ...],
    label: str,
    column: str | None,
    text: str,
    unit: str | None,
    indicator_id: str | None,
) -> Fact:
    """One value cell → Fact; a unit written in the value wins over ``unit``."""
    value = parse_value(text)
    return new_fact(table_no, title, row_no, row_path, label, column, value.unit or unit, value, indicator_id)


@dataclass(frozen=True, slots=True)
class Slot:
    """One value column: the grid columns its header covers and what it is."""

    start: int
    end: int  # inclusive
    column: str  # printed header path joined " / "
    col: ColSpec | None


def place_values(
    row: list[GridCell], slots: Sequence[Slot], first: int, warn: list[str], where: str
) -> list[str]:
    """Texts for ``slots`` from one grid row; value cells start at grid column ``first``.

    A value cell (never a spanned position) belongs to the first slot its grid columns overlap
    that has no cell yet (Shanghai's colspan=2 in the middle of a row); a slot without a cell is
    blank. Cells overlapping no slot are dropped (a warning when not empty). When two cells land
    in one slot, the first non-empty one is kept."""
    n = len(slots)
    starts = [s.start for s in slots]
    ends = [s.end for s in slots]
    # slots in order and apart (the usual header): the ones a cell overlaps are a run found by
    # bisection on their ends, not a scan of all slots per cell
    ordered = all(starts[i] <= ends[i] < starts[i + 1] for i in range(n - 1)) and (not n or starts[-1] <= ends[-1])
    firsts: list[str | None] = [None] * n  # text of the first cell placed in each slot
    more: list[tuple[int, str]] = []  # cells placed in a slot that already had one
    for cell in row[first:]:
        colspan = cell.colspan
        if (colspan != 1 or cell.rowspan != 1) and cell.spanned:  # (a 1×1 cell is never spanned)
            continue  # colspan continuation, or rowspan from above: values are never repeated
        lo = cell.col
        hi = lo + colspan - 1
        hit = None
        if ordered:
            i = bisect_left(ends, lo)
            while i < n and starts[i] <= hi:
                if firsts[i] is None:
                    hit = i
                    break
                if hit is None:
                    hit = i
                i += 1
        else:
            for i in range(n):
                if starts[i] <= hi and lo <= ends[i]:
                    if firsts[i] is None:
                        hit = i
                        break
                    if hit is None:
                        hit = i
        text = cell_space(cell.text)
        if hit is None:
            if text:
                warn.append(f"extra non-empty cell in {where}: {text!r} (ignored)")
            continue
        if firsts[hit] is None:
            firsts[hit] = text
        else:
            more.append((hit, text))
    if not more:
        return [t or "" for t in firsts]
    got = [[t] if t is not None else [] for t in firsts]
    for i, t in more:
        got[i].append(t)
    out = []
    for i, texts in enumerate(got):
        filled = [t for t in texts if t]
        if len(filled) > 1:
            warn.append(f"{len(filled)} cells under one column {slots[i].column!r} in {where}: kept {filled[0]!r}")
        out.append(filled[0] if filled else "")
    return out


def positional_values(row: list[GridCell], n: int, first: int, warn: list[str], where: str) -> list[str]:
    """Texts of the value cells that start at or after ``first``, in order, padded to ``n``
    (rows whose label geometry disagrees with the header)."""
    texts = [cell_space(c.text) for c in row[first:] if not c.spanned]
    if len(texts) > n:
        extra = [t for t in texts[n:] if t]
        if extra:
            warn.append(f"extra non-empty cells in {where}: {extra!r} (ignored)")
        texts = texts[:n]
    elif len(texts) < n:
        texts += [""] * (n - len(texts))
    return texts


def cell_texts(row: list[GridCell]) -> list[tuple[GridCell, str]]:
    """Distinct cells of a row (one per origin) with their compacted text."""
    seen = set()
    out = []
    for c in row:
        if c.origin in seen:
            continue
        seen.add(c.origin)
        out.append((c, cell_key(c.text)))
    return out


# --- headers and rows of a grid ----------------------------------------------------------------
def _merge_single_chars(parts: list[str]) -> list[str]:
    """Vertical headers printed one character per row (结 / 果 / 维 / 持) → 结果维持."""
    out: list[str] = []
    run: list[str] = []
    for p in parts:
        if len(p) == 1:
            run.append(p)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(p)
    if run:
        out.append("".join(run))
    return out


def column_parts(grid: list[list[GridCell]], header_rows: Sequence[int], c: int, min_col: int) -> list[str]:
    """Printed header labels above grid column ``c``, outer first, each header cell once.

    Cells that start left of ``min_col`` (the 表三 corner, a caption over the whole table) and
    the 勾稽 note are not part of a column's path."""
    parts: list[str] = []
    seen: set[tuple[int, int]] = set()
    for h in header_rows:
        cell = grid[h][c]
        if cell.origin in seen:
            continue
        seen.add(cell.origin)
        if cell.origin[1] < min_col or cell.colspan >= len(grid[h]) > 1:
            continue
        t = cell_label(cell.text)
        if not t or "勾稽" in t or "本列数据" in t or is_value_cell(t):
            continue
        parts.append(t)
    return _merge_single_chars(parts)


def header_slots(grid: list[list[GridCell]], header_rows: Sequence[int], leaf_of) -> tuple[list[Slot], int]:
    """Slots from the header rows: a column whose path ends in a known leaf label is a value
    column; consecutive grid columns under one leaf header cell form one slot.

    ``leaf_of(parts) -> ColSpec | None`` maps a header path to the catalogue. Returns the slots
    and the first value grid column (−1 when no header was recognised)."""
    if not header_rows or not grid:
        return [], -1
    width = len(grid[0])
    first = -1
    for c in range(width):
        parts = column_parts(grid, header_rows, c, 0)
        if parts and leaf_of(parts) is not None:
            first = c
            break
    if first < 0:
        return [], -1
    slots: list[Slot] = []
    last_origin = None
    for c in range(first, width):
        parts = column_parts(grid, header_rows, c, first)
        if not parts:
            last_origin = None
            continue
        leaf_origin = next(
            (grid[h][c].origin for h in reversed(header_rows) if cell_key(grid[h][c].text)), None
        )
        if leaf_origin is not None and leaf_origin == last_origin and slots:
            slots[-1] = Slot(slots[-1].start, c, slots[-1].column, slots[-1].col)
            continue
        last_origin = leaf_origin
        slots.append(Slot(c, c, " / ".join(parts), leaf_of(parts)))
    return slots, first


def label_run(row: list[GridCell], first: int) -> int:
    """Grid column of the last label cell at the left of a row (−1: none). Blank cells left of
    ``first`` are fillers; the run stops at the first value-like cell."""
    last = -1
    for c, cell in enumerate(row):
        t = cell_key(cell.text)
        if not t:
            if c < first:
                continue
            break
        if is_value_cell(t):
            break
        last = c
    return last


def label_parts(row: list[GridCell], end: int) -> list[str]:
    """Printed labels of cells 0..end, outer first, a spanned label once."""
    out: list[str] = []
    seen: set[tuple[int, int]] = set()
    for cell in row[: end + 1]:
        if cell.origin in seen:
            continue
        seen.add(cell.origin)
        t = cell_label(cell.text)
        if t and (not out or out[-1] != t):
            out.append(t)
    return out


def row_texts(row: list[GridCell], slots: Sequence[Slot], first: int, start: int, warn: list[str],
              where: str) -> list[str]:
    """Value texts of one row for ``slots``. Rows whose label ends where the header says go by
    header position; rows whose label is narrower or wider than the header's label columns go
    by cell order when their cell count fits the header exactly; otherwise a wider label keeps
    header positions (what it covers is blank) and a narrower one with values in the label
    columns is read in order (with a warning)."""
    if start == first:
        return place_values(row, slots, first, warn, where)
    after = [cell for cell in row[start:] if not cell.spanned]
    n = len(slots)
    if len(after) == n or (len(after) > n and not any(cell_key(c.text) for c in after[n:])):
        return positional_values(row, n, start, warn, where)
    if start < first and not any(
        is_value_cell(cell.text) for cell in row[start:first] if not cell.spanned
    ):
        return place_values(row, slots, first, warn, where)
    if start > first:
        # the label cell is wider than the header's label columns: what it covers is lost,
        # the cells after it still sit under their headers
        warn.append(f"label covers value columns in {where}: those positions are blank")
        return place_values(row, slots, start, warn, where)
    warn.append(f"row cells do not line up with the header in {where}: read in order")
    return positional_values(row, len(slots), start, warn, where)
