"""Find annual-report URLs on a site's listing pages (年度报告 column), following pagination.

Sites publish one report per year under a listing such as ``.../xxgknb/index.html``; the
titles are regular enough (``2019年XX区政府信息公开工作年度报告``, ``二〇一九年度…年报``,
Traditional ``…資訊公開…年度報告`` on mirrors) that a title pattern finds them without
per-site code. Pagination comes as "下一页" links or TRS's ``createPageHTML(n, i, "index",
"html")`` script, which means pages ``index_1.html`` … ``index_{n-1}.html``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from scraper.archive import ATTACHMENT_EXTENSIONS
from scraper.errors import FetchError
from scraper.fetch import Fetcher

__all__ = [
    "DEFAULT_MAX_PAGES",
    "Discovery",
    "Link",
    "attachment_links",
    "decode_listing",
    "discover",
    "extract_links",
    "is_report_title",
    "next_pages",
]

log = logging.getLogger("xxgk.discover")

from scraper.defaults import DEFAULT_MAX_PAGES  # noqa: E402 - re-exported

_YEAR = r"(?:(?:19|20)\d{2}|[〇零○Ｏ一二三四五六七八九]{4}|[０-９]{4})"
_DISCLOSURE = r"(?:信息|资讯|資訊|資信|政务|政務)?公[开開]"
_REPORT = r"(?:年度?[报報]告|年[报報]|工作[报報]告|[报報]告)"
REPORT_TITLE_PATTERNS = (
    re.compile(_YEAR + r"\s*年?度?.{0,40}?" + _DISCLOSURE + r".{0,20}?" + _REPORT),
    re.compile(_DISCLOSURE + r".{0,20}?" + _REPORT + r".{0,6}?" + _YEAR),
)
NEXT_PAGE_TEXTS = frozenset(
    {"下一页", "下页", "下一頁", "下頁", "后一页", "next", "next page", ">", "›", "»"}
)
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]"
)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")


@dataclass(frozen=True, slots=True)
class Link:
    """A link found on a listing page: absolute URL, its visible title, where it was found."""

    url: str
    title: str
    found_on: str


@dataclass(frozen=True, slots=True)
class Discovery:
    """What one listing yielded: report links in page order, pages read, pages that failed."""

    reports: tuple[Link, ...]
    pages: tuple[str, ...]
    errors: tuple[tuple[str, str], ...]


def decode_listing(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Text of a listing page, via the parser's decoder when it is available.

    The fallback (utf-8, else gb18030) is enough for link titles; charset details matter only
    for report pages, which the parser decodes itself.
    """
    try:
        from parsers.decode import decode_html
    except ImportError:
        decode_html = None
    if decode_html is not None:
        try:
            return str(decode_html(body, dict(headers or {})).text)
        except Exception as exc:  # the parser's decoder is foreign code: fall back, never crash discovery
            log.debug("decode_html failed (%s); using fallback", exc)
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("gb18030", errors="replace")


def is_report_title(title: str) -> bool:
    """True when a link title looks like a 政府信息公开工作年度报告 (any script, any year form)."""
    compact = re.sub(r"\s+", "", title)
    return any(p.search(compact) for p in REPORT_TITLE_PATTERNS)


def extract_links(html: str, page_url: str) -> list[Link]:
    """Every ``<a href>`` as an absolute URL (``<base href>`` honoured), title = text or title attr."""
    tree = HTMLParser(html)
    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None and base_node.attributes.get("href"):
        base = urljoin(page_url, (base_node.attributes.get("href") or "").strip())
    links: list[Link] = []
    for node in tree.css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = _absolute(base, href)
        if url is None:
            continue
        text = re.sub(r"\s+", " ", node.text(deep=True, separator="")).strip()
        title = (node.attributes.get("title") or "").strip()
        links.append(Link(url, title if len(title) > len(text) else text, page_url))
    return links


def next_pages(html: str, page_url: str, links: list[Link]) -> list[str]:
    """Listing pages after this one: "下一页" links and TRS ``createPageHTML`` pagination."""
    pages = [link.url for link in links if link.title.strip().lower() in NEXT_PAGE_TEXTS]
    match = _CREATE_PAGE.search(html)
    if match:
        count, _current, stem, ext = int(match.group(1)), int(match.group(2)), match.group(3), match.group(4)
        pages.extend(urljoin(page_url, f"{stem}_{i}.{ext}") for i in range(1, count))
    return pages


def attachment_links(html: str, page_url: str) -> list[str]:
    """PDF / DOC / XLS links on a report page (archived and flagged, never parsed)."""
    seen: dict[str, None] = {}
    for link in extract_links(html, page_url):
        ext = os.path.splitext(urlsplit(link.url).path)[1].lower()
        if ext in ATTACHMENT_EXTENSIONS:
            seen.setdefault(link.url, None)
    return list(seen)


async def discover(fetcher: Fetcher, listing_url: str, *, max_pages: int = DEFAULT_MAX_PAGES) -> Discovery:
    """Read up to ``max_pages`` listing pages from ``listing_url`` and collect report links."""
    queue, seen_pages = [listing_url], {listing_url}
    reports: dict[str, Link] = {}
    read: list[str] = []
    errors: list[tuple[str, str]] = []
    while queue and len(read) < max_pages:
        page = queue.pop(0)
        try:
            result = await fetcher.fetch(page)
        except FetchError as exc:
            errors.append((page, exc.message))
            log.info("listing page failed: %s", exc)
            continue
        read.append(page)
        headers = {k.lower(): v for k, v in result.headers}
        html = decode_listing(result.content, headers)
        links = extract_links(html, result.final_url)
        for link in links:
            if is_report_title(link.title) and link.url not in reports:
                reports[link.url] = link
        for nxt in next_pages(html, result.final_url, links):
            if nxt not in seen_pages:
                seen_pages.add(nxt)
                queue.append(nxt)
    return Discovery(tuple(reports.values()), tuple(read), tuple(errors))


def _absolute(base: str, href: str) -> str | None:
    try:
        parts = urlsplit(urljoin(base, href))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit(parts._replace(fragment=""))
