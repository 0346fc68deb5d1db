"""The issue's "done when": 200 URLs against the fault server, then read the archive back."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from scraper.archive import Archive
from tests.fetchserver import FaultServer, Reply, html_page
from tests.test_fetch import FAST, run_harvest

N_URLS = 200


def _plan(server: FaultServer) -> tuple[dict[str, bytes], dict[str, int], set[str]]:
    """Register 200 routes; return served bodies, expected hit counts, URLs that must fail."""
    served: dict[str, bytes] = {}
    hits: dict[str, int] = {}
    failing: set[str] = set()
    tries = FAST.retries + 1
    for i in range(N_URLS):
        path = f"/r/{i}.html"
        body = html_page(f"{2000 + i % 25}年第{i}号政府信息公开工作年度报告", f"<p>{i}</p>" * (i % 7 + 1))
        ok = Reply(body=body, gzip=i % 3 == 0, chunked=i % 5 == 1)
        kind = i % 10
        replies, expected = {
            4: ([Reply(500), ok], 2),
            5: ([Reply(body=body * 20, fault="reset"), ok], 2),
            6: ([Reply(429, headers=[("Retry-After", "0")]), ok], 2),
            7: ([Reply(404, b"gone", "text/plain")], 1),
            8: ([Reply(503)], tries),
            9: (
                [Reply(body=body, fault="truncate")] * (tries if i % 20 == 19 else 1) + [ok],
                tries if i % 20 == 19 else 2,
            ),
        }.get(kind, ([ok], 1))
        url = server.add(path, *replies)
        hits[path] = expected
        if kind in (7, 8) or (kind == 9 and i % 20 == 19):
            failing.add(url)
        else:
            served[url] = body
    return served, hits, failing


def test_200_urls_stored_exactly_once_and_read_back_identical(tmp_path: Path) -> None:
    from scraper.warcread import iter_warc_sources

    with FaultServer() as server:
        served, hits, failing = _plan(server)
        stats = run_harvest(list(served) + sorted(failing), tmp_path, replace(FAST, per_host=8))
        assert {p: server.hits[p] for p in hits} == hits  # retried exactly what should be
    assert (stats.stored, stats.failed) == (len(served), len(failing))

    with Archive(tmp_path, readonly=True) as archive:
        rows = archive.rows()
    stored = [r for r in rows if r.warc_file]
    assert sorted(r.url for r in stored) == sorted(served)
    gave_up = {r.url: r.reason for r in rows if r.warc_file is None}
    assert set(gave_up) == failing and all(gave_up.values())

    records: dict[str, bytes] = {}
    for warc in sorted(tmp_path.glob("*.warc.gz")):
        for source in iter_warc_sources(warc):
            assert source.url not in records, f"{source.url} stored twice"
            records[source.url] = source.body
    assert records == served

    check = subprocess.run(
        [str(Path(sys.executable).with_name("warcio")), "check", *map(str, tmp_path.glob("*.warc.gz"))],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
