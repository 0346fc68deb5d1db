"""Address and scheme guard, plus the ``xxgk fetch`` command end to end (loopback only)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scraper.archive import Archive
from scraper.cli_fetch import main
from scraper.errors import FetchBlocked
from scraper.netguard import UrlGuard, is_public_address
from tests.fetchserver import FaultServer, Reply, html_page


def fake_dns(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("name not known")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "224.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"],
)  # fmt: skip
def test_non_public_addresses(address) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "202.108.22.5", "2400:da00::6666", "::ffff:8.8.8.8"])
def test_public_addresses(address) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://a.gov.cn/x", "gopher://x/", "javascript:alert(1)", "//no-scheme"]
)
def test_only_http_and_https(url) -> None:
    with pytest.raises(FetchBlocked) as info:
        UrlGuard(allow_private=True).check(url)
    assert info.value.reason in ("scheme", "bad-url")


def test_names_resolving_to_private_addresses_are_refused() -> None:
    guard = UrlGuard(
        resolver=fake_dns({"evil.example": ["93.184.216.34", "10.0.0.7"], "good.example": ["93.184.216.34"]})
    )
    with pytest.raises(FetchBlocked, match="non-public address 10.0.0.7") as info:
        guard.check("http://evil.example/report.html")
    assert info.value.reason == "private-address" and info.value.url == "http://evil.example/report.html"
    guard.check("https://good.example/r.html")
    with pytest.raises(FetchBlocked, match="cannot resolve"):
        guard.check("http://unknown.example/")


def test_literal_addresses_and_overrides() -> None:
    with pytest.raises(FetchBlocked):
        UrlGuard().check("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchBlocked):
        UrlGuard().check("http://[::1]:8080/")
    UrlGuard(allow_private=True).check("http://127.0.0.1:8080/")
    UrlGuard(trusted_netlocs=frozenset({"127.0.0.1:8080"})).check("http://127.0.0.1:8080/x")
    with pytest.raises(FetchBlocked):
        UrlGuard(trusted_netlocs=frozenset({"127.0.0.1:8080"})).check("http://127.0.0.1:8081/x")


def test_fetch_command(tmp_path, capsys) -> None:
    with FaultServer() as server:
        server.add("/a.html", Reply(body=html_page("2019年政府信息公开工作年度报告")))
        server.add("/b.html", Reply(body=html_page("2018年政府信息公开工作年度报告")))
        urls = tmp_path / "urls.txt"
        urls.write_text(
            f"# reports\n{server.url('/a.html')}\n\n{server.url('/missing.html')}\n", encoding="utf-8"
        )
        archive = tmp_path / "archive"
        common = ["--archive", str(archive), "--allow-private", "--delay", "0", "--retries", "0"]
        code = main(["fetch", server.url("/b.html"), "--urls", str(urls), *common])
        err = capsys.readouterr().err
        assert code == 1 and "3 URLs: 2 stored" in err and "1 failed (http-status 1)" in err
        assert main(["fetch", server.url("/a.html"), server.url("/b.html"), *common]) == 0
        assert "0 stored" in capsys.readouterr().err
    with Archive(archive, readonly=True) as opened:
        assert sorted(r.reason or "" for r in opened.rows()) == ["", "", "HTTP 404"]


def test_fetch_command_usage_errors(tmp_path, capsys) -> None:
    assert main(["fetch", "http://example.gov.cn/", "--delay", "-1", "--archive", str(tmp_path)]) == 2
    assert main(["fetch", "--urls", str(tmp_path / "none.txt"), "--archive", str(tmp_path)]) == 2
    assert "must be positive" in capsys.readouterr().err


def test_tls_context_keeps_verification() -> None:
    import ssl

    from scraper.fetch import _tls_context

    context = _tls_context(verify=True, legacy=True)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.options & getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0x4)


# --------------------------------------------------------------------------- DNS rebinding


def _rebinding_dns(answers: list[list[str]]):
    """A name whose DNS answer changes from one lookup to the next (the last answer repeats)."""
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    return resolve, calls


def test_rebinding_between_check_and_connect_is_refused() -> None:
    """The pre-check sees a public address, the connection's own lookup a loopback one: the
    connection goes only to what was checked at that moment, so nothing reaches the server."""
    from tests.test_fetch import FAST, fetch

    resolve, calls = _rebinding_dns([["93.184.216.34"], ["127.0.0.1"]])
    config = replace(FAST, guard=UrlGuard(resolver=resolve), retries=0, obey_robots=False)
    with FaultServer() as server:
        server.add("/r.html", Reply(body=html_page("年度报告")))
        with pytest.raises(FetchBlocked, match="non-public address 127.0.0.1") as info:
            fetch(f"http://rebind.example:{server.port}/r.html", config)
        assert sum(server.hits.values()) == 0
    assert info.value.reason == "private-address" and info.value.url.startswith("http://rebind.example:")
    assert calls == ["rebind.example", "rebind.example"]


def test_connection_goes_to_the_checked_address(monkeypatch) -> None:
    """A name the system cannot resolve is fetched through the guard's answer alone: the
    address checked is the address connected to (127.0.0.1 counts as public for this test)."""
    from scraper import netguard
    from tests.test_fetch import FAST, fetch

    public = netguard.is_public_address
    monkeypatch.setattr(netguard, "is_public_address", lambda a: a == "127.0.0.1" or public(a))
    guard = UrlGuard(resolver=fake_dns({"report.example.invalid": ["127.0.0.1"]}))
    with FaultServer() as server:
        server.add("/r.html", Reply(body=html_page("年度报告")))
        result = fetch(f"http://report.example.invalid:{server.port}/r.html", replace(FAST, guard=guard, obey_robots=False))
        assert result.status == 200 and server.hits["/r.html"] == 1
        assert server.requests[-1][1]["host"] == f"report.example.invalid:{server.port}"


def test_environment_proxy_still_used(monkeypatch) -> None:
    """Pinning rebuilds only the direct pool: an HTTP proxy from the environment (how researchers
    in mainland China reach the Wayback Machine) still carries the request."""
    from tests.test_fetch import FAST, fetch

    with FaultServer() as proxy:
        proxy.add("http://far.example/r.html", Reply(body=html_page("年度报告")))
        monkeypatch.setenv("HTTP_PROXY", proxy.url(""))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        result = fetch("http://far.example/r.html", replace(FAST, obey_robots=False))
        assert result.status == 200 and proxy.hits["http://far.example/r.html"] == 1
