"""Polite async HTTP fetching that keeps the bytes exactly as the server sent them.

Why our own loop instead of httpx defaults: every redirect hop must pass the address guard and
robots.txt, retries must back off per host and honour ``Retry-After``, and body size must be
capped both on the wire and after gzip inflation (a 1 MB gzip bomb can inflate to gigabytes).
Bodies are never charset-decoded here: the parser does that later with the HTTP charset, which
is why the raw payload and headers are returned intact (``FetchResult.body``).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import hashlib
import logging
import random
import ssl
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx
from protego import Protego

from scraper import __version__
from scraper.errors import FetchBlocked, FetchError, FetchStatusError, FetchTimeout, FetchTooLarge
from scraper.netguard import PinnedBackend, UrlGuard

__all__ = [
    "DEFAULT_DEADLINE_S",
    "DEFAULT_DELAY_S",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_DECOMPRESSED_BYTES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_PER_HOST",
    "DEFAULT_RETRIES",
    "DEFAULT_RETRY_STATUSES",
    "DEFAULT_TIMEOUT_S",
    "DEFAULT_USER_AGENT",
    "FetchConfig",
    "FetchResult",
    "Fetcher",
]

log = logging.getLogger("xxgk.fetch")

from scraper.defaults import (  # noqa: E402 - re-exported names
    DEFAULT_DELAY_S,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_PER_HOST,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_S,
)

DEFAULT_USER_AGENT = (
    f"xxgk/{__version__} (research crawler for government information-disclosure annual reports)"
)
DEFAULT_ROBOTS_AGENT = "xxgk"
DEFAULT_DEADLINE_S = 120.0  # one whole attempt, so a trickling body cannot hold us forever
DEFAULT_BACKOFF_S = 1.0  # first backoff; doubles per attempt, plus jitter
DEFAULT_BACKOFF_MAX_S = 60.0
DEFAULT_MAX_RETRY_AFTER_S = 300.0  # a longer Retry-After means "not today": give up
DEFAULT_MAX_REDIRECTS = 10
DEFAULT_MAX_DECOMPRESSED_BYTES = 200 * 1024 * 1024
DEFAULT_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512 * 1024
MAX_CRAWL_DELAY_S = 60.0  # a robots.txt Crawl-delay above this is capped, not obeyed literally


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Politeness, limits and retry policy for one run (flags > sources.toml > defaults)."""

    user_agent: str = DEFAULT_USER_AGENT
    robots_agent: str = DEFAULT_ROBOTS_AGENT
    delay_s: float = DEFAULT_DELAY_S
    per_host: int = DEFAULT_PER_HOST
    timeout_s: float = DEFAULT_TIMEOUT_S
    deadline_s: float = DEFAULT_DEADLINE_S
    retries: int = DEFAULT_RETRIES
    backoff_s: float = DEFAULT_BACKOFF_S
    backoff_max_s: float = DEFAULT_BACKOFF_MAX_S
    max_retry_after_s: float = DEFAULT_MAX_RETRY_AFTER_S
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES
    obey_robots: bool = True
    retry_statuses: frozenset[int] = DEFAULT_RETRY_STATUSES
    guard: UrlGuard = field(default_factory=UrlGuard)
    verify_tls: bool = True
    legacy_tls: bool = True  # accept the old ciphers/renegotiation many gov.cn servers still use


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One final response. ``body`` is the payload as transmitted (de-chunked, still
    content-encoded); ``content`` is the same with gzip/deflate removed (still bytes, never
    charset-decoded); ``sha256`` is over ``content`` so it matches ``PageSource.sha256``."""

    url: str
    final_url: str
    status: int
    http_version: str
    headers: tuple[tuple[str, str], ...]
    request_headers: tuple[tuple[str, str], ...]
    body: bytes
    content: bytes
    fetched_at: datetime
    elapsed_s: float
    attempts: int
    redirects: tuple[str, ...] = ()
    reason_phrase: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def header(self, name: str) -> str | None:
        """First value of a response header, case-insensitively."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _HostGate:
    """Per-host concurrency limit plus a minimum interval between request starts."""

    def __init__(self, per_host: int, delay_s: float) -> None:
        self._sem = asyncio.Semaphore(max(1, per_host))
        self._lock = asyncio.Lock()
        self.delay_s = delay_s
        self._next_at = 0.0

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._sem:
            async with self._lock:
                wait = self._next_at - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_at = time.monotonic() + self.delay_s
            yield

    def hold_off(self, seconds: float) -> None:
        """Keep every request to this host waiting (Retry-After applies to the host)."""
        self._next_at = max(self._next_at, time.monotonic() + seconds)


class _Attempt(Exception):
    """Internal: one attempt failed; ``retry`` says whether another may help."""

    def __init__(self, error: FetchError, *, retry: bool, wait_s: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry = retry
        self.wait_s = wait_s


class Fetcher:
    """Async fetcher around one ``httpx.AsyncClient``; use as ``async with Fetcher(cfg) as f``.

    ``bucket`` names a politeness bucket other than the host (the Wayback client uses separate
    buckets for CDX and captures, as the maintained ``wayback`` library does).
    """

    def __init__(self, config: FetchConfig | None = None, *, client: httpx.AsyncClient | None = None) -> None:
        self.config = config or FetchConfig()
        self._client = client
        self._own_client = client is None
        self._gates: dict[str, _HostGate] = {}
        self._bucket_delays: dict[str, float] = {}
        self._robots: dict[str, Protego | FetchError] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        if self._client is None:
            context = _tls_context(self.config.verify_tls, self.config.legacy_tls)
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.config.timeout_s),
                follow_redirects=False,
                verify=context,
                headers={"user-agent": self.config.user_agent, "accept-encoding": "gzip, deflate"},
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
            _pin_addresses(self._client, context, self.config.guard)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    def set_bucket_delay(self, bucket: str, delay_s: float) -> None:
        """Minimum interval for a named bucket (e.g. ``wayback-cdx`` = 1 / 0.4 s)."""
        self._bucket_delays[bucket] = delay_s

    def _gate(self, key: str) -> _HostGate:
        gate = self._gates.get(key)
        if gate is None:
            delay = self._bucket_delays.get(key, self.config.delay_s)
            gate = self._gates[key] = _HostGate(self.config.per_host, delay)
        return gate

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        bucket: str | None = None,
        robots: bool | None = None,
        retry_statuses: frozenset[int] | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` following redirects ourselves; 2xx and 304 return, anything else raises.

        ``etag`` / ``last_modified`` make it a conditional GET; a 304 comes back with an empty
        body. Raises FetchBlocked, FetchTimeout, FetchStatusError, FetchTooLarge or FetchError,
        each with the URL and a reason.
        """
        check_robots = self.config.obey_robots if robots is None else robots
        conditional = {}
        if etag:
            conditional["if-none-match"] = etag
        if last_modified:
            conditional["if-modified-since"] = last_modified
        seen = {url}
        redirects: list[str] = []
        current = _strip_fragment(url)
        started = time.monotonic()
        while True:
            try:
                await self._admit(current, check_robots)
            except FetchError as exc:
                if current != url:
                    exc.message = f"redirect to {current}: {exc.message}"
                    exc.args = (exc.message,)
                exc.url = exc.location = url
                raise
            result = await self._with_retries(
                url, current, conditional, bucket, retry_statuses or self.config.retry_statuses, max_bytes
            )
            location = result.header("location")
            if result.status not in REDIRECT_STATUSES or not location:
                break
            target = _strip_fragment(urljoin(current, location.strip()))
            if target in seen:
                raise FetchBlocked(f"redirect loop at {target}", url=url, reason="redirect-loop")
            if len(redirects) >= self.config.max_redirects:
                raise FetchBlocked(
                    f"more than {self.config.max_redirects} redirects", url=url, reason="too-many-redirects"
                )
            seen.add(target)
            redirects.append(target)
            current = target
        return _finish(result, url, tuple(redirects), time.monotonic() - started)

    async def _admit(self, url: str, check_robots: bool) -> None:
        """Scheme, address and robots.txt checks; all before any connection to ``url``."""
        await asyncio.to_thread(self.config.guard.check, url)
        if check_robots:
            await self._check_robots(url)

    async def _with_retries(
        self,
        original: str,
        url: str,
        extra: dict[str, str],
        bucket: str | None,
        retry_statuses: frozenset[int],
        max_bytes: int | None,
    ) -> FetchResult:
        gate = self._gate(bucket or (urlsplit(url).hostname or ""))
        attempts = self.config.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                async with gate.slot():
                    result = await self._attempt(url, extra, retry_statuses, max_bytes)
                return replace(result, attempts=attempt)
            except _Attempt as failed:
                if not failed.retry or attempt == attempts:
                    err = failed.error
                    err.url = err.location = original
                    if url != original:
                        err.message = f"after redirect to {url}: {err.message}"
                    if failed.retry:
                        err.message = f"{err.message} (gave up after {attempt} attempts)"
                    err.args = (err.message,)
                    raise err from failed.__cause__
                wait = failed.wait_s if failed.wait_s is not None else self._backoff(attempt)
                if failed.wait_s is not None:
                    gate.hold_off(wait)
                log.info("retry %s in %.2fs: %s", url, wait, failed.error.message)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter on top, so parallel runs do not synchronise."""
        base = min(self.config.backoff_max_s, self.config.backoff_s * 2 ** (attempt - 1))
        return base + random.uniform(0, self.config.backoff_s)

    async def _attempt(
        self, url: str, extra: dict[str, str], retry_statuses: frozenset[int], max_bytes: int | None
    ) -> FetchResult:
        assert self._client is not None, "use Fetcher as an async context manager"
        began = time.monotonic()
        try:
            async with asyncio.timeout(self.config.deadline_s):
                async with self._client.stream("GET", url, headers=extra) as response:
                    body = await self._read_capped(url, response, max_bytes)
        except TimeoutError as exc:
            raise _Attempt(
                FetchTimeout(f"no complete answer within {self.config.deadline_s}s", url=url), retry=True
            ) from exc
        except httpx.TimeoutException as exc:
            raise _Attempt(FetchTimeout(f"timeout ({type(exc).__name__})", url=url), retry=True) from exc
        except (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL) as exc:
            raise _Attempt(FetchError(f"request failed: {exc}", url=url), retry=False) from exc
        except FetchBlocked as exc:  # from PinnedBackend: the name now resolves to a refused address
            exc.url = exc.location = url
            raise _Attempt(exc, retry=False) from exc
        except httpx.TransportError as exc:
            reason = _transport_reason(exc)
            raise _Attempt(FetchError(reason, url=url), retry=True) from exc
        result = _result(url, response, body, began)
        self._check_status(url, result, retry_statuses)
        try:
            content = _decode_content(
                url, body, result.header("content-encoding"), self.config.max_decompressed_bytes
            )
        except FetchError as exc:
            raise _Attempt(exc, retry=False) from exc
        return replace(result, content=content)

    async def _read_capped(self, url: str, response: httpx.Response, max_bytes: int | None) -> bytes:
        limit = max_bytes or self.config.max_body_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _Attempt(
                FetchTooLarge(f"Content-Length {declared} exceeds {limit} bytes", url=url), retry=False
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > limit:
                raise _Attempt(FetchTooLarge(f"body exceeds {limit} bytes", url=url), retry=False)
            chunks.append(chunk)
        return b"".join(chunks)

    def _check_status(self, url: str, result: FetchResult, retry_statuses: frozenset[int]) -> None:
        status = result.status
        if 200 <= status < 300 or status == 304 or status in REDIRECT_STATUSES:
            return
        error = FetchStatusError(f"HTTP {status}", url=url, status=status)
        if status not in retry_statuses:
            raise _Attempt(error, retry=False)
        wait = _retry_after(result.header("retry-after")) if status in (429, 503) else None
        if wait is not None and wait > self.config.max_retry_after_s:
            error.message = (
                f"HTTP {status} with Retry-After {wait:.0f}s (more than {self.config.max_retry_after_s:.0f}s)"
            )
            error.args = (error.message,)
            raise _Attempt(error, retry=False)
        raise _Attempt(error, retry=True, wait_s=wait)

    async def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin)
        rules = self._robots[origin]
        if not isinstance(rules, FetchError):
            self._apply_crawl_delay(parts.hostname or "", rules)
        if isinstance(rules, FetchError):
            raise FetchBlocked(
                f"robots.txt unavailable ({rules.message}); not fetching", url=url, reason="robots"
            )
        if not rules.can_fetch(url, self.config.robots_agent):
            raise FetchBlocked("disallowed by robots.txt", url=url, reason="robots")

    def _apply_crawl_delay(self, host: str, rules: Protego) -> None:
        """A site's ``Crawl-delay`` can only slow us down (capped), never speed us up."""
        asked = rules.crawl_delay(self.config.robots_agent)
        if asked:
            gate = self._gate(host)
            gate.delay_s = max(gate.delay_s, min(float(asked), MAX_CRAWL_DELAY_S))

    async def _load_robots(self, origin: str) -> Protego | FetchError:
        """RFC 9309: 4xx means no rules; 5xx or unreachable means assume disallow-all.

        429 counts as unavailable, not as "no rules": a site that is rate-limiting us must not
        get more traffic because of it."""
        try:
            result = await self.fetch(f"{origin}/robots.txt", robots=False, max_bytes=ROBOTS_MAX_BYTES)
        except FetchStatusError as exc:
            if 400 <= exc.status < 500 and exc.status != 429:
                return Protego.parse("")
            return exc
        except FetchError as exc:
            return exc
        return Protego.parse(result.content.decode("utf-8", errors="replace"))


def _pin_addresses(client: httpx.AsyncClient, context: ssl.SSLContext, guard: UrlGuard) -> None:
    """Rebuild the client's direct connection pool on ``PinnedBackend``, so connections go only
    to addresses the guard checked. httpx takes no network backend, so the pool it made is
    replaced by an equal one that has it; ``_transport`` and ``_pool`` are where httpx 0.28
    keeps them (a test fails if they move). Transports that httpx mounted for proxies from the
    environment are left as they are: the proxy resolves names there."""
    transport = getattr(client, "_transport", None)
    if not isinstance(getattr(transport, "_pool", None), httpcore.AsyncConnectionPool):  # pragma: no cover
        raise RuntimeError("httpx no longer keeps its connection pool where _pin_addresses expects it")
    transport._pool = httpcore.AsyncConnectionPool(  # type: ignore[union-attr]
        ssl_context=context,
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=PinnedBackend(guard),
    )


def _tls_context(verify: bool, legacy: bool) -> ssl.SSLContext:
    """Certificate checks stay on, but OpenSSL 3's refusal of SECLEVEL-0 ciphers and of servers
    without secure renegotiation (RFC 5746) is relaxed: many county-level gov.cn servers need it."""
    try:
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - httpx depends on certifi
        context = ssl.create_default_context()
    if legacy:
        context.set_ciphers("DEFAULT:@SECLEVEL=1")
        context.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0x4)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment=""))


def _transport_reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.RemoteProtocolError) and (
        "incomplete" in text or "without sending complete" in text
    ):
        return f"truncated body: {text}"
    if isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError):
        return f"connection broken: {text}"
    return f"connection failed: {text}"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _decode_content(url: str, body: bytes, encoding: str | None, limit: int) -> bytes:
    """Remove gzip/deflate, refusing to inflate beyond ``limit`` bytes."""
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    data = body
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip"):
            data = _inflate(url, data, zlib.MAX_WBITS | 16, limit)
        elif coding == "deflate":
            try:
                data = _inflate(url, data, zlib.MAX_WBITS, limit)
            except FetchError:
                data = _inflate(url, data, -zlib.MAX_WBITS, limit)
        else:
            raise FetchError(f"unsupported content-encoding {coding!r}", url=url)
    return data


def _inflate(url: str, data: bytes, wbits: int, limit: int) -> bytes:
    out: list[bytes] = []
    size = 0
    while data:
        inflater = zlib.decompressobj(wbits)
        try:
            while True:
                piece = inflater.decompress(data, limit + 1 - size)
                size += len(piece)
                out.append(piece)
                if size > limit:
                    raise FetchTooLarge(f"decompressed body exceeds {limit} bytes", url=url)
                data = inflater.unconsumed_tail
                if not data or inflater.eof:
                    break
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}", url=url) from exc
        if not inflater.eof:
            raise FetchError("truncated compressed body", url=url)
        data = inflater.unused_data if wbits & 16 else b""
    return b"".join(out)


def _result(url: str, response: httpx.Response, body: bytes, began: float) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url,
        status=response.status_code,
        http_version=response.http_version or "HTTP/1.1",
        headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw),
        request_headers=tuple(
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.request.headers.raw
        ),
        body=body,
        content=body,
        fetched_at=datetime.now(UTC),
        elapsed_s=time.monotonic() - began,
        attempts=1,
        reason_phrase=response.reason_phrase,
    )


def _finish(result: FetchResult, url: str, redirects: tuple[str, ...], elapsed: float) -> FetchResult:
    return replace(result, url=url, final_url=result.url, redirects=redirects, elapsed_s=elapsed)
