"""``xxgk inspect PAGE``: one page's result, the first thing to run when a page looks wrong."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from parsers import parse_report
from parsers.model import Report

from .errors import InputError

__all__ = ["inspect_page", "report_to_dict"]


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
    d = _plain(report)
    d.pop("extra", None)
    return d


def _summary(report: Report) -> str:
    m, e = report.metadata, report.encoding
    lines = [
        f"title       {report.title}",
        f"region/year {report.region} / {report.report_year}    template {report.template}    script {report.script}",
        f"encoding    {e.used} (from {e.source}; declared {', '.join(e.declared) or 'nothing'}"
        f"{'; CONFLICT' if e.conflict else ''}; U+FFFD {e.replacement_chars}; mojibake {e.mojibake_hits})",
        f"metadata    索引号 {m.index_no} | 分类 {m.category} | 发布日期 {m.publish_date} | 主题词 {m.keywords} "
        f"| 发布机构 {m.publisher} | 文号 {m.doc_no}",
        f"body        {len(report.body_text)} chars, container family {report.family}",
    ]
    for t in report.tables:
        lines.append(f"\ntable {t.table_no} [{t.kind}] {t.title or ''}  ({len(t.facts)} values)")
        for f in t.facts:
            col = f" | {f.column}" if f.column else ""
            v = "" if f.value.number is None else f"{f.value.number:g}"
            flag = "" if f.value.state == "number" else f"  <{f.value.state}: {f.value.raw!r}>"
            lines.append(f"  {' / '.join(f.row_path)}{col} = {v} {f.unit or ''}  [{f.indicator_id}]{flag}")
    failed = [c for c in report.checks if c.ok is False]
    lines.append(f"\nchecks      {len(report.checks)} run, {len(failed)} failed")
    lines += [f"  FAIL {c.check}: {c.detail}" for c in failed]
    lines.append(f"spam        {report.spam_links_removed} links removed in {len(report.spam)} blocks")
    lines += [f"  [{b.position}] {', '.join(b.signals)}: {b.text[:60]}" for b in report.spam]
    lines += [f"warning     {w}" for w in report.warnings]
    return "\n".join(lines) + "\n"


def inspect_page(page: str, *, as_json: bool = False) -> int:
    path = Path(page)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", location=page) from exc
    report = parse_report(body, location=page)
    if as_json:
        json.dump(report_to_dict(report), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_summary(report))
    return 0
