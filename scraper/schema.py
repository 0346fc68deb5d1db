"""The output schema: the single source of truth for column order, types and meaning.

``write.py`` builds the pyarrow schemas from here, ``normalize.py`` emits rows in this order,
and ``output/README.md`` (the data contract) is generated from here by ``xxgk schema --markdown``;
a test fails when any of them drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pyarrow is imported lazily: ``xxgk --help`` must start fast
    import pyarrow as pa

__all__ = ["CHECKS", "ERRORS", "INDICATORS", "REPORTS", "SCHEMA_VERSION", "TABLES", "Column", "arrow_schema"]

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # string | dict | int16 | int32 | float64 | date32 | bool
    description: str
    example: str = ""
    nullable: bool = True


REPORTS: tuple[Column, ...] = (
    Column("report_id", "string", "Stable id of the report: 16 hex chars of SHA-256 over title + body text, so the same report saved twice (even in two encodings) gets the same id.", "9f2c1e0a7b3d4c55", False),
    Column("source", "string", "Where the page came from: the original URL (plus ` @ capture time` for web-archive captures) when known, else the input file path.", "fixtures/seed/baotou-2017-mirror.txt", False),
    Column("source_sha256", "string", "SHA-256 of the raw input bytes.", "3a90b2f8…", False),
    Column("title", "string", "Report title, Simplified, spam suffixes removed.", "包头市2017年政府信息公开工作年度报告"),
    Column("region", "string", "Place (or body) the report covers, from the title.", "包头市"),
    Column("report_year", "int16", "Year the report covers (not the publication year).", "2017"),
    Column("template", "dict", "Statistics form: `2014-national`, `2019-trial`, `2021`, `local` or `unknown`.", "2014-national", False),
    Column("index_no", "string", "索引号 as printed.", "011536003/2018-00124"),
    Column("category", "string", "公开目录 / 分类 / 主题分类.", "信息公开年报"),
    Column("publish_date", "date32", "发布日期 (publication date) as a date.", "2018-03-22"),
    Column("keywords", "string", "主题词 / 关键词.", ""),
    Column("publisher", "string", "发布机构 / 发文机关.", "市人民政府办公厅"),
    Column("doc_no", "string", "文号 / 发文字号.", "包府办发〔2018〕12号"),
    Column("encoding", "dict", "Python codec used to decode the bytes (every GB label is read as gb18030).", "gb18030", False),
    Column("script", "dict", "Original script of the page: `simplified` or `traditional` (all text columns are Simplified).", "traditional", False),
    Column("body_text", "string", "Report text without site chrome and spam, one block per line.", "本年度报告按照…", False),
    Column("spam_links_removed", "int32", "Number of injected spam links/tokens removed.", "30", False),
    Column("n_values", "int32", "Number of rows this report has in `indicators`.", "86", False),
    Column("warnings", "string", "Problems noticed while reading (unknown rows, mojibake, lossy decode …), one per line.", "unknown row in table 1: …", False),
    Column("parser_version", "string", "Parser and catalogue version that produced the row.", "0.1.0+cat1", False),
    Column("encoding_source", "dict", "Where the encoding came from: bom, http, meta, xml, utf8, gb18030, detected, fallback.", "meta", False),
    Column("family", "dict", "CMS family whose container held the body (null: generic fallback).", "trs"),
    Column("n_checks_failed", "int32", "Number of rows of `checks` for this report with ok = false.", "0", False),
)

INDICATORS: tuple[Column, ...] = (
    Column("report_id", "string", "The report (see reports.report_id).", "9f2c1e0a7b3d4c55", False),
    Column("table_no", "int16", "Logical statistics table on the page, 1-based (split tables share a number).", "1", False),
    Column("table_title", "string", "Caption printed before the table, if any.", "2017年度政府信息公开工作统计表"),
    Column("row_no", "int32", "Row position within the logical table, 1-based.", "22", False),
    Column("indicator_id", "string", "Canonical indicator id from the catalogue (same id across regions, years, eras and scripts); null when the label is unknown (then `warnings` says so).", "requests.received"),
    Column("row_path", "string", "Labels from the section down to this row, joined with ` / `.", "三、依申请公开情况 / （一）收到申请数", False),
    Column("label", "string", "The row's own label, Simplified, whitespace removed, full-width brackets/colons.", "（一）收到申请数", False),
    Column("column", "string", "Column header path of matrix tables (2019+, aggregated or local forms), ` / `-joined; null for one value column.", "申请人情况 / 法人或其他组织 / 商业企业"),
    Column("unit", "dict", "Unit: printed unit cell, else unit written in the value, else the catalogue's.", "件"),
    Column("value", "float64", "The number; null for blank, `-`/`—`/`/`/`无` and text cells (never 0 unless `--blank-as-zero`).", "81.0"),
    Column("value_text", "string", "The cell text as printed (white space collapsed); empty for a blank cell.", "45478(政府热线)", False),
    Column("note", "string", "Text riding with the number: `45478(政府热线)` → 政府热线; a name list after a count.", "政府热线"),
    Column("state", "dict", "How the cell read: number, blank, na (`-` `—` `/` `无`), yesno (是/否 → 1/0), text.", "number", False),
    Column("region", "string", "The report's region (copied from reports, so one file answers most questions).", "包头市"),
    Column("report_year", "int16", "The report's year (copied from reports).", "2017"),
    Column("template", "dict", "The report's template (copied from reports).", "2014-national"),
)

CHECKS: tuple[Column, ...] = (
    Column("report_id", "string", "The report.", "9f2c1e0a7b3d4c55", False),
    Column("check", "string", "Check name (see the list below); a scope in brackets when it runs per column or row.", "e1.received_eq_channels", False),
    Column("expected", "float64", "The printed total.", "81.0"),
    Column("actual", "float64", "What the parts add up to.", "81.0"),
    Column("ok", "bool", "true: holds; false: fails; null: not assessable (a term missing or blank).", "true"),
    Column("detail", "string", "The arithmetic in words.", "收到申请数 81 = 当面 39 + 传真 0 + 网络 8 + 信函 34", False),
    Column("severity", "dict", "`identity` (the form's arithmetic must hold) or `soft` (an inequality or name-list count that usually holds; a failure is worth a look, not proof of an error).", "identity", False),
)

ERRORS: tuple[Column, ...] = (
    Column("source", "string", "The input that failed (path, WARC location or URL).", "saved/broken.html", False),
    Column("stage", "string", "Where it failed: input, decode, parse, normalize, timeout, duplicate.", "parse", False),
    Column("error", "string", "Error class (NotAReport, UndecodableError, InputError, PageTimeout …).", "NotAReport", False),
    Column("message", "string", "The reason, in words.", "error page (404 / page not found) saved as HTML", False),
)

#: file stem → columns
TABLES: dict[str, tuple[Column, ...]] = {
    "reports": REPORTS,
    "indicators": INDICATORS,
    "checks": CHECKS,
    "errors": ERRORS,
}


def arrow_schema(name: str) -> pa.Schema:
    """The explicit pyarrow schema of one output table, with field descriptions and the
    schema/parser versions in the metadata (researchers' tools show them)."""
    import pyarrow as pa

    from parsers.version import PARSER_VERSION

    types = {
        "string": pa.string(),
        "dict": pa.dictionary(pa.int32(), pa.string()),
        "int16": pa.int16(),
        "int32": pa.int32(),
        "float64": pa.float64(),
        "date32": pa.date32(),
        "bool": pa.bool_(),
    }
    fields = [
        pa.field(c.name, types[c.type], nullable=c.nullable, metadata={"description": c.description})
        for c in TABLES[name]
    ]
    return pa.schema(
        fields,
        metadata={"xxgk.schema_version": SCHEMA_VERSION, "xxgk.parser_version": PARSER_VERSION, "xxgk.table": name},
    )


# --- derived tables (``xxgk panel``); not written by ``parse``, so not in ``TABLES`` -----------

#: The fixed leading columns of ``panel.parquet`` / ``panel.csv``; one float64 column per
#: indicator follows (see ``scraper/panel.py`` and output/README.md).
PANEL: tuple[Column, ...] = (
    Column("region", "string", "Place (or body) the report covers (reports.region).", "包头市"),
    Column("publisher", "string", "发布机构 (reports.publisher); part of the row key.", "市人民政府办公厅"),
    Column("report_year", "int16", "Year the report covers (reports.report_year).", "2017"),
    Column("report_id", "string", "The report kept for this row (see the duplicate rule).", "9f2c1e0a7b3d4c55", False),
    Column("source", "string", "Where the kept report came from (reports.source).", "fixtures/seed/baotou-2017-mirror.txt", False),
    Column("template", "dict", "Statistics form of the kept report (reports.template).", "2014-national", False),
)

#: ``panel_conflicts.csv``: one row per (dropped report, indicator whose value differs from the
#: kept report's); a dropped report whose values all agree gets one row with ``indicator`` empty.
PANEL_CONFLICTS: tuple[Column, ...] = (
    Column("region", "string", "Row key: region.", "包头市"),
    Column("publisher", "string", "Row key: publisher.", "市人民政府办公厅"),
    Column("report_year", "int16", "Row key: report year.", "2017"),
    Column("kept_report_id", "string", "The report kept in the panel.", "9f2c1e0a7b3d4c55", False),
    Column("kept_source", "string", "Its source.", "http://example.gov.cn/a.html", False),
    Column("dropped_report_id", "string", "A report with the same key that was left out.", "07aa13c2d4e5f601", False),
    Column("dropped_source", "string", "Its source.", "saved/baotou-2017-copy.html", False),
    Column("reason", "string", "Why the kept one won (the first rule that decided).", "more values (86 > 80)", False),
    Column("indicator", "string", "Panel column whose value differs; empty when every value agrees.", "requests.received"),
    Column("kept_value", "float64", "The value in the kept report (empty: none).", "81"),
    Column("dropped_value", "float64", "The value in the dropped report (empty: none).", "80"),
)

#: file stem → columns of the derived tables
DERIVED_TABLES: dict[str, tuple[Column, ...]] = {"panel": PANEL, "panel_conflicts": PANEL_CONFLICTS}
