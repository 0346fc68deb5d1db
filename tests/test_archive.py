"""Archive: catalogue rows, dedup, crash recovery (torn tails, kill -9), warcio compatibility."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.archive import Archive, Capture, content_kind
from scraper.errors import ArchiveError
from scraper.warcread import iter_archive_sources, iter_warc_sources
from tests.fetchserver import FaultServer, Reply, html_page
from tests.test_fetch import FAST, run_harvest

ROOT = Path(__file__).resolve().parent.parent


def capture(url: str, body: bytes, **kwargs) -> Capture:
    return Capture(
        url=url,
        target_uri=url,
        status=200,
        http_version="HTTP/1.1",
        headers=(("Content-Type", "text/html; charset=gbk"), ("ETag", '"e"')),
        request_headers=(("Host", "example.gov.cn"),),
        body=body,
        sha256=hashlib.sha256(body).hexdigest(),
        fetched_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        **kwargs,
    )


def warcio_check(paths) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("warcio")
    return subprocess.run([str(exe), "check", *map(str, paths)], capture_output=True, text=True)


def test_store_then_read_back(tmp_path) -> None:
    body = "<html>二〇一九年度报告</html>".encode("gbk")
    with Archive(tmp_path) as archive:
        assert archive.store(capture("http://a.gov.cn/1", body))[0] == "stored"
        assert archive.store(capture("http://a.gov.cn/1", body))[0] == "unchanged"
        outcome, row = archive.store(capture("http://a.gov.cn/2", body))
        assert outcome == "duplicate" and row.note == "same bytes as http://a.gov.cn/1"
        archive.record_failure("http://a.gov.cn/3", "HTTP 404", source="cli", status=404)
        archive.record_failure("http://a.gov.cn/3", "HTTP 410", source="cli", status=410)
        rows = archive.rows()
    assert [(r.url[-1], r.reason) for r in rows] == [("1", None), ("2", None), ("3", "HTTP 410")]
    assert rows[0].captured_at == "2024-01-02T03:04:05Z" and rows[0].etag == '"e"'
    sources = list(iter_archive_sources(tmp_path))
    assert [s.url for s in sources] == ["http://a.gov.cn/1", "http://a.gov.cn/2"]
    assert all(s.body == body and s.kind == "archive" for s in sources)
    assert sources[0].retrieved_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert warcio_check(tmp_path.glob("*.warc.gz")).returncode == 0


def test_torn_tail_is_truncated_on_open(tmp_path) -> None:
    with Archive(tmp_path) as archive:
        archive.store(capture("http://a.gov.cn/1", b"<html>one</html>"))
    warc = next(tmp_path.glob("*.warc.gz"))
    good = warc.read_bytes()
    with Archive(tmp_path) as archive:  # a second record, then cut it in half as kill -9 would
        archive.store(capture("http://a.gov.cn/2", b"<html>two</html>"))
    whole = warc.read_bytes()
    with sqlite3.connect(tmp_path / "catalogue.sqlite") as db:  # undo the commit: the row never happened
        db.execute("DELETE FROM captures WHERE url = 'http://a.gov.cn/2'")
        db.execute("UPDATE warc_files SET committed = ?", (len(good),))
    warc.write_bytes(whole[: len(good) + (len(whole) - len(good)) // 2])
    with Archive(tmp_path) as archive:
        assert warc.read_bytes() == good
        assert archive.store(capture("http://a.gov.cn/2", b"<html>two</html>"))[0] == "stored"
    assert [s.url for s in iter_warc_sources(warc)] == ["http://a.gov.cn/1", "http://a.gov.cn/2"]
    assert warcio_check([warc]).returncode == 0


def test_crash_between_fsync_and_commit(tmp_path, monkeypatch) -> None:
    with Archive(tmp_path) as archive:
        archive.store(capture("http://a.gov.cn/1", b"<html>one</html>"))
        size = next(tmp_path.glob("*.warc.gz")).stat().st_size

        def die(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(archive, "_insert", die)
        with pytest.raises(KeyboardInterrupt):
            archive.store(capture("http://a.gov.cn/2", b"<html>two</html>"))
    assert next(tmp_path.glob("*.warc.gz")).stat().st_size > size
    with Archive(tmp_path) as archive:
        assert next(tmp_path.glob("*.warc.gz")).stat().st_size == size
        assert [r.url for r in archive.rows()] == ["http://a.gov.cn/1"]


def test_uncatalogued_file_removed_and_missing_file_is_fatal(tmp_path) -> None:
    with Archive(tmp_path) as archive:
        archive.store(capture("http://a.gov.cn/1", b"<html>one</html>"))
    stray = tmp_path / "xxgk-00007.warc.gz"
    stray.write_bytes(b"half a record")
    Archive(tmp_path).close()
    assert not stray.exists()
    next(tmp_path.glob("*.warc.gz")).unlink()
    with pytest.raises(ArchiveError, match="missing"):
        Archive(tmp_path)


def test_files_roll_over_at_max_size(tmp_path) -> None:
    with Archive(tmp_path, warc_max_bytes=600) as archive:
        for i in range(3):
            archive.store(capture(f"http://a.gov.cn/{i}", f"<html>{i}</html>".encode()))
    assert len(list(tmp_path.glob("*.warc.gz"))) == 3
    assert [s.url[-1] for s in iter_archive_sources(tmp_path)] == ["0", "1", "2"]


@pytest.mark.parametrize(
    ("content_type", "url", "body", "kind"),
    [
        ("text/html", "http://a/x.html", b"<html>", "html"),
        ("application/octet-stream", "http://a/x", b"<!DOCTYPE html><html>", "html"),
        ("text/html", "http://a/x.pdf", b"%PDF-1.4", "attachment"),
        ("application/msword", "http://a/x.doc", b"\xd0\xcf\x11\xe0", "attachment"),
        ("application/octet-stream", "http://a/x.docx", b"PK\x03\x04", "attachment"),
        ("image/png", "http://a/x.png", b"\x89PNG", "other"),
        ("text/plain", "http://a/x.txt", b"just text", "other"),
    ],
)
def test_content_kind(content_type, url, body, kind) -> None:
    assert content_kind(content_type, url, body) == kind


@pytest.mark.slow
def test_kill_9_during_fetch_then_rerun_equals_uninterrupted(tmp_path) -> None:
    with FaultServer() as server:
        pages = {}
        for i in range(40):
            body = html_page(f"{i}号年度报告", "<p>x</p>" * i)
            pages[server.add(f"/p{i}.html", Reply(body=body, pause=0.03))] = body
        urls = tmp_path / "urls.txt"
        urls.write_text("\n".join(pages), encoding="utf-8")
        reference = tmp_path / "reference"
        run_harvest(list(pages), reference, FAST)

        killed = tmp_path / "killed"
        command = [
            sys.executable, "-m", "scraper.cli_fetch", "fetch", "--urls", str(urls), "--archive", str(killed),
            "--allow-private", "--delay", "0", "--retries", "0", "--timeout", "5",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _stored(killed) < 8:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert 0 < _stored(killed) < len(pages), "the kill should land mid-run"
        rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert rerun.returncode == 0, rerun.stderr

    def content(folder: Path) -> dict[str, bytes]:
        return {s.url: s.body for s in iter_archive_sources(folder)}

    assert content(killed) == content(reference) == pages
    with Archive(killed, readonly=True) as archive:
        rows = archive.rows()
    assert sorted(r.url for r in rows) == sorted(pages)  # each URL exactly once, no give-ups
    assert warcio_check(killed.glob("*.warc.gz")).returncode == 0


def _stored(folder: Path) -> int:
    db_path = folder / "catalogue.sqlite"
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT COUNT(*) FROM captures WHERE warc_file IS NOT NULL").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_broken_archive_is_exit_3(tmp_path, capsys) -> None:
    from scraper.cli_fetch import main

    with Archive(tmp_path) as archive:
        archive.store(capture("http://a.gov.cn/1", b"<html>one</html>"))
    next(tmp_path.glob("*.warc.gz")).unlink()
    assert main(["fetch", "http://127.0.0.1:9/x", "--archive", str(tmp_path), "--allow-private"]) == 3
    assert "catalogued WARC file xxgk-00000.warc.gz is missing" in capsys.readouterr().err


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ops=st.lists(st.tuples(st.integers(0, 3), st.binary(min_size=0, max_size=300)), min_size=1, max_size=8),
    tear=st.floats(0, 1),
)
def test_any_store_sequence_then_torn_tail_reads_back_latest(tmp_path_factory, ops, tear) -> None:
    """Whatever was stored, and however the last write was cut, reading back gives the latest
    committed body per URL and warcio accepts the files."""
    root = tmp_path_factory.mktemp("prop")
    latest: dict[str, bytes] = {}
    with Archive(root, warc_max_bytes=2000) as archive:
        for n, raw in ops:
            url, body = f"http://a.gov.cn/{n}", b"<html>" + raw
            archive.store(capture(url, body))
            latest[url] = body
    files = sorted(root.glob("*.warc.gz"))
    with open(files[-1], "ab") as fh:  # a torn record after the last committed one
        fh.write(files[0].read_bytes()[: int(tear * 200)])
    Archive(root).close()
    assert {s.url: s.body for s in iter_archive_sources(root)} == latest
    for warc in root.glob("*.warc.gz"):  # every file reads to its end without a torn record
        list(iter_warc_sources(warc))
