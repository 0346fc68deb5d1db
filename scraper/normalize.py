"""``Report`` + ``PageSource`` → output rows (tuples in ``schema`` column order).

Pure functions (no I/O); they run inside the worker processes so the parent only writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.model import Fact, Report

from .models import PageSource
from .schema import CHECKS, INDICATORS, REPORTS

__all__ = ["PageRows", "to_rows"]

_ERA2_KINDS = frozenset({"t2", "t3", "t4"})


@dataclass(frozen=True, slots=True)
class PageRows:
    report_id: str
    report: tuple
    indicators: list[tuple]
    checks: list[tuple]


def _indicator_row(rid: str, f: Fact, blank_as_zero: bool, kind: str, report: Report) -> tuple:
    value = f.value.number
    if blank_as_zero and value is None and f.value.state == "blank" and kind in _ERA2_KINDS:
        value = 0.0
    return (
        rid,
        f.table_no,
        f.table_title,
        f.row_no,
        f.indicator_id,
        " / ".join(f.row_path),
        f.label,
        f.column,
        f.unit,
        value,
        f.value.raw,
        f.value.note,
        f.value.state,
        report.region,
        report.report_year,
        report.template,
    )


def to_rows(report: Report, source: PageSource, rid: str, *, blank_as_zero: bool = False) -> PageRows:
    """Flatten one report into its rows of reports / indicators / checks."""
    indicators = [
        _indicator_row(rid, f, blank_as_zero, t.kind, report) for t in report.tables for f in t.facts
    ]
    checks = [
        (rid, c.check, c.expected, c.actual, c.ok, c.detail, "soft" if ".soft." in c.check else "identity")
        for c in report.checks
    ]
    m = report.metadata
    row = (
        rid,
        source.source,
        source.sha256,
        report.title,
        report.region,
        report.report_year,
        report.template,
        m.index_no,
        m.category,
        m.publish_date,
        m.keywords,
        m.publisher,
        m.doc_no,
        report.encoding.used,
        report.script,
        report.body_text,
        report.spam_links_removed,
        len(indicators),
        "\n".join(report.warnings),
        report.parser_version,
        report.encoding.source,
        report.family,
        sum(1 for c in report.checks if c.ok is False),
    )
    assert len(row) == len(REPORTS) and (not indicators or len(indicators[0]) == len(INDICATORS))
    assert not checks or len(checks[0]) == len(CHECKS)
    return PageRows(rid, row, indicators, checks)
