"""Reading WARC files written by other tools (wget-style chunked records, Wayback captures)."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.errors import InputError
from scraper.warcread import iter_warc_sources

PAGE = "<html><head><title>2018年政府信息公开工作年度报告</title></head><body>正文</body></html>".encode(
    "gb18030"
)


def _response(
    writer: WARCWriter, url: str, status: str, headers: list[tuple[str, str]], body: bytes, date: str
) -> None:
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def _chunk(body: bytes) -> bytes:
    return f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"


def write_warc(path: Path, *, gz: bool = True) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        _response(writer, "http://a.gov.cn/wget.html", "200 OK",
                  [("Content-Type", "text/html; charset=GBK"), ("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")],
                  _chunk(gzip.compress(PAGE)), "2019-03-01T08:00:00Z")  # fmt: skip
        _response(writer, "http://a.gov.cn/2018.html", "200 OK",
                  [("Content-Type", "text/html"), ("X-Archive-Orig-Content-Type", "text/html; charset=gb2312"),
                   ("X-Archive-Orig-Content-Encoding", "gzip"), ("X-Archive-Orig-Server", "TRS")],
                  PAGE, "2018-05-06T07:08:09Z")  # fmt: skip
        _response(
            writer,
            "http://a.gov.cn/gone.html",
            "404 Not Found",
            [("Content-Type", "text/html")],
            b"<html>404</html>",
            "2019-01-01T00:00:00Z",
        )
        _response(
            writer,
            "http://a.gov.cn/a.pdf",
            "200 OK",
            [("Content-Type", "application/pdf")],
            b"%PDF-1.5",
            "2019-01-01T00:00:00Z",
        )


@pytest.mark.parametrize("gz", [True, False])
def test_reads_html_responses_only(tmp_path, gz) -> None:
    path = tmp_path / ("t.warc.gz" if gz else "t.warc")
    write_warc(path, gz=gz)
    sources = list(iter_warc_sources(path))
    assert [s.url for s in sources] == ["http://a.gov.cn/wget.html", "http://a.gov.cn/2018.html"]
    assert all(s.body == PAGE and s.kind == "warc" for s in sources)
    assert all(s.location.startswith(f"{path}#") for s in sources)
    assert sources[0].headers["content-type"] == "text/html; charset=GBK"
    assert sources[1].retrieved_at == datetime(2018, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert sources[1].source == "http://a.gov.cn/2018.html @ 20180506070809"


def test_wayback_original_headers_are_mapped_back(tmp_path) -> None:
    path = tmp_path / "t.warc.gz"
    write_warc(path)
    wayback = list(iter_warc_sources(path))[1]
    assert wayback.headers["content-type"] == "text/html; charset=gb2312"
    assert wayback.headers["server"] == "TRS"
    assert "content-encoding" not in wayback.headers  # describes archive.org's transfer, not these bytes
    assert not any(k.startswith("x-archive-orig-") for k in wayback.headers)


def test_offsets_point_at_the_records(tmp_path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    path = tmp_path / "t.warc.gz"
    write_warc(path)
    for source in iter_warc_sources(path):
        with open(path, "rb") as fh:
            fh.seek(int(source.location.rsplit("#", 1)[1]))
            record = next(ArchiveIterator(fh))
            assert record.rec_headers.get_header("WARC-Target-URI") == source.url


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_file_raises_input_error_with_location(tmp_path, keep) -> None:
    path = tmp_path / "t.warc.gz"
    write_warc(path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InputError) as info:
        list(iter_warc_sources(path))
    assert info.value.location.startswith(f"{path}#")


def test_truncated_uncompressed_record(tmp_path) -> None:
    path = tmp_path / "t.warc"
    write_warc(path, gz=False)
    data = path.read_bytes()
    cut = data.index(PAGE) + 10  # inside the Wayback record's payload
    path.write_bytes(data[:cut])
    with pytest.raises(InputError, match="truncated"):
        list(iter_warc_sources(path))


def test_garbage_and_missing_files(tmp_path) -> None:
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"<html><body>saved-page</body></html>")
    with pytest.raises(InputError):
        list(iter_warc_sources(junk))
    with pytest.raises(InputError, match="cannot open"):
        list(iter_warc_sources(tmp_path / "nope.warc.gz"))
