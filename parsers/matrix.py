"""Era-2 (2019 trial and 2021 format) statistics tables: 表二, 表三, 表四 → tidy facts.

The orchestrator classifies each leaf ``<table>`` with :func:`classify_grid`, groups consecutive
pieces of one logical table (a piece classified ``None`` that directly follows a piece of a
table continues it) and calls :func:`read_matrix`. Tables that reached us as text (PDF or
flipbook pages converted to HTML, flattened tables) go through :func:`read_matrix_text`.

Values are read from grid positions under the header that covers them, never by cell index,
and never from a spanned position (no double counting). Blank cells stay blank; totals are not
derived. Rows and columns are mapped to the catalogue (``data/catalogue_era2.csv``) by label,
with aliases; what does not map keeps its printed labels, ``indicator_id`` None and a warning.
"""

from __future__ import annotations

from collections.abc import Sequence

from .grid import GridCell, cell_key, cell_label
from .matrix_common import catalogue, key_of_label, label_key
from .matrix_t2 import read_t2
from .matrix_t3 import read_t3
from .matrix_t4 import read_t4
from .matrix_text import read_matrix_text
from .model import Fact

__all__ = ["KINDS", "catalogue_version", "classify_grid", "detect_template", "read_matrix", "read_matrix_text"]

KINDS = ("t2", "t3", "t4")

_MARKERS = {
    "t2": ("信息内容", "第二十条", "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
           "处理决定数量", "采购项目数量", "采购总金额", "本年制发件数", "本年废止件数", "现行有效件数",
           "本年收费金额", "行政事业性收费"),
    "t3": ("申请人情况", "自然人", "法人或其他组织", "商业企业", "社会公益组织", "法律服务机构", "本年新收",
           "上年结转", "本年度办理结果", "结转下年度", "予以公开", "不予处理", "无法提供", "勾稽"),
    "t4": ("结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉"),
}


def catalogue_version() -> int:
    """Version of ``data/catalogue_era2.csv`` (record it with the parser version)."""
    return catalogue().version


def classify_grid(grid: list[list[GridCell]]) -> str | None:
    """``t2`` / ``t3`` / ``t4`` for an era-2 table (or a piece of one), else None.

    Decided by how many of each table's characteristic labels appear; the 2014–2018 table
    (统计指标 | 单位 | 统计数) has none of them except 行政复议/行政诉讼, which alone count for
    表四 only in a small grid without 统计指标."""
    # not spanned (a 1×1 cell always sits at its origin: tested first, no tuple built)
    own = [c.text for row in grid for c in row if (c.rowspan == 1 and c.colspan == 1) or c.origin == (c.row, c.col)]
    # label_key of the joined texts; normalize_label maps character by character, so the
    # cells' memoised labels are joined instead of normalising the whole table's text again
    joined = key_of_label("".join(map(cell_label, own)))
    if not joined:
        return None
    scores = {kind: sum(1 for m in marks if m in joined) for kind, marks in _MARKERS.items()}
    if "信息内容" in joined and not any(label_key(t) == "信息内容" for t in map(cell_key, own)):
        scores["t2"] -= 1  # 公开信息内容 in a breadcrumb is not a 表二 header
    if "统计指标" in joined or "统计数" in joined:
        scores["t2"] = scores["t2"] if "信息内容" in joined else 0
        scores["t3"] = scores["t3"] if "申请人情况" in joined or "自然人" in joined else 0
        scores["t4"] = scores["t4"] if "结果维持" in joined else 0
    best = max(scores.values())
    if best == 0:
        if "行政复议" in joined and "行政诉讼" in joined and "统计指标" not in joined and len(grid) <= 8:
            return "t4"
        return None
    if best == 1 and scores["t2"] == 1 and ("行政事业性收费" in joined and "信息内容" not in joined):
        return None  # one 表二 word in an unrelated table
    for kind in ("t3", "t4", "t2"):
        if scores[kind] == best:
            return kind
    return None  # pragma: no cover


def read_matrix(
    kind: str, grids: Sequence[list[list[GridCell]]], *, table_no: int, title: str | None
) -> tuple[list[Fact], list[str]]:
    """Read one logical table (its ``<table>`` pieces in page order) into facts in page order
    (row by row, left to right) and warnings."""
    if kind == "t2":
        return read_t2(grids, table_no=table_no, title=title)
    if kind == "t3":
        return read_t3(grids, table_no=table_no, title=title)
    if kind == "t4":
        return read_t4(grids, table_no=table_no, title=title)
    raise ValueError(f"not an era-2 table kind: {kind!r}")


_COL_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "采购项目数量", "采购总金额")
_COL_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "本年处理决定数量")


def detect_template(facts: Sequence[Fact]) -> str | None:
    """``2019-trial`` or ``2021`` from the cells seen (cells that exist in one format only, and
    the 表二 column words), None when nothing tells them apart."""
    era_only = catalogue().era_only
    votes = {"e2_2019": 0, "e2_2021": 0}
    for f in facts:
        era = era_only.get(f.indicator_id or "")
        if era:
            votes[era] += 1
            continue
        col = f.column or ""
        if any(col.startswith(c) for c in _COL_2019):
            votes["e2_2019"] += 1
        elif any(col.startswith(c) for c in _COL_2021) or len(f.row_path) >= 3 and "其他处理" in f.row_path[-2]:
            votes["e2_2021"] += 1
    if votes["e2_2019"] == votes["e2_2021"]:
        return None
    return "2019-trial" if votes["e2_2019"] > votes["e2_2021"] else "2021"
