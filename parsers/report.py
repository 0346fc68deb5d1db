"""``parse_report``: bytes in, ``Report`` out — the only module that calls every stage.

decode → strip pinyin → Traditional→Simplified → DOM (or text lines) → remove spam → read
metadata (whole page: the metadata block often sits outside the body container) → find the
body container → drop chrome → statistics tables (real ``<table>`` grids first, flattened text
second) → checks. The parser never raises on damage: damage becomes ``warnings``. Only
"nothing usable" raises (``NotAReport``, ``ParseError``).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Mapping, Sequence

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .catalogue import era1_catalogue
from .checks import run_checks
from .clean import PageStats, find_container, is_chrome_line, strip_chrome
from .dates import find_year
from .decode import decode_html
from .errors import NotAReport, ParseError
from .gate import check_is_report
from .grid import grid_of_rows, is_leaf_table, table_rows
from .matrix import classify_grid, detect_template, read_matrix, read_matrix_text
from .metadata import read_metadata
from .metadata_head import read_head
from .metadata_title import region_and_year
from .model import EncodingInfo, Fact, Metadata, Report, SpamBlock, Table
from .script import to_simplified
from .spam import clean_title, remove_spam, spam_lines, strip_pinyin
from .tables import grid_rows, is_era1_grid, rows_to_facts, text_rows
from .text import _ZERO_WIDTH, compact, iter_segments, last_segment, split_segments
from .version import PARSER_VERSION

__all__ = ["PARSER_VERSION", "parse_report", "report_id"]

_BLOCK_TAG = re.compile(r"<(?:p|div|table|td|tr|br|li|html|body|span|h[1-6])\b", re.I)
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html[^>]*>\s*)?<html[\s>]", re.I)
#: A stray tag in a plain-text page; never spans a line break (no character ``str.splitlines``
#: breaks at), so one substitution over the page removes what a line-by-line one would.
_TEXT_TAGS = re.compile(r"<[^>\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]{0,200}>")
#: :data:`parsers.text._WS` without the characters ``str.splitlines`` breaks at (\r \n \v \f
#: U+2028 U+2029), and the zero-width characters of :data:`parsers.text._ZERO_WIDTH`.
_INLINE_WS = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
_ERA2_MARKERS = ("申请人情况", "本年新收政府信息公开申请数量", "收到和处理政府信息公开申请情况")
#: Text (after inline ``data:`` URIs are dropped) beyond which a page is refused: the largest
#: real report pages (Word exports with inline styles) hold ~3 M characters; 16 M keeps a
#: 10 MB one-line page readable while a 50 MB page cannot take minutes and gigabytes.
MAX_PAGE_CHARS = 16_000_000
#: Grid positions read from all the tables of one page (each table is capped in ``grid``).
MAX_PAGE_CELLS = 2_000_000
#: Inline images (``src="data:image/png;base64,…"``) in Word exports: megabytes of no text.
_DATA_URI = re.compile(r"data:[\w/+.;=-]{0,100},[A-Za-z0-9+/=%\s]{256,}")
#: A line that is a report title: ``<issuer><year>年…政府信息公开工作年度报告``.
_TITLE_LINE = re.compile(
    r"^(?!上一篇|下一篇|相关)([^，。：:；;]{0,40}?)((?:19|20)\d{2})\s*年度?[^，。：:；;]{0,30}?信息公开(?:工作)?年度报告$"
)


def report_id(title: str | None, body_text: str) -> str:
    """Stable id of a report: the same report fetched twice, or saved in two files (even in
    two encodings), gets the same id, because it hashes what was read, not the bytes."""
    h = hashlib.sha256(f"{title or ''}\n{body_text}".encode()).hexdigest()
    return h[:16]


def parse_report(
    body: bytes | str,
    *,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
    location: str | None = None,
) -> Report:
    """Parse one saved report page. ``headers`` are HTTP response headers (any case)."""
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    warnings: list[str] = []
    wide: tuple[str, str] | None = None  # (text, its non-ASCII characters) from decoding
    if isinstance(body, str):
        text, info = body, EncodingInfo(used="utf-8", source="str")
    else:
        decoded = decode_html(body, hdrs, location=location)
        text, info = decoded.text, decoded.info
        warnings.extend(decoded.warnings)
        wide = (decoded.text, decoded.wide)
    text = _limit_size(text, location)
    text, n_pinyin = strip_pinyin(text)
    if n_pinyin:
        warnings.append(f"spam: removed {n_pinyin} injected pinyin syllables")
    # decoding's non-ASCII characters serve while the text is still the decoded one
    text, script = to_simplified(text, wide=wide[1] if wide is not None and wide[0] is text else None)
    if _looks_like_html(text):
        page = _read_html(text)
    else:
        page = _read_text(text)
    warnings.extend(page.warnings)
    meta = page.metadata
    title = clean_title(meta.title) if meta.title else None
    region, year = region_and_year(title)
    if year is None:
        year = find_year(" ".join(page.body_lines[:5]))
    tables, t_warnings = page.tables
    warnings.extend(t_warnings)
    facts = tuple(f for t in tables for f in t.facts)
    template = _template(tables, facts, page.body_lines, year)
    check_is_report(title, page.body_lines, len(facts), location=location, markup=text)
    warnings.extend(_two_reports(page.body_lines, tables))
    checks = run_checks(template, facts)
    return Report(
        title=title,
        region=region,
        report_year=year,
        template=template,
        metadata=meta if meta.title == title else _with_title(meta, title),
        encoding=info,
        script=script,
        body_text="\n".join(page.body_lines),
        spam=page.spam,
        spam_links_removed=page.spam_links,
        tables=tuple(tables),
        checks=checks,
        warnings=tuple(dict.fromkeys(warnings)),
        family=page.family,
        parser_version=PARSER_VERSION,
        url=url,
    )


def _with_title(meta: Metadata, title: str | None) -> Metadata:
    from dataclasses import replace

    return replace(meta, title=title)


def _limit_size(text: str, location: str | None) -> str:
    """Drop inline ``data:`` images, then refuse a page too large to be a report page.
    Bounds time and memory: a 50 MB page would otherwise take a minute and a gigabyte."""
    if len(text) > 1_000_000 and "data:" in text:
        text = _DATA_URI.sub("data:,", text)
    if len(text) > MAX_PAGE_CHARS:
        raise ParseError(
            f"page too large: {len(text) / 1e6:.0f} million characters of text "
            f"(limit {MAX_PAGE_CHARS / 1e6:.0f} million; report pages hold a few million at most)",
            location=location,
        )
    return text


def _two_reports(body_lines: Sequence[str], tables: Sequence[Table]) -> list[str]:
    """A page that holds two reports (two issuers or years concatenated by a CMS, a mirror that
    appended another page) is read as one; say so, so the rows are not trusted blindly."""
    titles: dict[tuple[str, str], str] = {}
    for line in body_lines:
        if len(line) > 80 or "告" not in line:  # a title ends in 年度报告 (compact drops only spaces)
            continue
        m = _TITLE_LINE.match(compact(line))
        if m:
            titles.setdefault((m.group(1), m.group(2)), compact(line))
    if len(titles) >= 2:
        shown = "、".join(f"「{t}」" for t in list(titles.values())[:3])
        return [f"page holds two reports? {len(titles)} different report titles: {shown}; "
                "their tables are read as one report"]
    kinds = [t.kind for t in tables]
    for kind, name in (("t3", "表三 (申请 handling)"), ("t4", "表四 (复议/诉讼)")):
        if kinds.count(kind) >= 2:
            return [f"page holds two reports? {kinds.count(kind)} {name} tables; "
                    "their values are read as one report"]
    e1 = [t for t in tables if t.kind == "e1"]
    for a, b in zip(e1, e1[1:]):
        ids_a = {f.indicator_id for f in a.facts if f.indicator_id}
        ids_b = {f.indicator_id for f in b.facts if f.indicator_id}
        if len(ids_a) >= 10 and len(ids_b) >= 10 and len(ids_a & ids_b) * 2 >= min(len(ids_a), len(ids_b)):
            return [f"page holds two reports? statistics tables {a.table_no} and {b.table_no} "
                    "repeat the same rows; their values are read as one report"]
    return []


def _looks_like_html(text: str) -> bool:
    """Plain-text dumps (like the seed) may still hold a stray tag; real pages hold many, or
    open with ``<html>`` (a script-only challenge page has no other tag to count)."""
    if _HTML_START.match(text):
        return True
    found = _BLOCK_TAG.finditer(text, 0, 200000)
    return sum(1 for _ in itertools.islice(found, 3)) >= 3


class _Page:
    """What the DOM or text reader found; tables are read lazily from the kept parts."""

    __slots__ = ("body_lines", "family", "metadata", "spam", "spam_links", "tables", "warnings")

    def __init__(self) -> None:
        self.body_lines: list[str] = []
        self.family: str | None = None
        self.metadata = Metadata()
        self.spam: tuple[SpamBlock, ...] = ()
        self.spam_links = 0
        self.tables: tuple[list[Table], list[str]] = ([], [])
        self.warnings: list[str] = []


def _read_html(text: str) -> _Page:
    page = _Page()
    tree = LexborHTMLParser(text)
    head = read_head(tree)
    page.spam, page.spam_links = remove_spam(tree, text)
    root = tree.body or tree.root
    if root is None:
        raise NotAReport("empty page: no HTML body", kind="empty")
    # find_container only reads the tree, so it runs first: its walk also yields the page's
    # segments and the container's, which stay the body lines when strip_chrome removes nothing.
    stats = PageStats()  # find_container's measurements, reused by strip_chrome
    container, page.family = find_container(tree, stats)
    if stats.has(root.mem_id):
        segments, lines = stats.lines, stats.segments(container.mem_id)
    else:
        segments, lines = split_segments(root, container)
    page.metadata, mw = read_metadata(segments, head=head)
    page.warnings.extend(mw)
    removed: list[int] = []  # strip_chrome's removals, by preorder index in stats
    if strip_chrome(container, stats, removed) or lines is None:
        # removed blocks just lose their lines; other removals make the lines be read again
        patched = stats.segments_without(container.mem_id, removed) if lines is not None else None
        lines = patched if patched is not None else list(iter_segments(container))
    page.body_lines = [s for s in lines if not is_chrome_line(s)]
    page.tables = _read_dom_tables(container, page.body_lines)
    return page


def _read_text(text: str) -> _Page:
    page = _Page()
    # A line the substitution empties may merge "\r" and "\n": it is dropped anyway.
    lines = _normalized_lines(_TEXT_TAGS.sub("", text))
    lines, page.spam, page.spam_links = spam_lines(lines)
    page.metadata, mw = read_metadata(lines)
    page.warnings.extend(mw)
    page.body_lines = [s for s in lines if not is_chrome_line(s)]
    page.tables = _read_text_tables(page.body_lines, first_no=1)
    return page


def _normalized_lines(text: str) -> list[str]:
    """The non-empty ``normalize_space(line)`` of ``text.splitlines()``, with the substitutions done
    once over the whole text instead of once per line: zero-width characters go first (none
    is a line break), then runs of the white space that is no line break become one space (the
    line breaks :data:`_WS` holds all end lines, so within a line the two classes agree)."""
    if any(c in text for c in _ZERO_WIDTH_CHARS):
        text = _ZERO_WIDTH.sub("", text)
    lines = [line.strip() for line in _INLINE_WS.sub(" ", text).splitlines()]
    return [line for line in lines if line]


def _table_title(node: LexborNode) -> str | None:
    """The short caption just before a table (``2017年度政府信息公开工作统计表``,
    ``二、主动公开政府信息情况``)."""
    cur: LexborNode | None = node
    for _ in range(4):
        if cur is None:
            return None
        prev = cur.prev
        while prev is not None:
            if prev.tag not in ("-text", "-comment") or (prev.text_content or "").strip():
                last = last_segment(prev)  # (walked backwards: a long article before it is not read)
                if last:
                    return last if len(last) <= 60 else None
            prev = prev.prev
        cur = cur.parent
    return None


def _read_dom_tables(container: LexborNode, body_lines: Sequence[str]) -> tuple[list[Table], list[str]]:
    """Group consecutive table pieces into logical tables and read each with its reader."""
    cat = era1_catalogue()
    warnings: list[str] = []
    pieces: list[tuple[str | None, list, LexborNode]] = []
    cells = 0
    for node in container.css("table"):
        if not is_leaf_table(node):
            continue
        if cells >= MAX_PAGE_CELLS:
            warnings.append(f"too many table cells on the page: tables after the first {len(pieces)} not read")
            break
        rows = table_rows(node)
        grid = grid_of_rows(rows)
        if not grid:
            continue
        cells += len(grid) * len(grid[0])
        if len(grid) < len(rows):
            warnings.append(f"table of {len(rows)} rows too large: only the first {len(grid)} rows read")
        kind = classify_grid(grid)
        if kind is None and is_era1_grid(grid, cat):
            kind = "e1"
        pieces.append((kind, grid, node))
    tables: list[Table] = []
    i = 0
    while i < len(pieces):
        kind, grid, node = pieces[i]
        if kind is None:
            i += 1
            continue
        group = [grid]
        j = i + 1
        while j < len(pieces) and pieces[j][0] in (None, kind) and (kind != "t2" or pieces[j][0] != "t3"):
            if pieces[j][0] is None and not _continuation(pieces[j][1], kind, cat):
                break
            group.append(pieces[j][1])
            j += 1
        table_no = len(tables) + 1
        title = _table_title(node)
        facts, w = _read_group(kind, group, table_no, title)
        warnings.extend(w)
        if facts:
            tables.append(Table(table_no, title, kind, tuple(facts)))
        i = j
    if not tables:
        text_tables, text_warnings = _read_text_tables(body_lines, first_no=1)
        return text_tables, warnings + text_warnings
    return tables, warnings


def _continuation(grid: list, kind: str, cat) -> bool:
    """A header-less piece continues the previous table when it looks like table rows."""
    if kind == "e1":
        return is_era1_grid(grid, cat) or sum(1 for row in grid if len(row) >= 2) >= 2
    return bool(grid) and len(grid[0]) >= 3


def _read_group(kind: str, grids: list, table_no: int, title: str | None) -> tuple[list[Fact], list[str]]:
    if kind == "e1":
        layout = None
        rows = []
        for g in grids:
            more, layout = grid_rows(g, layout)
            rows.extend(more)
        return rows_to_facts(rows, era1_catalogue(), table_no=table_no, title=title)
    return read_matrix(kind, grids, table_no=table_no, title=title)


def _read_text_tables(lines: Sequence[str], *, first_no: int) -> tuple[list[Table], list[str]]:
    """Tables flattened into lines: the era-1 form (统计指标 …) or era-2 (申请人情况 …)."""
    joined = "".join(compact(x) for x in lines[-400:]) if len(lines) > 400 else compact("".join(lines))
    if "统计指标" in joined or "指标名称" in joined:
        rows = text_rows(lines)
        if rows:
            facts, w = rows_to_facts(rows, era1_catalogue(), table_no=first_no, title=None)
            if facts:
                return [Table(first_no, None, "e1", tuple(facts))], w
    if any(m in joined for m in _ERA2_MARKERS) or "行政复议" in joined:
        facts2, w2 = read_matrix_text(lines, first_table_no=first_no)
        if facts2:
            by_no: dict[int, list[Fact]] = {}
            for f in facts2:
                by_no.setdefault(f.table_no, []).append(f)
            return [Table(n, fs[0].table_title, _kind_of(fs), tuple(fs)) for n, fs in by_no.items()], w2
    return [], []


def _kind_of(facts: Sequence[Fact]) -> str:
    """``t2``/``t3``/``t4`` from the cell ids a text-mode table produced."""
    for f in facts:
        if f.indicator_id and f.indicator_id[:3] in ("t2.", "t3.", "t4."):
            return f.indicator_id[:2]
    return "unknown"


def _template(tables: Sequence[Table], facts: Sequence[Fact], body_lines: Sequence[str], year: int | None) -> str:
    kinds = {t.kind for t in tables}
    if kinds & {"t2", "t3", "t4"}:
        return detect_template(facts) or _era2_by_year(year)
    if "e1" in kinds:
        ids = [f.indicator_id for f in facts if f.indicator_id]
        if ids and sum(i.startswith("e0.") for i in ids) > len(ids) / 2:
            return "local"
        if ids:
            return "2014-national"
        return "local"
    text = "".join(body_lines[:400])
    if any(m in text for m in _ERA2_MARKERS) and year and year >= 2019:
        return _era2_by_year(year)
    return "unknown"


def _era2_by_year(year: int | None) -> str:
    return "2021" if year is not None and year >= 2021 else "2019-trial"
