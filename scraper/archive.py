"""The raw archive: gzip-per-record WARC files plus an SQLite catalogue, crash-safe.

Why this layout: WARC is what other tools (warcio, pywb, wget, Browsertrix) read, so our
captures stay usable without xxgk; the catalogue answers "what do we have for this URL" without
scanning gigabytes. Crash safety comes from one ordering rule: a record is written and fsynced
*before* the single SQLite transaction that inserts its row and advances the file's committed
length. On open, any WARC bytes past the committed length (a record torn by ``kill -9``) are
truncated, so the catalogue and the files always agree and the next run redoes the lost work.
"""

from __future__ import annotations

import http
import io
import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.errors import ArchiveError

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "CATALOGUE_NAME",
    "DEFAULT_WARC_MAX_BYTES",
    "Archive",
    "CatalogueRow",
    "Capture",
    "content_kind",
]

log = logging.getLogger("xxgk.archive")

CATALOGUE_NAME = "catalogue.sqlite"
WARC_PREFIX = "xxgk-"
WARC_SUFFIX = ".warc.gz"
DEFAULT_WARC_MAX_BYTES = 1024 * 1024 * 1024  # roll over to a new file at about 1 GiB
# Transfer-Encoding is dropped from stored headers: httpx hands us de-chunked bytes, and a
# "chunked" header over an unchunked payload would make WARC readers mis-parse the record.
DROP_HEADERS = frozenset({"transfer-encoding"})

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
ATTACHMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-works",
        "application/wps-office.doc",
        "application/wps-office.xls",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/kswps",
        "application/kset",
    }
)
ATTACHMENT_EXTENSIONS = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ofd"})
HTML_SNIFF = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<table", b"<title")

SCHEMA = """
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,          -- requested URL
    final_url TEXT,             -- after redirects (the WARC-Target-URI)
    status INTEGER,             -- HTTP status of the final response (null: no response)
    fetched_at TEXT NOT NULL,   -- when we got it (ISO 8601, UTC)
    captured_at TEXT,           -- WARC-Date: = fetched_at, or the Wayback capture time
    sha256 TEXT,                -- of the payload with content-encoding removed
    etag TEXT,
    last_modified TEXT,
    content_type TEXT,
    warc_file TEXT,             -- null for give-ups
    warc_offset INTEGER,
    warc_length INTEGER,
    source TEXT NOT NULL,       -- cli | <sources.toml name> | wayback:<name>
    attachment INTEGER NOT NULL DEFAULT 0,
    reason TEXT,                -- why we gave up (null when stored)
    note TEXT                   -- redirects, duplicate-of, memento URL
);
CREATE INDEX IF NOT EXISTS captures_url ON captures(url);
CREATE INDEX IF NOT EXISTS captures_sha ON captures(sha256);
CREATE TABLE IF NOT EXISTS warc_files (
    name TEXT PRIMARY KEY,
    committed INTEGER NOT NULL  -- bytes covered by catalogued records; the rest is a torn tail
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class CatalogueRow:
    """One catalogue row (a stored capture or a give-up)."""

    id: int
    url: str
    final_url: str | None
    status: int | None
    fetched_at: str
    captured_at: str | None
    sha256: str | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    warc_file: str | None
    warc_offset: int | None
    warc_length: int | None
    source: str
    attachment: bool
    reason: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Capture:
    """What to store: one HTTP exchange (bytes as transmitted) plus provenance."""

    url: str
    target_uri: str
    status: int
    http_version: str
    headers: tuple[tuple[str, str], ...]
    request_headers: tuple[tuple[str, str], ...]
    body: bytes
    sha256: str
    fetched_at: datetime
    captured_at: datetime | None = None
    reason_phrase: str = ""
    source: str = "cli"
    attachment: bool = False
    note: str | None = None
    extra_warc_headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


def content_kind(content_type: str | None, url: str, content: bytes) -> str:
    """``"html"``, ``"attachment"`` or ``"other"`` from type, magic bytes and extension.

    Gov servers mislabel freely (HTML as ``application/octet-stream``, PDFs as ``text/html``),
    so magic bytes win over the header, and the header over the file extension.
    """
    head = content[:2048].lstrip().lower()
    if head.startswith((b"%pdf", b"\xd0\xcf\x11\xe0")):
        return "attachment"
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in ATTACHMENT_TYPES:
        return "attachment"
    ext = os.path.splitext(urlsplit(url).path)[1].lower()
    if head.startswith(b"pk\x03\x04") and ext in ATTACHMENT_EXTENSIONS:
        return "attachment"
    sniffed = any(marker in head for marker in HTML_SNIFF)
    if mime in HTML_TYPES:
        return "html"
    if mime in ("", "application/octet-stream", "text/plain", "application/x-download") or mime.startswith(
        "text/"
    ):
        if sniffed:
            return "html"
        if ext in ATTACHMENT_EXTENSIONS and mime in (
            "",
            "application/octet-stream",
            "application/x-download",
        ):
            return "attachment"
    return "other"


class Archive:
    """An archive folder: ``catalogue.sqlite`` plus ``xxgk-NNNNN.warc.gz`` files.

    One writer at a time (the update lock or a single ``xxgk fetch``); readers use
    ``readonly=True`` and only ever see committed rows.
    """

    def __init__(
        self, root: Path, *, readonly: bool = False, warc_max_bytes: int = DEFAULT_WARC_MAX_BYTES
    ) -> None:
        self.root = Path(root)
        self.readonly = readonly
        self.warc_max_bytes = warc_max_bytes
        self._db = self._connect()
        if not readonly:
            self.recover()

    def _connect(self) -> sqlite3.Connection:
        path = self.root / CATALOGUE_NAME
        try:
            if self.readonly:
                if not path.exists():
                    raise ArchiveError(f"no {CATALOGUE_NAME} in {self.root}", location=str(self.root))
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            else:
                self.root.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise ArchiveError(f"cannot open catalogue: {exc}", location=str(path)) from exc
        db.row_factory = sqlite3.Row
        return db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- crash recovery -------------------------------------------------------------------

    def recover(self) -> int:
        """Cut every WARC file back to its committed length; delete uncatalogued files.

        Returns the number of bytes dropped (non-zero only after an interrupted run).
        """
        committed = {
            r["name"]: r["committed"] for r in self._db.execute("SELECT name, committed FROM warc_files")
        }
        dropped = 0
        for path in sorted(self.root.glob(f"{WARC_PREFIX}*{WARC_SUFFIX}")):
            keep = committed.get(path.name, 0)
            size = path.stat().st_size
            if size > keep:
                dropped += size - keep
                log.warning("dropping %d uncatalogued bytes at the end of %s", size - keep, path.name)
                with open(path, "r+b") as fh:
                    fh.truncate(keep)
                    os.fsync(fh.fileno())
            elif size < keep:
                raise ArchiveError(
                    f"{path.name} is shorter ({size}) than catalogued ({keep})", location=str(path)
                )
            if keep == 0:
                path.unlink()
        for name, keep in committed.items():
            if keep and not (self.root / name).exists():
                raise ArchiveError(f"catalogued WARC file {name} is missing", location=str(self.root / name))
        return dropped

    # -- queries --------------------------------------------------------------------------

    def latest(self, url: str) -> CatalogueRow | None:
        """The newest stored capture of ``url`` (give-ups ignored)."""
        row = self._db.execute(
            "SELECT * FROM captures WHERE url = ? AND warc_file IS NOT NULL ORDER BY id DESC LIMIT 1", (url,)
        ).fetchone()
        return _row(row)

    def by_sha256(self, sha256: str) -> CatalogueRow | None:
        row = self._db.execute(
            "SELECT * FROM captures WHERE sha256 = ? AND warc_file IS NOT NULL ORDER BY id LIMIT 1", (sha256,)
        ).fetchone()
        return _row(row)

    def has_capture(self, url: str, captured_at: str) -> bool:
        """True when a capture of ``url`` taken at ``captured_at`` is stored (Wayback reruns)."""
        row = self._db.execute(
            "SELECT 1 FROM captures WHERE url = ? AND captured_at = ? AND warc_file IS NOT NULL LIMIT 1",
            (url, captured_at),
        ).fetchone()
        return row is not None

    def rows(self) -> list[CatalogueRow]:
        return [_row(r) for r in self._db.execute("SELECT * FROM captures ORDER BY id")]  # type: ignore[misc]

    def latest_per_url(self, *, attachments: bool = False) -> list[CatalogueRow]:
        """Latest stored capture per URL, in catalogue order of that capture."""
        sql = (
            "SELECT * FROM captures WHERE id IN (SELECT MAX(id) FROM captures WHERE warc_file IS NOT NULL"
            " GROUP BY url)" + ("" if attachments else " AND attachment = 0") + " ORDER BY id"
        )
        return [_row(r) for r in self._db.execute(sql)]  # type: ignore[misc]

    def stored_marker(self) -> str:
        """Changes whenever a capture row is added: tells ``update`` whether to re-parse."""
        row = self._db.execute(
            "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM captures WHERE warc_file IS NOT NULL"
        ).fetchone()
        return f"{row[0]}:{row[1]}"

    def get_state(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_state(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO state(key, value) VALUES (?, ?)", (key, value))

    # -- writes ---------------------------------------------------------------------------

    def store(self, capture: Capture) -> tuple[str, CatalogueRow]:
        """Store a capture unless its bytes are already here.

        Returns ``("unchanged", row)`` when the URL's latest capture has the same sha256,
        ``("duplicate", row)`` when other URL's record holds the same bytes (a row pointing at
        that record is added, nothing is written), else ``("stored", row)``.
        """
        latest = self.latest(capture.url)
        if latest is not None and latest.sha256 == capture.sha256:
            self._refresh_validators(latest, capture)
            return "unchanged", latest
        same = self.by_sha256(capture.sha256)
        if same is not None:
            note = _join_notes(capture.note, f"same bytes as {same.url}")
            row_id = self._insert(
                capture, same.warc_file, same.warc_offset, same.warc_length, None, note=note
            )
            return "duplicate", self._get(row_id)
        name, offset, length, end = self._append(capture)
        row_id = self._insert(capture, name, offset, length, end, note=capture.note)
        return "stored", self._get(row_id)

    def record_failure(
        self, url: str, reason: str, *, source: str, status: int | None = None, attachment: bool = False
    ) -> None:
        """Record a give-up; the URL keeps one give-up row (the latest reason)."""
        now = _iso(datetime.now(UTC))
        try:
            with self._transaction():
                self._db.execute("DELETE FROM captures WHERE url = ? AND warc_file IS NULL", (url,))
                self._db.execute(
                    "INSERT INTO captures(url, status, fetched_at, source, attachment, reason)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (url, status, now, source, int(attachment), reason),
                )
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot write catalogue: {exc}", location=url) from exc

    def _refresh_validators(self, row: CatalogueRow, capture: Capture) -> None:
        etag, modified = capture.header("etag"), capture.header("last-modified")
        if (etag, modified) != (row.etag, row.last_modified):
            with self._transaction():
                self._db.execute(
                    "UPDATE captures SET etag = ?, last_modified = ? WHERE id = ?", (etag, modified, row.id)
                )

    def _append(self, capture: Capture) -> tuple[str, int, int, int]:
        """Write response + request records at the committed end of the current file, fsync."""
        data, response_length = _warc_bytes(capture)
        name, committed = self._current_file(len(data))
        path = self.root / name
        try:
            with open(path, "ab") as fh:
                if fh.tell() != committed:
                    raise ArchiveError(
                        f"{name} has {fh.tell() - committed} unexpected bytes (another writer?)",
                        location=str(path),
                    )
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if committed == 0:
                _fsync_dir(self.root)  # a new file's directory entry must survive a crash too
        except OSError as exc:
            raise ArchiveError(f"cannot write WARC: {exc}", location=str(path)) from exc
        return name, committed, response_length, committed + len(data)

    def _current_file(self, incoming: int) -> tuple[str, int]:
        row = self._db.execute("SELECT name, committed FROM warc_files ORDER BY name DESC LIMIT 1").fetchone()
        if row is not None and (row["committed"] == 0 or row["committed"] + incoming <= self.warc_max_bytes):
            return str(row["name"]), int(row["committed"])
        number = 0 if row is None else int(str(row["name"])[len(WARC_PREFIX) : -len(WARC_SUFFIX)]) + 1
        name = f"{WARC_PREFIX}{number:05d}{WARC_SUFFIX}"
        with self._transaction():
            self._db.execute("INSERT INTO warc_files(name, committed) VALUES (?, 0)", (name,))
        return name, 0

    def _insert(
        self,
        capture: Capture,
        warc_file: str | None,
        offset: int | None,
        length: int | None,
        end: int | None,
        *,
        note: str | None,
    ) -> int:
        captured = capture.captured_at or capture.fetched_at
        values = (
            capture.url, capture.target_uri, capture.status, _iso(capture.fetched_at), _iso(captured),
            capture.sha256, capture.header("etag"), capture.header("last-modified"),
            capture.header("content-type"), warc_file, offset, length, capture.source,
            int(capture.attachment), note,
        )  # fmt: skip
        try:
            with self._transaction():
                cur = self._db.execute(
                    "INSERT INTO captures(url, final_url, status, fetched_at, captured_at, sha256, etag,"
                    " last_modified, content_type, warc_file, warc_offset, warc_length, source, attachment, note)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
                if end is not None:
                    self._db.execute("UPDATE warc_files SET committed = ? WHERE name = ?", (end, warc_file))
                self._db.execute("DELETE FROM captures WHERE url = ? AND warc_file IS NULL", (capture.url,))
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot write catalogue: {exc}", location=capture.url) from exc
        return int(cur.lastrowid or 0)

    def _get(self, row_id: int) -> CatalogueRow:
        row = _row(self._db.execute("SELECT * FROM captures WHERE id = ?", (row_id,)).fetchone())
        assert row is not None
        return row

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT / ROLLBACK on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _warc_bytes(capture: Capture) -> tuple[bytes, int]:
    """The response and request records (gzip per record); returns (bytes, response length)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    date = (capture.captured_at or capture.fetched_at).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = [(k, v) for k, v in capture.headers if k.lower() not in DROP_HEADERS]
    status_line = f"{capture.status} {capture.reason_phrase or _phrase(capture.status)}"
    http_headers = StatusAndHeaders(status_line, headers, protocol=capture.http_version or "HTTP/1.1")
    warc_headers = {"WARC-Date": date, **dict(capture.extra_warc_headers)}
    response = writer.create_warc_record(
        capture.target_uri, "response", payload=io.BytesIO(capture.body), length=len(capture.body),
        http_headers=http_headers, warc_headers_dict=warc_headers,
    )  # fmt: skip
    writer.write_record(response)
    response_length = buffer.tell()
    parts = urlsplit(capture.target_uri)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request_headers = StatusAndHeaders(
        f"GET {path}", list(capture.request_headers), protocol="HTTP/1.1", is_http_request=True
    )
    request = writer.create_warc_record(
        capture.target_uri, "request", http_headers=request_headers,
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")},
    )  # fmt: skip
    writer.write_record(request)
    return buffer.getvalue(), response_length


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _join_notes(*notes: str | None) -> str | None:
    joined = "; ".join(n for n in notes if n)
    return joined or None


def _row(row: sqlite3.Row | None) -> CatalogueRow | None:
    if row is None:
        return None
    data = dict(row)
    data["attachment"] = bool(data["attachment"])
    return CatalogueRow(**data)
