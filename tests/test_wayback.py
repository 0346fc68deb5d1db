"""Wayback source against a local CDX endpoint replaying tests/data/cdx/ and local captures."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.archive import Archive
from scraper.fetch import Fetcher
from scraper.update import HarvestStats, harvest_wayback
from scraper.warcread import iter_archive_sources
from scraper.wayback import WaybackClient, WaybackConfig, parse_cdx
from tests.fetchserver import FaultServer, Reply, html_page
from tests.test_fetch import FAST

CDX_DIR = Path(__file__).parent / "data" / "cdx"
SITE = "http://www.example.gov.cn/xxgk/ndbg/"
PAGES = {
    "20190301083015/2018.html": html_page("2018年政府信息公开工作年度报告", "<p>旧版</p>", charset="gbk"),
    "20200115101010/2018.html": html_page("2018年政府信息公开工作年度报告", "<p>新版</p>", charset="gbk"),
    "20200402120000/2019.html": html_page("2019年政府信息公开工作年度报告", charset="gbk"),
}
PDF = b"%PDF-1.6 report attachment"


def cdx_text(name: str) -> str:
    return (CDX_DIR / name).read_text(encoding="utf-8")


def wayback_site(server: FaultServer) -> list[dict[str, list[str]]]:
    """CDX endpoint + id_ captures; returns the parsed CDX queries it received."""
    queries: list[dict[str, list[str]]] = []

    def cdx(path: str, headers: dict[str, str]) -> Reply:
        query = parse_qs(urlsplit(path).query)
        queries.append(query)
        if query["url"] == [SITE]:
            return Reply(body=cdx_text("prefix_ndbg.txt").encode(), content_type="text/plain")
        name = "paged_2.txt" if "resumeKey" in query else "paged_1.txt"
        return Reply(body=cdx_text(name).encode(), content_type="text/plain")

    server.add_handler("/cdx/search/cdx?*", cdx)
    for key, body in PAGES.items():
        stamp, name = key.split("/")
        server.add(
            f"/web/{stamp}id_/{SITE}{name}",
            Reply(
                body=body,
                content_type="text/html",
                headers=[
                    ("X-Archive-Orig-Content-Type", "text/html; charset=GBK"),
                    ("X-Archive-Orig-Server", "TRS WCM"),
                ],
            ),
        )
    # Wayback answers a capture that is not exactly there with a redirect to the nearest one
    server.add(
        f"/web/20200402120002id_/{SITE}2019.pdf",
        Reply(302, location=f"/web/20200402120009id_/{SITE}2019.pdf"),
    )
    server.add(f"/web/20200402120009id_/{SITE}2019.pdf", Reply(body=PDF, content_type="application/pdf"))
    return queries


def run(
    server: FaultServer, archive_dir: Path, url: str = SITE, match: str = "prefix", **config
) -> HarvestStats:
    async def go() -> HarvestStats:
        async with Fetcher(FAST) as fetcher:
            client = WaybackClient(
                fetcher, WaybackConfig(base_url=server.url(""), cdx_rate=0, memento_rate=0, **config)
            )
            with Archive(archive_dir) as archive:
                return await harvest_wayback(
                    url, archive, client, source="wayback:test", match_type=match, from_="2019", to="2021"
                )

    return asyncio.run(go())


def test_parse_cdx_skips_malformed_lines(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="xxgk.wayback"):
        records, resume = parse_cdx(cdx_text("prefix_ndbg.txt"), "q")
    assert len(records) == 5 and resume is None
    assert "malformed CDX line 'this line is malformed'" in caplog.text
    assert records[0].raw_timestamp == "20190301083015" and records[0].statuscode == 200
    records, resume = parse_cdx(cdx_text("paged_1.txt"), "q")
    assert resume == "cn%2Cgov%2Cexample%29%2Fxxgk%2Fndbg%2F2017.html+20180305000000"
    assert parse_cdx(cdx_text("paged_2.txt"), "q")[0][0].statuscode is None


def test_prefix_search_downloads_raw_captures(tmp_path) -> None:
    with FaultServer() as server:
        queries = wayback_site(server)
        stats = run(server, tmp_path)
        assert server.hits["/robots.txt"] == 0  # archive.org is not the site; its robots rules do not apply
    assert queries[0]["matchType"] == ["prefix"] and queries[0]["collapse"] == ["digest"]
    assert (queries[0]["from"], queries[0]["to"]) == (["2019"], ["2021"])
    assert (stats.stored, stats.failed, stats.requested) == (4, 0, 4)  # the image is never requested

    sources = {(s.url, s.retrieved_at.strftime("%Y%m%d%H%M%S")): s for s in iter_archive_sources(tmp_path)}
    # latest capture per URL; bytes exactly as captured; the site's own charset header restored
    assert set(sources) == {(SITE + "2018.html", "20200115101010"), (SITE + "2019.html", "20200402120000")}
    new_2018 = sources[(SITE + "2018.html", "20200115101010")]
    assert new_2018.body == PAGES["20200115101010/2018.html"]
    assert (
        new_2018.headers["content-type"] == "text/html; charset=GBK"
        and new_2018.headers["server"] == "TRS WCM"
    )

    with Archive(tmp_path, readonly=True) as archive:
        rows = archive.rows()
    pdf = next(r for r in rows if r.url.endswith(".pdf"))
    assert pdf.attachment and pdf.captured_at == "2020-04-02T12:00:09Z" and pdf.source == "wayback:test"
    with open(tmp_path / rows[0].warc_file, "rb") as fh:
        record = next(ArchiveIterator(fh))
    assert record.rec_headers.get_header("WARC-Date") == "2019-03-01T08:30:15Z"
    assert record.rec_headers.get_header("WARC-Source-URI").endswith(
        f"/web/20190301083015id_/{SITE}2018.html"
    )


def test_second_run_downloads_nothing(tmp_path) -> None:
    with FaultServer() as server:
        wayback_site(server)
        run(server, tmp_path)
        before = sum(n for p, n in server.hits.items() if p.startswith("/web/"))
        again = run(server, tmp_path)
        after = sum(n for p, n in server.hits.items() if p.startswith("/web/"))
    assert (again.stored, again.requested, again.known, after) == (0, 0, 4, before)


def test_resume_key_paging(tmp_path) -> None:
    with FaultServer() as server:
        queries = wayback_site(server)

        async def go():
            async with Fetcher(FAST) as fetcher:
                client = WaybackClient(
                    fetcher, WaybackConfig(base_url=server.url(""), cdx_rate=0, page_size=1)
                )
                return await client.search(SITE + "2017.html")

        records = asyncio.run(go())
    assert [r.raw_timestamp for r in records] == ["20180305000000", "20190710000000"]
    assert queries[1]["resumeKey"] == ["cn%2Cgov%2Cexample%29%2Fxxgk%2Fndbg%2F2017.html+20180305000000"]
    assert queries[0]["limit"] == ["1"]


def test_memento_429_stops_the_source_without_retrying(tmp_path) -> None:
    with FaultServer() as server:
        wayback_site(server)
        limited = f"/web/20200115101010id_/{SITE}2018.html"
        server.add(limited, Reply(429, headers=[("Retry-After", "1")]))
        stats = run(server, tmp_path)
        assert server.hits[limited] == 1
        assert (
            server.hits[f"/web/20200402120000id_/{SITE}2019.html"] == 0
        )  # stopped: later captures untouched
    assert stats.stopped == ["wayback:test"] and stats.stored == 1
    with Archive(tmp_path, readonly=True) as archive:
        [failure] = [r for r in archive.rows() if r.reason]
    assert failure.url == SITE + "2018.html" and failure.status == 429 and "source stopped" in failure.reason


def test_cdx_429_stops_cleanly(tmp_path) -> None:
    with FaultServer() as server:
        server.add_handler("/cdx/search/cdx?*", lambda path, headers: Reply(429, b"slow down", "text/plain"))
        stats = run(server, tmp_path)
        assert server.hits["/cdx/search/cdx?*"] == 0 and len(server.requests) == 1
    assert stats.stopped == ["wayback:test"] and stats.failures[0][0] == SITE


@pytest.mark.parametrize(("rate", "minimum"), [(0, 0.0), (20, 0.05)])
def test_cdx_rate_limit(rate, minimum) -> None:
    with FaultServer() as server:
        wayback_site(server)

        async def go():
            async with Fetcher(FAST) as fetcher:
                client = WaybackClient(
                    fetcher, WaybackConfig(base_url=server.url(""), cdx_rate=rate, page_size=1)
                )
                return await client.search(SITE + "2017.html")

        started = time.monotonic()
        asyncio.run(go())
        elapsed = time.monotonic() - started
    assert elapsed >= minimum and (rate or elapsed < 0.5)
