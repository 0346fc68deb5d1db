"""A thin Wayback Machine client: CDX search and raw (``id_``) captures, politely.

Copies the defaults of the maintained ``wayback`` library rather than depending on it (it is
sync and uses requests): CDX at about 0.4 requests/s, captures at about 8/s, and a real 429 is
*not* retried (that library's #146): archive.org answers a retry storm by blocking the address
for an hour, so the source stops cleanly and the run reports it. Captures are fetched in
``id_`` mode, which returns the original bytes with the site's headers as ``x-archive-orig-*``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from scraper.fetch import DEFAULT_RETRY_STATUSES, Fetcher, FetchResult

__all__ = [
    "DEFAULT_CDX_RATE",
    "DEFAULT_MEMENTO_RATE",
    "DEFAULT_WAYBACK_BASE",
    "CdxRecord",
    "WaybackClient",
    "WaybackConfig",
    "iter_html_or_attachments",
    "memento_time",
    "parse_cdx",
]

log = logging.getLogger("xxgk.wayback")

DEFAULT_WAYBACK_BASE = "https://web.archive.org"
DEFAULT_CDX_RATE = 0.4  # requests per second (80 % of archive.org's 30 / minute)
DEFAULT_MEMENTO_RATE = 8.0  # requests per second
DEFAULT_CDX_PAGE_SIZE = 1000
CDX_BUCKET = "wayback-cdx"
MEMENTO_BUCKET = "wayback-memento"
NO_429_RETRY = DEFAULT_RETRY_STATUSES - {429}
_MEMENTO_TS = re.compile(r"/web/(\d{14})[a-z_]*/")


@dataclass(frozen=True, slots=True)
class CdxRecord:
    """One CDX line.

    ``urlkey`` ``"cn,gov,baotou)/xxgk/2019.html"``; ``timestamp`` aware UTC datetime of the
    capture; ``original`` ``"http://www.baotou.gov.cn/xxgk/2019.html"``; ``mimetype``
    ``"text/html"``; ``statuscode`` 200 (None for ``-``); ``digest`` base32 SHA-1 of the payload;
    ``length`` compressed record size in bytes (None for ``-``).
    """

    urlkey: str
    timestamp: datetime
    original: str
    mimetype: str
    statuscode: int | None
    digest: str
    length: int | None

    @property
    def raw_timestamp(self) -> str:
        return self.timestamp.strftime("%Y%m%d%H%M%S")


@dataclass(frozen=True, slots=True)
class WaybackConfig:
    """Where the Wayback Machine is (tests point this at 127.0.0.1) and how fast to ask it."""

    base_url: str = DEFAULT_WAYBACK_BASE
    cdx_rate: float = DEFAULT_CDX_RATE  # 0 = no limit (tests)
    memento_rate: float = DEFAULT_MEMENTO_RATE
    page_size: int = DEFAULT_CDX_PAGE_SIZE


def parse_cdx(text: str, query: str) -> tuple[list[CdxRecord], str | None]:
    """Records and resume key of one CDX page (default space-separated format).

    Malformed lines are skipped with a warning naming the line and query, as wayback's
    ``skip_malformed_results`` does: one bad line must not lose a site's history.
    """
    body, _, resume = text.partition("\n\n")
    records = []
    for line in body.splitlines():
        if not line.strip():
            continue
        record = _parse_line(line)
        if record is None:
            log.warning("skipping malformed CDX line %r (query %s)", line[:200], query)
            continue
        records.append(record)
    return records, (resume.strip() or None)


def _parse_line(line: str) -> CdxRecord | None:
    fields = line.split(" ")
    if len(fields) != 7:
        return None
    urlkey, stamp, original, mimetype, status, digest, length = fields
    try:
        when = datetime.strptime(stamp.ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return CdxRecord(
        urlkey,
        when,
        original,
        mimetype,
        int(status) if status.isdigit() else None,
        digest,
        int(length) if length.isdigit() else None,
    )


class WaybackClient:
    """CDX search and capture download through a shared ``Fetcher`` (guard, limits, retries)."""

    def __init__(self, fetcher: Fetcher, config: WaybackConfig | None = None) -> None:
        self.fetcher = fetcher
        self.config = config or WaybackConfig()
        fetcher.set_bucket_delay(CDX_BUCKET, _interval(self.config.cdx_rate))
        fetcher.set_bucket_delay(MEMENTO_BUCKET, _interval(self.config.memento_rate))

    def cdx_url(
        self,
        url: str,
        *,
        match_type: str = "exact",
        from_: str | None = None,
        to: str | None = None,
        resume: str | None = None,
    ) -> str:
        params: dict[str, str] = {
            "url": url,
            "matchType": match_type,
            "collapse": "digest",
            "filter": "statuscode:200",
            "showResumeKey": "true",
            "limit": str(self.config.page_size),
        }
        if from_:
            params["from"] = from_
        if to:
            params["to"] = to
        if resume:
            params["resumeKey"] = resume
        return str(httpx.URL(self.config.base_url.rstrip("/") + "/cdx/search/cdx", params=params))

    async def search(
        self, url: str, *, match_type: str = "exact", from_: str | None = None, to: str | None = None
    ) -> list[CdxRecord]:
        """All captures of ``url`` (or under a prefix) between ``from_`` and ``to`` (yyyy[mm…]).

        Raises FetchStatusError(status=429) at once when rate limited; other errors after retries.
        """
        records: list[CdxRecord] = []
        resume: str | None = None
        while True:
            query = self.cdx_url(url, match_type=match_type, from_=from_, to=to, resume=resume)
            result = await self.fetcher.fetch(
                query, bucket=CDX_BUCKET, robots=False, retry_statuses=NO_429_RETRY
            )
            page, resume = parse_cdx(result.content.decode("utf-8", errors="replace"), query)
            records.extend(page)
            if not resume or not page:
                return records

    def memento_url(self, record: CdxRecord) -> str:
        return f"{self.config.base_url.rstrip('/')}/web/{record.raw_timestamp}id_/{record.original}"

    async def get_memento(self, record: CdxRecord) -> FetchResult:
        """The raw capture (``id_``); Wayback's redirect to the nearest capture is followed."""
        return await self.fetcher.fetch(
            self.memento_url(record), bucket=MEMENTO_BUCKET, robots=False, retry_statuses=NO_429_RETRY
        )


def memento_time(result: FetchResult, record: CdxRecord) -> datetime:
    """Capture time of what we actually got (after Wayback's redirects), else the CDX time."""
    match = _MEMENTO_TS.search(result.final_url)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return record.timestamp


def iter_html_or_attachments(records: list[CdxRecord]) -> Iterator[CdxRecord]:
    """Captures worth downloading: HTML pages and report attachments, status 200."""
    for record in records:
        mime = record.mimetype.lower()
        if record.statuscode not in (200, None):
            continue
        if (
            mime in ("text/html", "application/xhtml+xml", "unk", "application/octet-stream")
            or "pdf" in mime
            or "word" in mime
            or "excel" in mime
        ):
            yield record


def _interval(rate: float) -> float:
    return 0.0 if rate <= 0 else 1.0 / rate
