"""Answers that are not the page (WAF challenges, soft 404s, empty bodies) never stand in for it.

If such an answer were stored, the catalogue would hold it as the URL's latest capture: a cron
run would then skip the URL as already archived (the report is never fetched), or a
revalidating source would hide an earlier good copy behind it (the report drops out of the
outputs). These tests serve the real-looking challenge pages of ``fixtures/not-the-page/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.answers import not_the_page
from scraper.archive import Archive
from scraper.warcread import iter_archive_sources
from tests.fetchserver import FaultServer, Reply
from tests.test_fetch import catalogue, run_harvest
from tests.test_wayback import PAGES, SITE, run, wayback_site

ROOT = Path(__file__).resolve().parents[1]
NOT_THE_PAGE = sorted((ROOT / "fixtures" / "not-the-page").glob("*.html"))
REPORT = (ROOT / "fixtures" / "era1" / "trs-wanghai-2017.html").read_bytes()
LISTING = (ROOT / "fixtures" / "negative" / "trs-wanghai-nb-list.html").read_bytes()
ACW = (ROOT / "fixtures" / "not-the-page" / "aliyun-acw-challenge.html").read_bytes()
SOFT_404 = (ROOT / "fixtures" / "not-the-page" / "trs-soft404-200.html").read_bytes()


@pytest.fixture
def server():
    with FaultServer() as srv:
        yield srv


@pytest.mark.parametrize("page", NOT_THE_PAGE, ids=[p.name for p in NOT_THE_PAGE])
def test_challenges_and_soft_404s_are_not_the_page(page) -> None:
    reason = not_the_page(page.read_bytes())
    assert reason is not None and ("WAF" in reason or "404" in reason), reason


def test_a_report_and_a_real_non_report_page_are_the_page() -> None:
    assert not_the_page(REPORT) is None
    assert not_the_page(LISTING) is None  # not a report, but the page the URL holds: stored, judged by the parse
    assert not_the_page(b"\x00\x01 garbage \xff" * 50) is None  # unreadable: keep the bytes


def test_challenge_is_not_stored_and_the_next_run_gets_the_report(server, tmp_path) -> None:
    url = server.add("/xxgk/2017/nb.html", Reply(body=ACW), Reply(body=REPORT))
    first = run_harvest([url], tmp_path, skip_known=True)
    assert (first.stored, first.failed) == (0, 1)
    [(failed_url, reason)] = first.failures
    assert failed_url == url and reason.startswith("not the page: bot-protection (WAF)") and "HTTP 200" in reason
    assert "not-the-page 1" in first.line()
    [row] = catalogue(tmp_path)
    assert row.warc_file is None and row.status == 200  # a give-up row, not a capture

    second = run_harvest([url], tmp_path, skip_known=True)  # a cron run: known URLs are skipped
    assert (second.known, second.stored, second.failed) == (0, 1, 0)
    [source] = iter_archive_sources(tmp_path)
    assert source.body == REPORT


def test_revalidation_answered_by_a_soft_404_keeps_the_good_copy(server, tmp_path) -> None:
    url = server.add("/xxgk/2017/nb.html", Reply(body=REPORT), Reply(body=SOFT_404))
    assert run_harvest([url], tmp_path).stored == 1
    again = run_harvest([url], tmp_path)  # a revalidating source asks again
    assert (again.stored, again.failed) == (0, 1)
    assert "404" in again.failures[0][1]
    [source] = iter_archive_sources(tmp_path)
    assert source.body == REPORT  # still the copy that is parsed


def test_empty_200_body_is_not_stored(server, tmp_path) -> None:
    url = server.add("/xxgk/2017/nb.html", Reply(body=b"  \r\n"))
    stats = run_harvest([url], tmp_path)
    assert (stats.stored, stats.failed) == (0, 1) and "empty" in stats.failures[0][1]
    with Archive(tmp_path, readonly=True) as archive:
        assert archive.latest(url) is None


def test_wayback_challenge_capture_is_skipped_and_the_older_capture_read(tmp_path) -> None:
    with FaultServer() as server:
        wayback_site(server)
        # the newer capture of 2018.html is the WAF challenge the site answered archive.org with
        server.add(f"/web/20200115101010id_/{SITE}2018.html", Reply(body=ACW, content_type="text/html"))
        stats = run(server, tmp_path)
        again = run(server, tmp_path)
    assert (stats.stored, stats.not_the_page, stats.failed) == (3, 1, 0)
    assert "1 captures not the page" in stats.line()
    assert (again.requested, again.known) == (0, 4)  # the skipped capture is not asked for again
    sources = {s.url: s for s in iter_archive_sources(tmp_path)}
    assert sources[SITE + "2018.html"].body == PAGES["20190301083015/2018.html"]
