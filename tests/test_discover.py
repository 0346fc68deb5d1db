"""Discovery: report-title patterns, link extraction, pagination against a local listing site."""

from __future__ import annotations

import asyncio

import pytest

from scraper.cli_fetch import main
from scraper.discover import Discovery, decode_listing, discover, extract_links, is_report_title, next_pages
from scraper.fetch import Fetcher
from tests.fetchserver import FaultServer, Reply
from tests.test_fetch import FAST


@pytest.mark.parametrize(
    "title",
    [
        "2019年政府信息公开工作年度报告",
        "包头市2017年政府信息公开工作年度报告",
        "二〇一九年度政府信息公开工作年度报告",
        "2020年度政务公开年报",
        "2018年政府資訊公開工作年度報告",
        "关于2021年 政府信息公开 工作年度报告的公告",
        "政府信息公开工作年度报告（2016年）",
        "２０１９年政府信息公开工作年度报告",
    ],
)
def test_report_titles(title) -> None:
    assert is_report_title(title)


@pytest.mark.parametrize(
    "title", ["2019年部门预算公开", "政府信息公开指南", "年度报告", "2019年工作总结", "下一页"]
)
def test_not_report_titles(title) -> None:
    assert not is_report_title(title)


def test_extract_links_resolves_and_prefers_full_title() -> None:
    html = (
        '<a href="../2019/t1.html" title="2019年某区政府信息公开工作年度报告">2019年某区政府信息…</a>'
        '<a href="javascript:void(0)">x</a><a href="mailto:a@b">m</a><a href="#top">top</a>'
        '<a href="ftp://x/y">f</a><a href="t2.html#frag">t2</a>'
    )
    links = extract_links(html, "http://www.a.gov.cn/xxgk/ndbg/index.html")
    assert [(link.url, link.title) for link in links] == [
        ("http://www.a.gov.cn/xxgk/2019/t1.html", "2019年某区政府信息公开工作年度报告"),
        ("http://www.a.gov.cn/xxgk/ndbg/t2.html", "t2"),
    ]


def test_trs_create_page_html_pagination() -> None:
    html = '<script>createPageHTML(4, 0, "index", "shtml");</script>'
    assert next_pages(html, "http://a.gov.cn/ndbg/index.shtml", []) == [
        f"http://a.gov.cn/ndbg/index_{i}.shtml" for i in (1, 2, 3)
    ]


def test_decode_listing_falls_back_to_gb18030() -> None:
    assert "年度报告" in decode_listing("<a>年度报告</a>".encode("gbk"), {})
    assert decode_listing("<a>年度报告</a>".encode(), {}) == "<a>年度报告</a>"


def _listing_site(server: FaultServer) -> None:
    index = (
        '<html><head><meta charset="gbk"></head><body><ul>'
        '<li><a href="/r/2019.html">2019年政府信息公开工作年度报告</a></li>'
        '<li><a href="/r/notice.html">关于调整办公时间的通知</a></li>'
        '<li><a href="/r/2018.html" title="2018年政府信息公开工作年度报告">2018年政府信息公...</a></li>'
        '</ul><script>createPageHTML(3, 0, "index", "html");</script></body></html>'
    ).encode("gbk")
    page1 = (
        '<a href="/r/2017.html">二〇一七年政府信息公开工作年度报告</a>'
        '<a href="/r/2019.html">2019年政府信息公开工作年度报告</a><a href="index_2.html">下一页</a>'
    ).encode("gbk")
    page2 = '<a href="/r/2016.html">2016年政府信息公开年报</a>'.encode("gbk")
    server.add("/ndbg/index.html", Reply(body=index, content_type="text/html; charset=gbk"))
    server.add("/ndbg/index_1.html", Reply(body=page1, content_type="text/html"))
    server.add("/ndbg/index_2.html", Reply(body=page2, content_type="text/html"))


def _discover(url: str, pages: int) -> Discovery:
    async def go() -> Discovery:
        async with Fetcher(FAST) as fetcher:
            return await discover(fetcher, url, max_pages=pages)

    return asyncio.run(go())


def test_discover_follows_pagination() -> None:
    with FaultServer() as server:
        _listing_site(server)
        found = _discover(server.url("/ndbg/index.html"), 10)
        assert [link.url.rsplit("/", 1)[1] for link in found.reports] == [
            "2019.html",
            "2018.html",
            "2017.html",
            "2016.html",
        ]
        assert len(found.pages) == 3 and found.errors == ()
        assert server.hits["/ndbg/index_2.html"] == 1  # linked twice, read once
        assert server.hits["/r/2019.html"] == 0  # discovery never fetches the reports


def test_discover_page_limit_and_errors() -> None:
    with FaultServer() as server:
        _listing_site(server)
        server.add("/ndbg/index_1.html", Reply(404, b"no"))
        found = _discover(server.url("/ndbg/index.html"), 2)  # a failed page does not count
        assert [link.url.rsplit("/", 1)[1] for link in found.reports] == [
            "2019.html",
            "2018.html",
            "2016.html",
        ]
        assert found.errors[0][0].endswith("index_1.html") and "404" in found.errors[0][1]
        assert server.hits["/ndbg/index_2.html"] == 1


def test_discover_cli_prints_urls(capsys) -> None:
    with FaultServer() as server:
        _listing_site(server)
        code = main(
            ["discover", server.url("/ndbg/index.html"), "--allow-private", "--delay", "0", "--pages", "1"]
        )
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == [server.url("/r/2019.html"), server.url("/r/2018.html")]
    assert "2 report links on 1 listing pages" in err


def test_discover_cli_refuses_loopback_without_flag(capsys) -> None:
    with FaultServer() as server:
        _listing_site(server)
        code = main(["discover", server.url("/ndbg/index.html"), "--delay", "0"])
        assert server.hits["/ndbg/index.html"] == 0
    assert code == 1 and "non-public address" in capsys.readouterr().err
