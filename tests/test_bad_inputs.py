"""Bad input gets a clear answer, and the rest of the batch is still written.

Each class of bad input from a real crawl — empty files, binaries named .html, 404 / WAF /
listing pages, two reports on one page, missing files, unreadable folders, a parser bug on one
page — gets an ``errors.csv`` row (or a ``warnings`` entry) whose reason a person understands;
the CLI prints the counts and where to look; no traceback unless ``--debug``.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from scraper.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "fixtures" / "era1" / "trs-wanghai-2017.html"
OTHER = ROOT / "fixtures" / "era1" / "gkmlpt-tongan-2018.html"
ERA2 = ROOT / "fixtures" / "era2" / "trs-putuo-2019-grid.html"
LISTING = ROOT / "fixtures" / "negative" / "trs-wanghai-nb-list.html"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


#: file name → (bytes, fragment the errors.csv message must contain)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.html": (b"", "empty file"),
    "blank.html": (b"  \r\n\t\n  ", "empty"),
    "nuls.html": (b"\x00" * 300, "empty"),
    "report.pdf.html": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20, "binary file (PDF)"),
    "chart.html": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file (PNG)"),
    "photo.htm": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4, "binary file (JPEG)"),
    "attachment.html": (_zip(), "binary file (ZIP"),
    "notfound.html": (
        "<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1>"
        "<p>您访问的页面不存在或已被删除</p><hr><center>nginx</center></body></html>".encode(),
        "error page (404",
    ),
    "waf.html": (
        "<html><head><title>安全验证</title></head><body><p>访问验证：请开启JavaScript并刷新该页</p>"
        "<script>setTimeout(function(){location.reload()},3000)</script></body></html>".encode(),
        "WAF",
    ),
    "listing.html": (LISTING.read_bytes(), "listing"),
}


def _errors(out: Path) -> dict[str, tuple[str, str, str]]:
    with (out / "errors.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {Path(r["source"]).name: (r["stage"], r["error"], r["message"]) for r in csv.DictReader(fh)}


def _reports(out: Path) -> dict[str, dict[str, str]]:
    with (out / "reports.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {Path(r["source"]).name: r for r in csv.DictReader(fh)}


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """A folder with two good pages among every kind of bad one."""
    d = tmp_path / "pages"
    (d / "sub").mkdir(parents=True)
    shutil.copy(GOOD, d / "good.html")
    shutil.copy(ERA2, d / "sub" / "good2.html")
    for name, (data, _) in BAD_FILES.items():
        (d / name).write_bytes(data)
    (d / "two-reports.html").write_bytes(GOOD.read_bytes().replace(b"</body>", b"") + OTHER.read_bytes())
    return d


def _run(args: list[str], capsys) -> tuple[int, str]:
    code = main(args)
    err = capsys.readouterr().err
    return code, err


def test_every_bad_input_class_gets_a_reason_and_the_batch_is_written(batch, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    missing = tmp_path / "gone.html"
    code, err = _run(["parse", str(batch), str(missing), "--out", str(out), "--jobs", "1", "-q"], capsys)
    errors = _errors(out)
    for name, (_, fragment) in BAD_FILES.items():
        assert name in errors, f"{name} has no errors.csv row"
        stage, kind, message = errors[name]
        assert kind == "NotAReport", (name, kind, message)
        assert fragment in message, (name, message)
    assert errors["gone.html"] == ("input", "InputError", "no such file or folder")
    reports = _reports(out)
    assert {"good.html", "good2.html", "two-reports.html"} <= set(reports)
    assert "two reports" in reports["two-reports.html"]["warnings"]
    assert "望海市2017年" in reports["two-reports.html"]["warnings"]
    # the good pages' values are all written
    with (out / "indicators.csv").open(encoding="utf-8-sig") as fh:
        assert sum(1 for _ in fh) > 100
    assert code == 1  # the missing file is a failure; NotAReport pages are skips
    assert "failed" in err and "skipped" in err
    assert f"see {out / 'errors.csv'}" in err
    assert "Traceback" not in err


def test_only_skips_exit_zero(tmp_path, capsys) -> None:
    d = tmp_path / "pages"
    d.mkdir()
    shutil.copy(GOOD, d / "good.html")
    (d / "empty.html").write_bytes(b"")
    code, err = _run(["parse", str(d), "--out", str(tmp_path / "out"), "-j", "1", "-q"], capsys)
    assert code == 0
    assert "1 skipped" in err and "errors.csv" in err


def test_unreadable_folder_chmod(batch, tmp_path, capsys) -> None:
    locked = batch / "locked"
    locked.mkdir()
    shutil.copy(GOOD, locked / "hidden.html")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reads (see the monkeypatched test)")
        out = tmp_path / "out"
        _run(["parse", str(batch), "--out", str(out), "-j", "1", "-q"], capsys)
        stage, kind, message = _errors(out)["locked"]
        assert (stage, kind) == ("input", "InputError")
        assert "cannot read folder" in message and "ermission" in message
        assert "good.html" in _reports(out)
    finally:
        locked.chmod(0o755)


def test_unreadable_folder_simulated(batch, tmp_path, capsys, monkeypatch) -> None:
    """Where chmod cannot lock root out, make scandir refuse the sub-folder."""
    real = os.scandir

    def scandir(path="."):
        if Path(path).name == "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "out"
    code, err = _run(["parse", str(batch), "--out", str(out), "-j", "1", "-q"], capsys)
    stage, kind, message = _errors(out)["sub"]
    assert (stage, kind) == ("input", "InputError")
    assert message == "cannot read folder: Permission denied"
    reports = _reports(out)
    assert "good.html" in reports and "good2.html" not in reports
    assert code == 1 and "Traceback" not in err


def test_unreadable_file_simulated(tmp_path, capsys, monkeypatch) -> None:
    d = tmp_path / "pages"
    d.mkdir()
    shutil.copy(GOOD, d / "good.html")
    shutil.copy(GOOD, d / "secret.html")
    import builtins

    real_open = builtins.open

    def fake_open(file, *a, **kw):
        if str(file).endswith("secret.html"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **kw)

    monkeypatch.setattr(builtins, "open", fake_open)
    out = tmp_path / "out"
    code, _ = _run(["parse", str(d), "--out", str(out), "-j", "1", "-q"], capsys)
    monkeypatch.undo()
    assert _errors(out)["secret.html"] == ("input", "InputError", "cannot read file: Permission denied")
    assert "good.html" in _reports(out)
    assert code == 1


def test_a_parser_bug_on_one_page_is_one_row_and_no_traceback(tmp_path, capsys, monkeypatch) -> None:
    import scraper.pipeline as pipeline

    real = pipeline.parse_report

    def buggy(body, **kw):
        if kw.get("location", "").endswith("bug.html"):
            raise KeyError("boom")
        return real(body, **kw)

    monkeypatch.setattr(pipeline, "parse_report", buggy)
    d = tmp_path / "pages"
    d.mkdir()
    shutil.copy(GOOD, d / "good.html")
    shutil.copy(GOOD, d / "bug.html")
    out = tmp_path / "out"
    code, err = _run(["parse", str(d), "--out", str(out), "-j", "1", "-q"], capsys)
    stage, kind, message = _errors(out)["bug.html"]
    assert (stage, kind) == ("parse", "KeyError")
    assert message.startswith("unexpected KeyError")
    assert "good.html" in _reports(out)
    assert code == 1 and "Traceback" not in err
    # --debug: the traceback reaches the developer
    with pytest.raises(KeyError):
        main(["--debug", "parse", str(d), "--out", str(tmp_path / "dbg"), "-j", "1", "-q"])


def test_page_timeout_is_an_error_row(tmp_path, capsys, monkeypatch) -> None:
    import time as _time

    import scraper.pipeline as pipeline

    real = pipeline.parse_report

    def slow(body, **kw):
        if kw.get("location", "").endswith("slow.html"):
            while True:
                _time.sleep(0.01)
        return real(body, **kw)

    monkeypatch.setattr(pipeline, "parse_report", slow)
    d = tmp_path / "pages"
    d.mkdir()
    shutil.copy(GOOD, d / "good.html")
    shutil.copy(GOOD, d / "slow.html")
    out = tmp_path / "out"
    code, err = _run(["parse", str(d), "--out", str(out), "-j", "1", "-q", "--page-timeout", "0.5"], capsys)
    stage, kind, message = _errors(out)["slow.html"]
    assert (stage, kind) == ("timeout", "PageTimeout")
    assert "per-page time limit" in message and "0.5 s" in message
    assert "good.html" in _reports(out)
    assert code == 1 and "Traceback" not in err


def test_output_folder_that_cannot_be_written(tmp_path, capsys) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    code, err = _run(["parse", str(GOOD), "--out", str(blocker / "out"), "-q"], capsys)
    assert code == 3
    assert err.startswith("xxgk: ") and "cannot create output folder" in err
    assert "Traceback" not in err


def test_bad_warc_named_input(tmp_path, capsys) -> None:
    bad = tmp_path / "broken.warc.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    d = tmp_path / "pages"
    d.mkdir()
    shutil.copy(GOOD, d / "good.html")
    out = tmp_path / "out"
    code, err = _run(["parse", str(bad), str(d), "--out", str(out), "-j", "1", "-q"], capsys)
    errors = _errors(out)
    assert any(k.startswith("broken.warc.gz") for k in errors), errors
    assert "good.html" in _reports(out)
    assert "Traceback" not in err


def _gzip_bomb_warc(path: Path, inflated: int) -> None:
    """One response record whose gzip Content-Encoding payload inflates to ``inflated`` bytes."""
    import gzip

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9) as g:
        for _ in range(inflated // (1 << 20)):
            g.write(b" " * (1 << 20))
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "http://example.gov.cn/bomb.html", "response", payload=io.BytesIO(raw.getvalue()), http_headers=headers))


def test_decompression_bomb_in_a_warc_is_refused(tmp_path, capsys, monkeypatch) -> None:
    """A gzip payload that inflates past the cap is one errors.csv row, not gigabytes of memory
    (the cap is lowered here so the bomb can stay small)."""
    import scraper.warcread as warcread

    monkeypatch.setattr(warcread, "MAX_PAYLOAD_BYTES", 4 << 20)
    bomb = tmp_path / "bomb.warc.gz"
    _gzip_bomb_warc(bomb, 16 << 20)
    assert bomb.stat().st_size < 100_000
    d = tmp_path / "pages"
    d.mkdir()
    shutil.copy(GOOD, d / "good.html")
    out = tmp_path / "out"
    code, err = _run(["parse", str(bomb), str(d), "--out", str(out), "-j", "1", "-q"], capsys)
    stage, kind, message = _errors(out)["bomb.warc.gz#0"]
    assert (stage, kind) == ("input", "InputError")
    assert "decompression bomb" in message and "4 MiB" in message
    assert "good.html" in _reports(out)
    assert code == 1 and "Traceback" not in err


def test_tampered_catalogue_cannot_point_outside_the_archive(tmp_path, capsys) -> None:
    """WARC file names come from the catalogue; an edited catalogue naming ``../x`` is refused."""
    import hashlib
    import sqlite3
    from datetime import UTC, datetime

    from scraper.archive import Archive, Capture

    archive_dir = tmp_path / "archive"
    body = GOOD.read_bytes()
    with Archive(archive_dir) as archive:
        archive.store(Capture(
            url="http://example.gov.cn/r.html", target_uri="http://example.gov.cn/r.html", status=200,
            http_version="HTTP/1.1", headers=(("Content-Type", "text/html; charset=utf-8"),), request_headers=(),
            body=body, sha256=hashlib.sha256(body).hexdigest(), fetched_at=datetime(2024, 1, 1, tzinfo=UTC)))
    out = tmp_path / "out"
    assert _run(["parse", str(archive_dir), "--out", str(out), "-j", "1", "-q"], capsys)[0] == 0
    assert len(_reports(out)) == 1
    with sqlite3.connect(archive_dir / "catalogue.sqlite") as db:
        db.execute("UPDATE captures SET warc_file = '../elsewhere.warc.gz'")
    code, err = _run(["parse", str(archive_dir), "--out", str(out), "-j", "1", "-q"], capsys)
    (message,) = [m for _, _, m in _errors(out).values()]
    assert "outside the archive" in message and "'../elsewhere.warc.gz'" in message
    assert code == 1 and "Traceback" not in err
