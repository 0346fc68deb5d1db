"""Fetcher + harvest against the fault server: what is stored, retried, skipped and reported."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest

from scraper.archive import Archive
from scraper.errors import FetchBlocked, FetchStatusError, FetchTimeout, FetchTooLarge
from scraper.fetch import FetchConfig, Fetcher, FetchResult, _retry_after
from scraper.netguard import UrlGuard
from scraper.update import HarvestStats, harvest
from scraper.warcread import iter_archive_sources, iter_warc_sources
from tests.fetchserver import FaultServer, Reply, html_page

FAST = FetchConfig(
    delay_s=0.0,
    timeout_s=0.5,
    deadline_s=1.0,
    retries=2,
    backoff_s=0.01,
    backoff_max_s=0.05,
    guard=UrlGuard(allow_private=True),
)
PAGE = html_page("2019年政府信息公开工作年度报告", "<p>正文</p>")


@pytest.fixture
def server():
    with FaultServer() as srv:
        yield srv


def fetch(url: str, config: FetchConfig = FAST, **kwargs) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(go())


def run_harvest(urls, archive_dir: Path, config: FetchConfig = FAST, **kwargs) -> HarvestStats:
    async def go() -> HarvestStats:
        async with Fetcher(config) as fetcher:
            with Archive(archive_dir) as archive:
                return await harvest(list(urls), archive, fetcher, **kwargs)

    return asyncio.run(go())


def catalogue(archive_dir: Path):
    with Archive(archive_dir, readonly=True) as archive:
        return archive.rows()


def test_plain_page_is_stored_byte_identical(server, tmp_path) -> None:
    url = server.add(
        "/r.html", Reply(body=PAGE, etag='"v1"', headers=[("Last-Modified", "Mon, 01 Apr 2019 00:00:00 GMT")])
    )
    stats = run_harvest([url], tmp_path)
    assert (stats.stored, stats.failed) == (1, 0)
    [row] = catalogue(tmp_path)
    assert (row.url, row.status, row.etag, row.attachment, row.reason) == (url, 200, '"v1"', False, None)
    assert row.last_modified == "Mon, 01 Apr 2019 00:00:00 GMT"
    [source] = iter_archive_sources(tmp_path)
    assert source.body == PAGE and source.url == url
    assert source.headers["content-type"] == "text/html; charset=utf-8"
    assert server.requests[-1][1]["user-agent"].startswith("xxgk/")


def test_500_is_retried_then_stored_once(server, tmp_path) -> None:
    url = server.add("/flaky", Reply(500), Reply(502), Reply(body=PAGE))
    stats = run_harvest([url], tmp_path)
    assert stats.stored == 1 and server.hits["/flaky"] == 3
    assert [r.status for r in catalogue(tmp_path)] == [200]


def test_persistent_503_gives_up_with_reason(server, tmp_path) -> None:
    url = server.add("/down", Reply(503, b"busy"))
    stats = run_harvest([url], tmp_path)
    assert stats.failed == 1 and server.hits["/down"] == FAST.retries + 1
    [row] = catalogue(tmp_path)
    assert row.warc_file is None and row.status == 503
    assert "HTTP 503" in row.reason and "gave up after 3 attempts" in row.reason


def test_404_is_not_retried(server, tmp_path) -> None:
    stats = run_harvest([server.url("/missing")], tmp_path)
    assert stats.failed == 1 and server.hits["/missing"] == 1
    assert catalogue(tmp_path)[0].reason == "HTTP 404"


def test_429_honours_retry_after(server) -> None:
    server.add("/limited", Reply(429, headers=[("Retry-After", "1")]), Reply(body=PAGE))
    started = time.monotonic()
    result = fetch(server.url("/limited"))
    assert result.status == 200 and result.attempts == 2
    assert time.monotonic() - started >= 0.9


def test_retry_after_beyond_cap_gives_up_at_once(server) -> None:
    server.add("/later", Reply(503, headers=[("Retry-After", "86400")]))
    with pytest.raises(FetchStatusError, match="Retry-After 86400s") as info:
        fetch(server.url("/later"))
    assert info.value.status == 503 and server.hits["/later"] == 1


def test_retry_after_http_date() -> None:
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert _retry_after("7") == 7.0
    assert _retry_after("soon") is None


def test_slow_body_past_deadline_times_out_and_is_retried(server, tmp_path) -> None:
    url = server.add("/slow", Reply(body=PAGE * 4, fault="slow", pause=0.1))
    config = replace(FAST, retries=1, deadline_s=0.4)
    stats = run_harvest([url], tmp_path, config)
    assert stats.failed == 1 and server.hits["/slow"] == 2
    assert "no complete answer within 0.4s" in catalogue(tmp_path)[0].reason


def test_stalled_body_hits_read_timeout(server) -> None:
    server.add("/stall", Reply(body=PAGE, fault="stall", pause=1.0))
    with pytest.raises(FetchTimeout):
        fetch(server.url("/stall"), replace(FAST, retries=0, timeout_s=0.2))


def test_connection_reset_mid_body_is_retried(server, tmp_path) -> None:
    url = server.add("/reset", Reply(body=PAGE * 50, fault="reset"), Reply(body=PAGE))
    stats = run_harvest([url], tmp_path)
    assert stats.stored == 1 and server.hits["/reset"] == 2
    [source] = iter_archive_sources(tmp_path)
    assert source.body == PAGE


def test_truncated_body_is_never_stored(server, tmp_path) -> None:
    url = server.add("/short", Reply(body=PAGE, fault="truncate"))
    stats = run_harvest([url], tmp_path)
    assert stats.failed == 1 and server.hits["/short"] == FAST.retries + 1
    [row] = catalogue(tmp_path)
    assert row.warc_file is None and "truncated" in row.reason
    assert list(tmp_path.glob("*.warc.gz")) == []


def test_redirects_are_followed_and_noted(server, tmp_path) -> None:
    server.add("/old", Reply(301, location="/mid"))
    server.add("/mid", Reply(302, location=server.url("/new")))
    server.add("/new", Reply(body=PAGE))
    stats = run_harvest([server.url("/old")], tmp_path)
    assert stats.stored == 1
    [row] = catalogue(tmp_path)
    assert row.final_url == server.url("/new") and "redirects:" in row.note
    [source] = iter_archive_sources(tmp_path)
    assert source.url == server.url("/new")


def test_redirect_loop_gives_up(server, tmp_path) -> None:
    server.add("/a", Reply(302, location="/b"))
    server.add("/b", Reply(302, location="/a"))
    stats = run_harvest([server.url("/a")], tmp_path)
    assert stats.failed == 1 and server.hits["/a"] == 1 and server.hits["/b"] == 1
    assert "redirect loop" in catalogue(tmp_path)[0].reason


def test_too_many_redirects(server) -> None:
    for i in range(5):
        server.add(f"/r{i}", Reply(302, location=f"/r{i + 1}"))
    with pytest.raises(FetchBlocked, match="more than 3 redirects"):
        fetch(server.url("/r0"), replace(FAST, max_redirects=3))
    assert server.hits["/r3"] == 1 and server.hits["/r4"] == 0


def test_redirect_to_loopback_refused_before_connecting(tmp_path) -> None:
    """The first server is trusted (it stands in for a public site); the redirect target is another
    loopback server, which must never see a request while --allow-private is off."""
    with FaultServer() as site, FaultServer() as internal:
        internal.add("/admin", Reply(body=b"secret"))
        site.add("/r", Reply(302, location=internal.url("/admin")))
        site.add("/r2", Reply(302, location=f"http://localhost:{internal.port}/admin"))
        config = replace(FAST, guard=UrlGuard(trusted_netlocs=frozenset({site.netloc})))
        stats = run_harvest([site.url("/r"), site.url("/r2")], tmp_path, config)
        assert stats.failed == 2 and internal.hits["/admin"] == 0
        reasons = sorted(r.reason for r in catalogue(tmp_path))
        assert all("non-public address 127.0.0.1" in r and "redirect to" in r for r in reasons)


def test_loopback_url_refused_without_allow_private(server) -> None:
    server.add("/x", Reply(body=PAGE))
    with pytest.raises(FetchBlocked, match="non-public") as info:
        fetch(server.url("/x"), replace(FAST, guard=UrlGuard()))
    assert info.value.reason == "private-address" and server.hits["/x"] == 0


def test_oversized_body_refused_from_content_length(server) -> None:
    server.add("/big", Reply(body=b"x" * 5000))
    with pytest.raises(FetchTooLarge, match="Content-Length 5000"):
        fetch(server.url("/big"), replace(FAST, max_body_bytes=1000))
    assert server.hits["/big"] == 1  # not retried


def test_oversized_chunked_body_refused_while_streaming(server) -> None:
    server.add("/bigchunks", Reply(body=b"<html>" + b"x" * 20000, chunked=True))
    with pytest.raises(FetchTooLarge, match="body exceeds 10000"):
        fetch(server.url("/bigchunks"), replace(FAST, max_body_bytes=10000))


def test_gzip_bomb_refused(server) -> None:
    server.add("/bomb", Reply(body=b"<html>" + b"\0" * 2_000_000, gzip=True))
    with pytest.raises(FetchTooLarge, match="decompressed body exceeds"):
        fetch(server.url("/bomb"), replace(FAST, max_decompressed_bytes=100_000))


def test_gzip_page_kept_compressed_in_warc_and_read_back_decoded(server, tmp_path) -> None:
    url = server.add("/gz", Reply(body=PAGE, gzip=True))
    run_harvest([url], tmp_path)
    [source] = iter_archive_sources(tmp_path)
    assert source.body == PAGE and source.headers["content-encoding"] == "gzip"
    assert catalogue(tmp_path)[0].sha256 == source.sha256


def test_chunked_page_stored_without_transfer_encoding(server, tmp_path) -> None:
    url = server.add("/chunked", Reply(body=PAGE * 3, chunked=True))
    run_harvest([url], tmp_path)
    [source] = iter_warc_sources(next(tmp_path.glob("*.warc.gz")))
    assert source.body == PAGE * 3 and "transfer-encoding" not in source.headers


def test_wrong_content_types(server, tmp_path) -> None:
    server.add("/octet", Reply(body=PAGE, content_type="application/octet-stream"))
    server.add("/fake-html.pdf", Reply(body=b"%PDF-1.4 fake", content_type="text/html"))
    server.add("/logo", Reply(body=b"\x89PNG\r\n", content_type="image/png"))
    stats = run_harvest([server.url(p) for p in ("/octet", "/fake-html.pdf", "/logo")], tmp_path)
    assert (stats.stored, stats.failed) == (2, 1)
    rows = {r.url.rsplit("/", 1)[1]: r for r in catalogue(tmp_path)}
    assert not rows["octet"].attachment and rows["fake-html.pdf"].attachment
    assert "unexpected content type 'image/png'" in rows["logo"].reason
    assert [s.url for s in iter_archive_sources(tmp_path)] == [server.url("/octet")]


def test_robots_disallow_is_honoured(server, tmp_path) -> None:
    server.add("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
    server.add("/private/r.html", Reply(body=PAGE))
    server.add("/public.html", Reply(body=PAGE))
    stats = run_harvest([server.url("/private/r.html"), server.url("/public.html")], tmp_path)
    assert (stats.stored, stats.failed) == (1, 1)
    assert server.hits["/private/r.html"] == 0 and server.hits["/robots.txt"] == 1
    assert any(r.reason == "disallowed by robots.txt" for r in catalogue(tmp_path))


def test_robots_5xx_means_disallow_all(server) -> None:
    server.add("/robots.txt", Reply(500))
    server.add("/p", Reply(body=PAGE))
    with pytest.raises(FetchBlocked, match="robots.txt unavailable"):
        fetch(server.url("/p"), replace(FAST, retries=0))
    assert server.hits["/p"] == 0


def test_conditional_get_stores_nothing_the_second_time(server, tmp_path) -> None:
    url = server.add("/etag", Reply(body=PAGE, etag='"abc"'))
    first = run_harvest([url], tmp_path)
    second = run_harvest([url], tmp_path)
    assert (first.stored, second.stored, second.not_modified) == (1, 0, 1)
    assert server.requests[-1][1]["if-none-match"] == '"abc"'
    assert len(catalogue(tmp_path)) == 1


def test_same_bytes_are_not_stored_twice(server, tmp_path) -> None:
    server.add("/one", Reply(body=PAGE))
    server.add("/two", Reply(body=PAGE))
    run_harvest([server.url("/one")], tmp_path)
    stats = run_harvest([server.url("/one"), server.url("/two")], tmp_path)
    assert (stats.unchanged, stats.duplicate, stats.stored) == (1, 1, 0)
    rows = catalogue(tmp_path)
    assert len(rows) == 2 and rows[0].warc_offset == rows[1].warc_offset
    assert len(list(iter_warc_sources(next(tmp_path.glob("*.warc.gz"))))) == 1


def test_attachments_are_archived_and_flagged(server, tmp_path) -> None:
    page = html_page(
        "2019年报", '<a href="files/t.pdf">附件1</a><a href="x.xls">附件2</a><a href="other.html">x</a>'
    )
    server.add("/report.html", Reply(body=page))
    server.add("/files/t.pdf", Reply(body=b"%PDF-1.7 ...", content_type="application/pdf"))
    server.add("/x.xls", Reply(body=b"\xd0\xcf\x11\xe0xls", content_type="application/vnd.ms-excel"))
    stats = run_harvest([server.url("/report.html")], tmp_path)
    assert (stats.stored, stats.attachments) == (3, 2)
    flags = {r.url.rsplit("/", 1)[1]: r.attachment for r in catalogue(tmp_path)}
    assert flags == {"report.html": False, "t.pdf": True, "x.xls": True}
    assert server.hits["/other.html"] == 0
    assert [s.url for s in iter_archive_sources(tmp_path)] == [server.url("/report.html")]
    # a second run with skip_known requests nothing but still knows the attachments
    again = run_harvest([server.url("/report.html")], tmp_path, skip_known=True)
    assert (again.known, again.stored) == (3, 0) and server.hits["/files/t.pdf"] == 1


def test_per_host_concurrency_and_delay(server) -> None:
    active = {"now": 0, "max": 0}

    def handler(path, headers):
        active["now"] += 1
        active["max"] = max(active["max"], active["now"])
        time.sleep(0.05)
        active["now"] -= 1
        return Reply(body=PAGE)

    for i in range(6):
        server.add_handler(f"/c{i}", handler)

    async def go(config):
        async with Fetcher(config) as fetcher:
            await asyncio.gather(*(fetcher.fetch(server.url(f"/c{i}")) for i in range(6)))

    asyncio.run(go(replace(FAST, per_host=1)))
    assert active["max"] == 1
    started = time.monotonic()
    asyncio.run(go(replace(FAST, per_host=1, delay_s=0.1)))
    assert time.monotonic() - started >= 0.5  # 6 request starts, 0.1 s apart (robots.txt is the 7th)


def test_failure_after_redirect_names_the_hop(server, tmp_path) -> None:
    server.add("/moved", Reply(301, location="/gone"))
    run_harvest([server.url("/moved")], tmp_path)
    [row] = catalogue(tmp_path)
    assert (
        row.url == server.url("/moved") and row.reason == f"after redirect to {server.url('/gone')}: HTTP 404"
    )


def test_robots_crawl_delay_slows_us_down(server) -> None:
    server.add("/robots.txt", Reply(body=b"User-agent: *\nCrawl-delay: 0.3\n", content_type="text/plain"))
    server.add("/1", Reply(body=PAGE))
    server.add("/2", Reply(body=PAGE))

    async def go() -> None:
        async with Fetcher(FAST) as fetcher:
            await fetcher.fetch(server.url("/1"))
            await fetcher.fetch(server.url("/2"))

    started = time.monotonic()
    asyncio.run(go())
    assert time.monotonic() - started >= 0.3
