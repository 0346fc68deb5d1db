"""``xxgk inspect PAGE``: one page's result, the first thing to run when a page looks wrong.

It answers, in order: which bytes were read and how they were decoded (and why that encoding);
what metadata was found; each statistics table as a small grid (row paths down the side, column
headers across, the catalogue id of each row); which cells did not read as numbers; which
checks failed; which spam blocks were removed (with a snippet of what they said); and every
warning. ``--json`` gives the same content as one JSON object.

Exit status: 0 when the page reads as a report; 1 when it is not a report (the reason is shown,
as in errors.csv) — ``parse`` would skip such a page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parsers.errors import NotAReport
from parsers.model import Fact, Report, Table

from .errors import InputError

__all__ = ["build_view", "inspect_page", "render_text", "report_to_dict"]

MAX_WIDTH = 118  # terminal columns a grid may use
LABEL_WIDTH = 46
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # never let page text drive the terminal


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def report_to_dict(report: Report) -> dict[str, Any]:
    """The whole ``Report`` as plain JSON-ready data."""
    d = _plain(report)
    d.pop("extra", None)
    return d


# --- the view: what inspect shows, as data (the JSON output) ---------------------------------

def _fmt_number(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def _cell(f: Fact) -> dict[str, Any]:
    return {
        "column": f.column, "value": f.value.number, "value_text": f.value.raw, "state": f.value.state,
        "unit": f.unit, "note": f.value.note, "indicator_id": f.indicator_id,
    }


def _table_view(t: Table) -> dict[str, Any]:
    columns: list[str | None] = []
    rows: dict[int, dict[str, Any]] = {}
    for f in t.facts:
        if f.column not in columns:
            columns.append(f.column)
        row = rows.setdefault(f.row_no, {"row_no": f.row_no, "row_path": list(f.row_path), "label": f.label,
                                         "cells": []})
        row["cells"].append(_cell(f))
    return {
        "table_no": t.table_no, "title": t.title, "kind": t.kind, "n_values": len(t.facts),
        "columns": columns, "rows": list(rows.values()),
    }


def build_view(report: Report, *, page: str | None = None, raw: bytes | None = None,
               rid: str | None = None) -> dict[str, Any]:
    """Everything ``inspect`` shows, as JSON-ready data."""
    e, m = report.encoding, report.metadata
    failed_values = [
        {"table_no": t.table_no, "row_no": f.row_no, "row_path": " / ".join(f.row_path), "column": f.column,
         "value_text": f.value.raw, "indicator_id": f.indicator_id}
        for t in report.tables for f in t.facts if f.value.state == "text"
    ]
    unknown_rows = sorted({(t.table_no, " / ".join(f.row_path)) for t in report.tables for f in t.facts
                           if f.indicator_id is None})
    checks = [_plain(c) for c in report.checks]
    return {
        "page": {"path": page, "bytes": None if raw is None else len(raw),
                 "sha256": None if raw is None else hashlib.sha256(raw).hexdigest()},
        "report_id": rid,
        "encoding": {"used": e.used, "source": e.source, "declared": list(e.declared), "conflict": e.conflict,
                     "replacement_chars": e.replacement_chars, "mojibake_hits": e.mojibake_hits},
        "report": {"title": report.title, "region": report.region, "report_year": report.report_year,
                   "template": report.template, "script": report.script, "family": report.family,
                   "parser_version": report.parser_version, "url": report.url,
                   "body_chars": len(report.body_text), "n_values": len(report.facts)},
        "metadata": _plain(m) | {"extra": [list(p) for p in m.extra]},
        "tables": [_table_view(t) for t in report.tables],
        "failed_values": failed_values,
        "unknown_rows": [{"table_no": n, "row_path": p} for n, p in unknown_rows],
        "checks": {
            "run": len(checks),
            "failed": sum(1 for c in checks if c["ok"] is False),
            "not_assessable": sum(1 for c in checks if c["ok"] is None),
            "items": checks,
        },
        "spam": {"links_removed": report.spam_links_removed,
                 "blocks": [{"position": b.position, "signals": list(b.signals), "n_links": b.n_links,
                             "snippet": b.text} for b in report.spam]},
        "warnings": list(report.warnings),
    }


# --- terminal rendering -----------------------------------------------------------------------

def _safe(text: Any) -> str:
    """One line, no control characters (page text may hold ANSI escapes)."""
    return _CONTROL.sub("", str(text).replace("\r", " ").replace("\n", " ⏎ ").replace("\t", " "))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def _cut(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out, w = [], 0
    for ch in text:
        cw = _width(ch)
        if w + cw > width - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool = False) -> str:
    text = _cut(text, width)
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def _shown(c: dict[str, Any]) -> str:
    """How a cell appears in the grid: the number, · for blank, the mark for -/—/无, !text."""
    state = c["state"]
    if state in ("number", "yesno"):
        return _fmt_number(c["value"]) + ("*" if c.get("note") else "")
    if state == "blank":
        return "·"
    if state == "na":
        return _safe(c["value_text"]) or "-"
    return "!" + _safe(c["value_text"])


def _row_label(row: dict[str, Any]) -> tuple[int, str]:
    depth = max(len(row["row_path"]) - 1, 0)
    return depth, _safe(row["label"] or (row["row_path"][-1] if row["row_path"] else "") or "(row)")


def _ancestors(prev: Sequence[str], path: Sequence[str]) -> list[tuple[int, str]]:
    """Section rows to print before this row: ancestors not shared with the previous row."""
    parents = list(path[:-1])
    shared = 0
    while shared < min(len(parents), len(prev)) and parents[shared] == prev[shared]:
        shared += 1
    return [(j, _safe(p)) for j, p in enumerate(parents[shared:], start=shared)]


def _grid_one_column(tv: dict[str, Any]) -> list[str]:
    lines = [f"    {_pad('row', LABEL_WIDTH)}  {_pad('value', 12, True)}  {_pad('unit', 6)}  indicator_id"]
    prev: Sequence[str] = ()
    for row in tv["rows"]:
        for depth, text in _ancestors(prev, row["row_path"]):
            lines.append("    " + _pad("  " * depth + text, LABEL_WIDTH))
        prev = row["row_path"]
        depth, label = _row_label(row)
        for c in row["cells"]:
            ident = c["indicator_id"] or "? (no id)"
            lines.append(f"    {_pad('  ' * depth + label, LABEL_WIDTH)}  {_pad(_shown(c), 12, True)}  "
                         f"{_pad(_safe(c['unit'] or ''), 6)}  {ident}")
    return lines


def _grid_matrix(tv: dict[str, Any]) -> list[str]:
    cols = tv["columns"]
    names = [f"c{i + 1}" for i in range(len(cols))]
    cells = {}
    for row in tv["rows"]:
        for c in row["cells"]:
            cells[(row["row_no"], cols.index(c["column"]))] = _shown(c)
    widths = [max([_width(n)] + [min(_width(v), 10) for (r, j), v in cells.items() if j == i])
              for i, n in enumerate(names)]
    lines: list[str] = []
    start = 0
    while start < len(cols):  # split wide tables into column groups that fit the terminal
        end, used = start, 4 + LABEL_WIDTH
        while end < len(cols) and (end == start or used + 2 + widths[end] <= MAX_WIDTH):
            used += 2 + widths[end]
            end += 1
        group = range(start, end)
        lines.append("    " + _pad("row", LABEL_WIDTH) + "".join("  " + _pad(names[i], widths[i], True) for i in group))
        prev: Sequence[str] = ()
        for row in tv["rows"]:
            for depth, text in _ancestors(prev, row["row_path"]):
                lines.append("    " + _pad("  " * depth + text, LABEL_WIDTH))
            prev = row["row_path"]
            depth, label = _row_label(row)
            vals = "".join("  " + _pad(cells.get((row["row_no"], i), ""), widths[i], True) for i in group)
            lines.append("    " + _pad("  " * depth + label, LABEL_WIDTH) + vals)
        start = end
    lines.append("    columns:")
    lines += [f"      {n} = {_safe(c) if c is not None else '(value)'}" for n, c in zip(names, cols)]
    ids = sorted({c["indicator_id"] for r in tv["rows"] for c in r["cells"] if c["indicator_id"]})
    n_cells = sum(len(r["cells"]) for r in tv["rows"])
    n_unknown = sum(1 for r in tv["rows"] for c in r["cells"] if not c["indicator_id"])
    lines.append(f"    {len(ids)} indicator ids over {n_cells} cells"
                 + (f"; {n_unknown} cells without an id" if n_unknown else "")
                 + " (ids per cell: --json)")
    return lines


def render_text(view: dict[str, Any]) -> str:
    """The readable terminal summary of ``build_view``'s data."""
    p, e, r, m = view["page"], view["encoding"], view["report"], view["metadata"]
    out = [f"page        {_safe(p['path'])}" + (f"  ({p['bytes']} bytes, sha256 {p['sha256'][:12]}…)" if p["bytes"] is not None else "")]
    if view.get("report_id"):
        out.append(f"report_id   {view['report_id']}")
    declared = ", ".join(e["declared"]) or "nothing declared"
    out.append(f"encoding    {e['used']} (chosen from: {e['source']}; {declared}"
               + ("; DECLARATIONS CONFLICT" if e["conflict"] else "")
               + (f"; {e['replacement_chars']} U+FFFD" if e["replacement_chars"] else "")
               + (f"; {e['mojibake_hits']} mojibake hits" if e["mojibake_hits"] else "") + ")")
    out.append(f"title       {_safe(r['title'])}")
    out.append(f"region/year {_safe(r['region'])} / {r['report_year']}    template {r['template']}    "
               f"script {r['script']}    container {r['family'] or 'generic'}")
    out.append(f"body        {r['body_chars']} characters, {r['n_values']} values, parser {r['parser_version']}")
    out.append("\nmetadata")
    for key, label in (("index_no", "索引号"), ("category", "分类"), ("publish_date", "发布日期"),
                       ("keywords", "主题词"), ("publisher", "发布机构"), ("doc_no", "文号"), ("written_date", "成文日期")):
        value = m.get(key)
        if key == "publish_date" and m.get("publish_date_raw") and m.get("publish_date_raw") != value:
            value = f"{value}  (printed {m['publish_date_raw']})"
        out.append(f"  {_pad(label, 10)} {_safe(value) if value is not None else '—'}")
    for k, v in m.get("extra") or []:
        out.append(f"  {_pad(_safe(k), 10)} {_safe(v)}")

    for tv in view["tables"]:
        title = _safe(tv["title"]) if tv["title"] else ""
        out.append(f"\ntable {tv['table_no']} [{tv['kind']}] {title}  ({tv['n_values']} values)")
        one_column = tv["columns"] == [None]
        out += _grid_one_column(tv) if one_column else _grid_matrix(tv)
    if not view["tables"]:
        out.append("\ntables      none found")
    out.append("    legend: · blank, ! not a number, * number with a note, - / — / 无 as printed")

    fv = view["failed_values"]
    out.append(f"\nvalues that did not read as numbers: {len(fv)}")
    out += [f"  table {v['table_no']} row {v['row_no']}: {_safe(v['row_path'])}"
            + (f" | {_safe(v['column'])}" if v["column"] else "") + f" = {_safe(v['value_text'])!s}"
            for v in fv]
    if view["unknown_rows"]:
        out.append(f"rows without an indicator id: {len(view['unknown_rows'])}")
        out += [f"  table {u['table_no']}: {_safe(u['row_path'])}" for u in view["unknown_rows"]]

    ch = view["checks"]
    out.append(f"\nchecks      {ch['run']} run, {ch['failed']} failed, {ch['not_assessable']} not assessable")
    for c in ch["items"]:
        if c["ok"] is False:
            out.append(f"  FAIL {c['check']}: {_safe(c['detail'])}")
    sp = view["spam"]
    out.append(f"\nspam        {sp['links_removed']} links removed, {len(sp['blocks'])} blocks")
    for b in sp["blocks"]:
        out.append(f"  [{b['position']}] {', '.join(b['signals'])} ({b['n_links']} links): "
                   f"“{_cut(_safe(b['snippet']), 80)}”")
    out.append(f"\nwarnings    {len(view['warnings'])}")
    out += [f"  {_safe(w)}" for w in view["warnings"]]
    return "\n".join(out) + "\n"


# --- the command ------------------------------------------------------------------------------

def _parse(body: bytes, location: str) -> tuple[Report, str]:
    """Parse one page; imported here so ``xxgk --help`` stays fast."""
    from parsers import parse_report, report_id

    report = parse_report(body, location=location)
    return report, report_id(report.title, report.body_text)


def inspect_page(page: str, *, as_json: bool = False) -> int:
    path = Path(page)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", location=page) from exc
    try:
        report, rid = _parse(body, page)
    except NotAReport as exc:
        if as_json:
            json.dump({"page": page, "error": "NotAReport", "message": exc.reason},
                      sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(f"page        {_safe(page)}\nnot a report: {_safe(exc.reason)}\n"
                             "(xxgk parse skips this page and lists it in errors.csv)\n")
        return 1
    view = build_view(report, page=page, raw=body, rid=rid)
    if as_json:
        json.dump(view, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(view))
    return 0
