"""Golden fixtures: compare the parser with hand-checked expectations, or rewrite them.

``python -m tests.goldens --update [FIXTURE.json ...]`` (``make goldens``) rewrites the
``report`` and ``indicators`` parts of golden files from the parser's current output, keeping
the hand-written parts (``about``, ``url``, ``headers``, ``body_text_*``). Review the change with
``git diff fixtures/`` before committing: the goldens are the truth, not the parser.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from parsers import parse_report
from parsers.errors import XxgkError
from parsers.model import Report

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
INPUT_SUFFIXES = (".html", ".htm", ".shtml", ".txt")
REPORT_KEYS = (
    "title", "region", "report_year", "template", "index_no", "category", "publish_date",
    "keywords", "publisher", "doc_no", "encoding", "script", "spam_links_removed",
)
INDICATOR_KEYS = (
    "table_no", "row_path", "label", "column", "unit", "value", "value_text", "note", "indicator_id",
)


def golden_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.json") if not p.parts[-2].startswith("_") and _input_for(p))


def _input_for(golden: Path) -> Path | None:
    for suffix in INPUT_SUFFIXES:
        p = golden.with_suffix(suffix)
        if p.exists():
            return p
    return None


def run_parser(golden: Path, spec: dict[str, Any]) -> Report:
    page = _input_for(golden)
    assert page is not None, f"no input page beside {golden}"
    return parse_report(page.read_bytes(), url=spec.get("url"), headers=spec.get("headers") or {}, location=str(page))


def report_fields(report: Report) -> dict[str, Any]:
    m = report.metadata
    return {
        "title": report.title,
        "region": report.region,
        "report_year": report.report_year,
        "template": report.template,
        "index_no": m.index_no,
        "category": m.category,
        "publish_date": m.publish_date.isoformat() if m.publish_date else None,
        "keywords": m.keywords,
        "publisher": m.publisher,
        "doc_no": m.doc_no,
        "encoding": report.encoding.used,
        "script": report.script,
        "spam_links_removed": report.spam_links_removed,
    }


def indicator_rows(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "table_no": f.table_no,
            "row_path": " / ".join(f.row_path),
            "label": f.label,
            "column": f.column,
            "unit": f.unit,
            "value": f.value.number,
            "value_text": f.value.raw,
            "note": f.value.note,
            "indicator_id": f.indicator_id,
        }
        for f in report.facts
    ]


def compare(golden: Path) -> list[str]:
    """Every difference between the parser and the golden file, one line each."""
    spec = json.loads(golden.read_text("utf-8"))
    problems: list[str] = []
    if "error" in spec:
        try:
            run_parser(golden, spec)
        except XxgkError as exc:
            if type(exc).__name__ != spec["error"]:
                problems.append(f"raised {type(exc).__name__}, expected {spec['error']}")
            kind = spec.get("kind")
            if kind and getattr(exc, "kind", None) != kind:
                problems.append(f"kind {getattr(exc, 'kind', None)!r}, expected {kind!r}")
            frag = spec.get("message_contains")
            if frag and frag not in str(exc):
                problems.append(f"message {str(exc)!r} lacks {frag!r}")
            return problems
        return [f"parsed without error, expected {spec['error']}"]
    report = run_parser(golden, spec)
    got = report_fields(report)
    for key, want in spec.get("report", {}).items():
        if key in got and got[key] != want:
            problems.append(f"report.{key}: got {got[key]!r}, want {want!r}")
    for s in spec.get("body_text_contains", []):
        if s not in report.body_text:
            problems.append(f"body_text lacks {s!r}")
    for s in spec.get("body_text_excludes", []):
        if s in report.body_text:
            problems.append(f"body_text still has {s!r}")
    want_rows = spec.get("indicators")
    if want_rows is not None:
        got_rows = indicator_rows(report)
        if len(got_rows) != len(want_rows):
            problems.append(f"indicators: got {len(got_rows)} rows, want {len(want_rows)}")
        for i, (g, w) in enumerate(zip(got_rows, want_rows)):
            for key, want in w.items():
                if key in g and g[key] != want:
                    problems.append(f"indicators[{i}] ({w.get('row_path')} | {w.get('column')}).{key}: got {g[key]!r}, want {want!r}")
    return problems


def update(golden: Path) -> None:
    spec = json.loads(golden.read_text("utf-8"))
    if "error" in spec:
        return
    report = run_parser(golden, spec)
    spec["report"] = report_fields(report)
    spec["indicators"] = indicator_rows(report)
    golden.write_text(json.dumps(spec, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "--update":
        print(__doc__)
        return 2
    targets = [Path(a) for a in argv[1:]] or golden_files()
    for g in targets:
        update(g)
        print(f"updated {g}")
    print("review with: git diff fixtures/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
