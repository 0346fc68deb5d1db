"""Read HTML captures back out of WARC files (ours, wget's, Browsertrix's) as PageSource.

The parser needs the payload bytes exactly as served (it does its own charset detection) and
the HTTP headers (for the charset). warcio undoes chunking and gzip; we never decode text.
Wayback captures carry the original server's headers as ``x-archive-orig-*``; those are mapped
back so the parser sees the site's own ``Content-Type`` charset, not archive.org's.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from scraper.archive import Archive, CatalogueRow, content_kind
from scraper.errors import ArchiveError, InputError
from scraper.models import PageSource

__all__ = ["iter_archive_sources", "iter_warc_sources", "read_row_payload"]

WAYBACK_PREFIX = "x-archive-orig-"
# Describe the original transfer, not the bytes archive.org gave us: never mapped back.
WAYBACK_KEEP_OWN = frozenset({"content-encoding", "transfer-encoding", "content-length", "connection"})
#: Largest payload read from one WARC record (same as the largest saved file ``parse`` reads).
MAX_PAYLOAD_BYTES = 128 * 1024 * 1024
_CHUNK = 1024 * 1024
_READ_ERRORS = (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError, IndexError, AttributeError)


def iter_warc_sources(path: Path) -> Iterator[PageSource]:
    """HTML response records (status 200) of one ``.warc`` / ``.warc.gz`` file, in file order.

    Attachments, non-200 and non-response records are skipped; a broken or truncated record
    raises InputError naming ``path#offset``.
    """
    path = Path(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the with below; open errors become InputError
    except OSError as exc:
        raise InputError(f"cannot open WARC file: {exc}", location=str(path)) from exc
    with fh:
        size = os.fstat(fh.fileno()).st_size
        records = ArchiveIterator(fh)
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except _READ_ERRORS as exc:
                raise InputError(f"broken WARC record: {exc}", location=f"{path}#{records.offset}") from exc
            # after next(), ``offset`` is where this record starts (warcio advances it lazily)
            source = _record_source(record, f"{path}#{records.offset}")
            if source is not None:
                yield source
        if records.offset < size:
            # warcio stops silently at a cut gzip member or WARC header: report it instead
            raise InputError(
                f"truncated or unreadable data ({size - records.offset} bytes)",
                location=f"{path}#{records.offset}",
            )


def iter_archive_sources(archive_dir: Path) -> Iterator[PageSource]:
    """The latest capture per URL of an xxgk archive folder, in catalogue order, no attachments."""
    archive_dir = Path(archive_dir)
    try:
        archive = Archive(archive_dir, readonly=True)
    except ArchiveError as exc:
        raise InputError(exc.message, location=str(archive_dir)) from exc
    with archive:
        rows = archive.latest_per_url()
    handles: dict[str, BinaryIO] = {}
    try:
        for row in rows:
            source = _row_source(archive_dir, row, handles)
            if source is not None:
                yield source
    finally:
        for handle in handles.values():
            handle.close()


def read_row_payload(archive_dir: Path, row: CatalogueRow) -> bytes:
    """Decoded payload of one catalogued capture (to re-read links without refetching)."""
    if row.warc_file is None or row.warc_offset is None:
        raise InputError("catalogue row has no WARC record", location=row.url)
    path = _warc_path(Path(archive_dir), row.warc_file)
    location = f"{path}#{row.warc_offset}"
    try:
        with open(path, "rb") as fh:
            fh.seek(row.warc_offset)
            record = next(ArchiveIterator(fh))
            return _read_payload(record, location)
    except (StopIteration, *_READ_ERRORS) as exc:
        raise InputError(f"cannot read catalogued WARC record: {exc}", location=location) from exc


def _warc_path(root: Path, name: str) -> Path:
    """A catalogue names a WARC file *inside* the archive folder; a copied or edited catalogue
    must not make us open ``../../somewhere`` (names are plain file names, never paths)."""
    if not name or name != Path(name).name or name in (".", "..") or "\\" in name:
        raise InputError(f"catalogue names a WARC file outside the archive: {name!r}", location=str(root))
    return root / name


def _row_source(root: Path, row: CatalogueRow, handles: dict[str, BinaryIO]) -> PageSource | None:
    assert row.warc_file is not None and row.warc_offset is not None
    path = _warc_path(root, row.warc_file)
    location = f"{path}#{row.warc_offset}"
    try:
        fh = handles.get(row.warc_file) or handles.setdefault(row.warc_file, open(path, "rb"))  # noqa: SIM115 - closed by caller
        fh.seek(row.warc_offset)
        record = next(ArchiveIterator(fh))
    except (StopIteration, *_READ_ERRORS) as exc:
        raise InputError(f"cannot read catalogued WARC record: {exc}", location=location) from exc
    source = _record_source(record, location, kind="archive")
    if source is None:
        return None
    url = row.final_url or row.url
    return PageSource(location, source.body, url, source.headers, source.retrieved_at, "archive")


def _record_source(record: ArcWarcRecord, location: str, *, kind: str = "warc") -> PageSource | None:
    if record.rec_type != "response" or record.http_headers is None:
        _drain(record, location)
        return None
    status = record.http_headers.get_statuscode()
    url = record.rec_headers.get_header("WARC-Target-URI")
    headers = _headers(record)
    body = _read_payload(record, location)
    if status != "200" or content_kind(headers.get("content-type"), url or "", body) != "html":
        return None
    return PageSource(
        location=location,
        body=body,
        url=url,
        headers=headers,
        retrieved_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
        kind=kind,
    )


def _read_payload(record: ArcWarcRecord, location: str) -> bytes:
    """The de-chunked, content-decoded payload; raise if the record is cut short."""
    try:
        body = _read_capped(record.content_stream(), location)
        leftover = getattr(record.raw_stream, "limit", 0)
        if leftover and record.raw_stream.read(1):
            leftover = 0  # the content stream stopped early but the block is intact
    except _READ_ERRORS as exc:
        raise InputError(f"broken WARC record: {exc}", location=location) from exc
    if leftover:
        raise InputError(f"truncated WARC record ({leftover} bytes missing)", location=location)
    return bytes(body)


def _read_capped(stream: BinaryIO, location: str) -> bytes:
    """Read a payload in pieces and stop at :data:`MAX_PAYLOAD_BYTES`: a gzip-in-gzip record
    of 2 KB inflates to 1 GiB (a decompression bomb in a WARC someone hands us)."""
    parts: list[bytes] = []
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if total > MAX_PAYLOAD_BYTES:
            raise InputError(
                f"WARC record payload larger than {MAX_PAYLOAD_BYTES // (1024 * 1024)} MiB once decompressed "
                "(decompression bomb?); rest of this WARC file not read",
                location=location,
            )
        parts.append(chunk)
    return b"".join(parts)


def _drain(record: ArcWarcRecord, location: str) -> None:
    """Skip a record without holding it in memory (its block may inflate to gigabytes)."""
    try:
        while record.raw_stream.read(_CHUNK):
            pass
    except _READ_ERRORS as exc:
        raise InputError(f"broken WARC record: {exc}", location=location) from exc


def _headers(record: ArcWarcRecord) -> dict[str, str]:
    """Lower-cased HTTP headers; Wayback's ``x-archive-orig-*`` mapped back to their names."""
    headers: dict[str, str] = {}
    for name, value in record.http_headers.headers:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    originals = {k[len(WAYBACK_PREFIX) :]: v for k, v in headers.items() if k.startswith(WAYBACK_PREFIX)}
    if originals:
        headers = {k: v for k, v in headers.items() if not k.startswith(WAYBACK_PREFIX)}
        headers.update({k: v for k, v in originals.items() if k not in WAYBACK_KEEP_OWN})
    return headers


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
