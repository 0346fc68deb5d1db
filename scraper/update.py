"""Fetch-and-store glue, and the cron run ``xxgk update``: discover → fetch new → parse → write.

Everything here is restartable: the archive is the only state, so a run killed at any point is
followed by a run that skips what is stored (catalogue), asks the server "changed?" for what it
revalidates (conditional GET), and redoes the rest. A lock file keeps two runs apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import time
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scraper.answers import not_the_page
from scraper.archive import Archive, Capture, CatalogueRow, content_kind
from scraper.discover import DEFAULT_MAX_PAGES, attachment_links, decode_listing, discover
from scraper.errors import ConfigError, FetchError, FetchStatusError, InputError, LockedError
from scraper.fetch import FetchConfig, Fetcher, FetchResult
from scraper.warcread import read_row_payload
from scraper.wayback import WaybackClient, WaybackConfig, iter_html_or_attachments, memento_time

__all__ = [
    "DEFAULT_ARCHIVE_DIR",
    "DEFAULT_OUT_DIR",
    "EXIT_ARCHIVE",
    "EXIT_FAILED",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_USAGE",
    "HarvestStats",
    "Source",
    "UpdateConfig",
    "UpdateSummary",
    "archive_lock",
    "harvest",
    "harvest_wayback",
    "load_sources",
    "run_update",
]

log = logging.getLogger("xxgk.update")

from scraper.defaults import (  # noqa: E402 - re-exported names
    DEFAULT_ARCHIVE_DIR,
    DEFAULT_OUT_DIR,
    EXIT_ARCHIVE,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
)

LOCK_NAME = ".xxgk.lock"
LOG_NAME = "update.log"
DEFAULT_IN_FLIGHT = 16  # tasks awaiting a host slot; politeness itself is per host


@dataclass
class HarvestStats:
    """Counts for the summary line; ``failures`` keeps (url, reason) for the report."""

    requested: int = 0
    stored: int = 0
    unchanged: int = 0
    duplicate: int = 0
    not_modified: int = 0
    known: int = 0
    attachments: int = 0
    not_the_page: int = 0  # Wayback captures of a challenge, soft 404 or empty body: skipped
    failures: list[tuple[str, str]] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def add(self, other: HarvestStats) -> None:
        for name in (
            "requested", "stored", "unchanged", "duplicate", "not_modified", "known", "attachments", "not_the_page",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures.extend(other.failures)
        self.stopped.extend(other.stopped)

    def line(self) -> str:
        kinds = Counter(_reason_kind(reason) for _, reason in self.failures)
        detail = f" ({', '.join(f'{k} {n}' for k, n in kinds.most_common())})" if kinds else ""
        return (
            f"{self.requested} URLs: {self.stored} stored, {self.duplicate} duplicate, {self.unchanged} unchanged, "
            f"{self.not_modified} not modified, {self.known} already archived, {self.failed} failed{detail}"
            f"{f', {self.not_the_page} captures not the page' if self.not_the_page else ''}"
            f"{'; stopped: ' + ', '.join(self.stopped) if self.stopped else ''}"
        )


@dataclass(frozen=True, slots=True)
class Source:
    """One ``[[source]]`` table of sources.toml."""

    name: str
    listings: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    pages: int = DEFAULT_MAX_PAGES
    wayback: tuple[str, ...] = ()
    match: str = "exact"
    from_: str | None = None
    to: str | None = None
    delay: float | None = None
    per_host: int | None = None
    attachments: bool = True
    revalidate: bool = False


@dataclass(frozen=True, slots=True)
class UpdateConfig:
    fetch: FetchConfig
    wayback: WaybackConfig
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class UpdateSummary:
    stats: HarvestStats
    parsed: bool
    parse_line: str
    exit_code: int
    elapsed_s: float

    def line(self) -> str:
        return f"update: {self.stats.line()}; {self.parse_line} ({self.elapsed_s:.1f}s)"


# -- sources.toml ---------------------------------------------------------------------------

_FETCH_KEYS = {
    "delay": ("delay_s", float),
    "per_host": ("per_host", int),
    "timeout": ("timeout_s", float),
    "deadline": ("deadline_s", float),
    "retries": ("retries", int),
    "backoff": ("backoff_s", float),
    "max_redirects": ("max_redirects", int),
    "max_bytes": ("max_body_bytes", int),
    "max_decompressed_bytes": ("max_decompressed_bytes", int),
    "user_agent": ("user_agent", str),
}
_WAYBACK_KEYS = {"base_url": str, "cdx_rate": float, "memento_rate": float, "page_size": int}
_SOURCE_KEYS = {
    "name",
    "listings",
    "urls",
    "pages",
    "wayback",
    "match",
    "from",
    "to",
    "delay",
    "per_host",
    "attachments",
    "revalidate",
}


def load_sources(path: Path, base: FetchConfig | None = None) -> UpdateConfig:
    """Read sources.toml strictly: unknown keys and wrong types are ConfigError (typos show)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read sources file: {exc}", location=str(path)) from exc
    _only(data, {"fetch", "wayback", "source"}, str(path))
    fetch = _fetch_config(data.get("fetch", {}), base or FetchConfig(), f"{path} [fetch]")
    wayback = _wayback_config(data.get("wayback", {}), f"{path} [wayback]")
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ConfigError("no [[source]] tables", location=str(path))
    sources = tuple(_source(raw, f"{path} [[source]] #{i + 1}") for i, raw in enumerate(raw_sources))
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise ConfigError("source names must be unique", location=str(path))
    return UpdateConfig(fetch, wayback, sources)


def _only(table: Any, allowed: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise ConfigError("expected a table", location=where)
    unknown = set(table) - allowed
    if unknown:
        raise ConfigError(f"unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})", location=where)


def _typed(value: Any, kind: type, key: str, where: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise ConfigError(f"{key} must be {kind.__name__}, not {value!r}", location=where)
    if kind in (int, float) and value < 0:
        raise ConfigError(f"{key} must not be negative", location=where)
    return value


def _fetch_config(table: Any, base: FetchConfig, where: str) -> FetchConfig:
    _only(table, set(_FETCH_KEYS), where)
    changes = {
        attr: _typed(table[key], kind, key, where)
        for key, (attr, kind) in _FETCH_KEYS.items()
        if key in table
    }
    return replace(base, **changes)


def _wayback_config(table: Any, where: str) -> WaybackConfig:
    _only(table, set(_WAYBACK_KEYS), where)
    return WaybackConfig(
        **{k: _typed(table[k], kind, k, where) for k, kind in _WAYBACK_KEYS.items() if k in table}
    )


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings", location=where)
    return tuple(value)


def _source(table: Any, where: str) -> Source:
    _only(table, _SOURCE_KEYS, where)
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError("every source needs a name", location=where)
    where = f"{where} ({name})"
    match = table.get("match", "exact")
    if match not in ("exact", "prefix", "host", "domain"):
        raise ConfigError(f"match must be exact, prefix, host or domain, not {match!r}", location=where)
    source = Source(
        name=name,
        listings=_strings(table, "listings", where),
        urls=_strings(table, "urls", where),
        pages=_typed(table.get("pages", DEFAULT_MAX_PAGES), int, "pages", where),
        wayback=_strings(table, "wayback", where),
        match=match,
        from_=str(table["from"]) if "from" in table else None,
        to=str(table["to"]) if "to" in table else None,
        delay=_typed(table["delay"], float, "delay", where) if "delay" in table else None,
        per_host=_typed(table["per_host"], int, "per_host", where) if "per_host" in table else None,
        attachments=_typed(table.get("attachments", True), bool, "attachments", where),
        revalidate=_typed(table.get("revalidate", False), bool, "revalidate", where),
    )
    if not (source.listings or source.urls or source.wayback):
        raise ConfigError("a source needs listings, urls or wayback", location=where)
    return source


# -- harvesting -----------------------------------------------------------------------------


class _Harvester:
    """Fetch URLs into the archive; follow report pages' attachment links one level."""

    def __init__(
        self, archive: Archive, fetcher: Fetcher, *, source: str, attachments: bool, skip_known: bool
    ) -> None:
        self.archive = archive
        self.fetcher = fetcher
        self.source = source
        self.attachments = attachments
        self.skip_known = skip_known
        self.stats = HarvestStats()
        self._seen: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._in_flight = asyncio.Semaphore(DEFAULT_IN_FLIGHT)

    def schedule(self, url: str, *, attachment: bool = False) -> None:
        if url in self._seen:
            return
        self._seen.add(url)
        task = asyncio.create_task(self._one(url, attachment))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks))

    async def _one(self, url: str, attachment: bool) -> None:
        async with self._in_flight:
            self.stats.requested += 1
            previous = self.archive.latest(url)
            if previous is not None and self.skip_known:
                self.stats.known += 1
                self._follow_stored(previous)
                return
            try:
                result = await self.fetcher.fetch(
                    url,
                    etag=previous.etag if previous else None,
                    last_modified=previous.last_modified if previous else None,
                )
            except FetchError as exc:
                status = exc.status if isinstance(exc, FetchStatusError) else None
                self._fail(url, exc.message, status=status, attachment=attachment)
                return
        self._handle(url, result, previous, attachment)

    def _handle(self, url: str, result: FetchResult, previous: CatalogueRow | None, attachment: bool) -> None:
        if result.not_modified:
            if previous is None:
                self._fail(url, "HTTP 304 without a stored copy", status=304, attachment=attachment)
                return
            self.stats.not_modified += 1
            self._follow_stored(previous)
            return
        kind = content_kind(result.header("content-type"), result.final_url, result.content)
        if kind == "other":
            self._fail(
                url,
                f"unexpected content type {result.header('content-type')!r}",
                status=result.status,
                attachment=attachment,
            )
            return
        if kind == "html":
            problem = not_the_page(result.content, _headers(result), url=result.final_url)
            if problem is not None:
                self._fail(
                    url,
                    f"not the page: {problem} (HTTP {result.status}); not stored, asked again next run",
                    status=result.status,
                    attachment=attachment,
                )
                return
        is_attachment = attachment or kind == "attachment"
        outcome, _row = self.archive.store(_capture(result, source=self.source, attachment=is_attachment))
        setattr(self.stats, outcome, getattr(self.stats, outcome) + 1)
        self.stats.attachments += int(is_attachment and outcome == "stored")
        log.info("%s %s (%d bytes, %d attempts)", outcome, url, len(result.content), result.attempts)
        if kind == "html" and not attachment:
            self._follow(result.content, _headers(result), result.final_url)

    def _follow_stored(self, row: CatalogueRow) -> None:
        """Attachments of a page we did not refetch: links come from the archived copy."""
        if not self.attachments or row.attachment:
            return
        try:
            body = read_row_payload(self.archive.root, row)
        except InputError as exc:
            log.warning("cannot re-read %s: %s", row.url, exc)
            return
        if content_kind(row.content_type, row.final_url or row.url, body) == "html":
            self._follow(body, {"content-type": row.content_type or ""}, row.final_url or row.url)

    def _follow(self, content: bytes, headers: dict[str, str], page_url: str) -> None:
        if self.attachments:
            for link in attachment_links(decode_listing(content, headers), page_url):
                self.schedule(link, attachment=True)

    def _fail(self, url: str, reason: str, *, status: int | None, attachment: bool) -> None:
        log.info("gave up %s: %s", url, reason)
        self.stats.failures.append((url, reason))
        self.archive.record_failure(url, reason, source=self.source, status=status, attachment=attachment)


def _headers(result: FetchResult) -> dict[str, str]:
    return {k.lower(): v for k, v in result.headers}


def _capture(result: FetchResult, *, source: str, attachment: bool, **extra: Any) -> Capture:
    note = "redirects: " + " -> ".join((result.url, *result.redirects)) if result.redirects else None
    return Capture(
        url=result.url,
        target_uri=result.final_url,
        status=result.status,
        http_version=result.http_version,
        headers=result.headers,
        request_headers=result.request_headers,
        body=result.body,
        sha256=result.sha256,
        fetched_at=result.fetched_at,
        reason_phrase=result.reason_phrase,
        source=source,
        attachment=attachment,
        note=extra.pop("note", note),
        **extra,
    )


async def harvest(
    urls: Sequence[str],
    archive: Archive,
    fetcher: Fetcher,
    *,
    source: str = "cli",
    attachments: bool = True,
    skip_known: bool = False,
) -> HarvestStats:
    """Fetch ``urls`` (and their attachments) into ``archive``; every outcome lands in stats."""
    harvester = _Harvester(archive, fetcher, source=source, attachments=attachments, skip_known=skip_known)
    for url in dict.fromkeys(urls):
        harvester.schedule(url)
    await harvester.wait()
    return harvester.stats


async def harvest_wayback(
    prefix: str,
    archive: Archive,
    client: WaybackClient,
    *,
    source: str,
    match_type: str = "exact",
    from_: str | None = None,
    to: str | None = None,
) -> HarvestStats:
    """Store every not-yet-seen capture of ``prefix``; a 429 stops this source (no retry storm)."""
    stats = HarvestStats()
    try:
        records = await client.search(prefix, match_type=match_type, from_=from_, to=to)
    except FetchError as exc:
        _wayback_failure(archive, stats, prefix, exc, source)
        return stats
    for record in iter_html_or_attachments(records):
        seen_key = f"wayback-seen:{record.original}@{record.raw_timestamp}"
        if archive.get_state(seen_key):
            stats.known += 1
            continue
        stats.requested += 1
        try:
            result = await client.get_memento(record)
        except FetchError as exc:
            if _wayback_failure(archive, stats, record.original, exc, source):
                return stats
            continue
        kind = content_kind(result.header("content-type"), record.original, result.content)
        if kind == "other":
            archive.set_state(seen_key, "skipped: not HTML or an attachment")
            continue
        problem = not_the_page(result.content, _headers(result), url=record.original) if kind == "html" else None
        if problem is not None:  # the archive kept a challenge or a soft 404: other captures may be the page
            stats.not_the_page += 1
            archive.set_state(seen_key, f"skipped: not the page: {problem}")
            log.info("skipped memento %s: not the page: %s", result.final_url, problem)
            continue
        capture = _capture(
            replace(result, url=record.original, final_url=record.original),
            source=source,
            attachment=kind == "attachment",
            captured_at=memento_time(result, record),
            note=f"memento {result.final_url}",
            extra_warc_headers=(("WARC-Source-URI", result.final_url),),
        )
        outcome, _row = archive.store(capture)
        setattr(stats, outcome, getattr(stats, outcome) + 1)
        archive.set_state(seen_key, outcome)
    return stats


def _wayback_failure(archive: Archive, stats: HarvestStats, url: str, exc: FetchError, source: str) -> bool:
    """Record a failure; True when it was a rate limit and the source must stop."""
    status = exc.status if isinstance(exc, FetchStatusError) else None
    limited = status == 429
    reason = "Wayback rate limit (HTTP 429): source stopped" if limited else exc.message
    stats.failures.append((url, reason))
    archive.record_failure(url, reason, source=source, status=status)
    if limited:
        stats.stopped.append(source)
        log.error("%s: %s", source, reason)
    return limited


# -- the cron run ---------------------------------------------------------------------------


@contextlib.contextmanager
def archive_lock(archive_dir: Path) -> Iterator[None]:
    """Exclusive lock on the archive; the kernel drops it if the process dies (kill -9 safe)."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    path = archive_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            holder = os.pread(fd, 64, 0).decode("ascii", errors="replace").strip() or "?"
            raise LockedError(f"another xxgk run (pid {holder}) holds the lock", location=str(path)) from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


async def _update_sources(config: UpdateConfig, archive: Archive) -> HarvestStats:
    total = HarvestStats()
    for source in config.sources:
        fetch_config = replace(
            config.fetch,
            delay_s=config.fetch.delay_s if source.delay is None else source.delay,
            per_host=config.fetch.per_host if source.per_host is None else source.per_host,
        )
        async with Fetcher(fetch_config) as fetcher:
            urls = list(source.urls)
            for listing in source.listings:
                found = await discover(fetcher, listing, max_pages=source.pages)
                urls.extend(link.url for link in found.reports)
                for page, reason in found.errors:
                    total.failures.append((page, f"listing: {reason}"))
            stats = await harvest(
                urls,
                archive,
                fetcher,
                source=source.name,
                attachments=source.attachments,
                skip_known=not source.revalidate,
            )
            client = WaybackClient(fetcher, config.wayback)
            for prefix in source.wayback:
                stats.add(
                    await harvest_wayback(
                        prefix,
                        archive,
                        client,
                        source=f"wayback:{source.name}",
                        match_type=source.match,
                        from_=source.from_,
                        to=source.to,
                    )
                )
        log.info("source %s: %s", source.name, stats.line())
        total.add(stats)
    return total


def _parse(archive: Archive, out_dir: Path, *, force: bool, jobs: int | None) -> tuple[bool, str, int]:
    """Re-parse the archive into ``out_dir`` when the archive changed since the last parse."""
    key = f"parsed:{out_dir.resolve()}"
    marker = archive.stored_marker()
    if not force and archive.get_state(key) == marker and out_dir.exists() and any(out_dir.iterdir()):
        return False, "nothing new: outputs kept", EXIT_OK
    from scraper.pipeline import parse_paths

    summary = parse_paths([archive.root], out_dir, jobs=jobs, quiet=True)
    archive.set_state(key, marker)
    line = f"parsed {summary.pages} pages: {summary.ok} ok, {summary.skipped} skipped, {summary.failed} failed → {out_dir}"
    return True, line, int(summary.exit_code)


def run_update(
    config: UpdateConfig,
    archive_dir: Path,
    out_dir: Path,
    *,
    log_file: Path | None = None,
    reparse: bool = False,
    jobs: int | None = None,
) -> UpdateSummary:
    """One cron run. Raises LockedError, ArchiveError/WriteError (fatal); per-URL failures are counted."""
    started = time.monotonic()
    archive_dir = Path(archive_dir)
    with (
        archive_lock(archive_dir),
        _log_to(log_file or archive_dir / LOG_NAME),
        Archive(archive_dir) as archive,
    ):
        log.info("update started: %d sources", len(config.sources))
        stats = asyncio.run(_update_sources(config, archive))
        parsed, parse_line, parse_code = _parse(archive, Path(out_dir), force=reparse, jobs=jobs)
        code = max(parse_code, EXIT_FAILED if stats.failures else EXIT_OK)
        summary = UpdateSummary(stats, parsed, parse_line, code, time.monotonic() - started)
        log.info("%s", summary.line())
    return summary


@contextlib.contextmanager
def _log_to(path: Path) -> Iterator[None]:
    """Append INFO and above from every ``xxgk.*`` logger to the run's log file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("xxgk")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
        handler.close()


def _reason_kind(reason: str) -> str:
    lowered = reason.lower()
    for marker, kind in (
        ("not the page", "not-the-page"), ("robots", "robots"), ("non-public", "private-address"), ("redirect", "redirect"), ("timeout", "timeout"),
        ("no complete answer", "timeout"), ("truncated", "truncated"), ("connection", "connection"),
        ("exceeds", "too-large"), ("content type", "content-type"), ("http ", "http-status"), ("rate limit", "rate-limit"),
    ):  # fmt: skip
        if marker in lowered:
            return kind
    return "other"
