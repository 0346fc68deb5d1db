"""Bytes that are not a web page at all: empty bodies, binary formats, NUL-heavy bodies.

Split from :mod:`parsers.decode`. These checks look at raw bytes before any charset is chosen
and only ever raise :class:`~parsers.errors.NotAReport`; :func:`sniff_binary` is also useful on
its own (a magic-number lookup with no decoding).
"""

from __future__ import annotations

from parsers.errors import NotAReport

__all__ = ["sniff_binary"]

_WS = b" \t\r\n\f\v"
#: (magic, offset, kind); checked against the body with leading white space removed.
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "PDF"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG"),
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"GIF87a", 0, "GIF"),
    (b"GIF89a", 0, "GIF"),
    (b"PK\x03\x04", 0, "ZIP/Office"),
    (b"PK\x05\x06", 0, "ZIP/Office"),
    (b"PK\x07\x08", 0, "ZIP/Office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "OLE2 (DOC/XLS)"),
    (b"\x1f\x8b", 0, "GZIP"),
    (b"Rar!\x1a\x07", 0, "RAR"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7Z"),
    (b"\xfd7zXZ\x00", 0, "XZ"),
    (b"\x28\xb5\x2f\xfd", 0, "ZSTD"),
    (b"{\\rtf", 0, "RTF"),
    (b"%!PS", 0, "PostScript"),
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"WEBP", 8, "WEBP"),
    (b"AVI ", 8, "AVI"),
    (b"WAVE", 8, "WAV"),
    (b"ftyp", 4, "MP4/MOV"),
    (b"OggS", 0, "OGG"),
    (b"\x1a\x45\xdf\xa3", 0, "WEBM/MKV"),
    (b"\x7fELF", 0, "ELF"),
    (b"wOFF", 0, "WOFF"),
    (b"wOF2", 0, "WOFF"),
)


def sniff_binary(body: bytes) -> str | None:
    """Name the binary format ``body`` starts with (``"PDF"``, ``"PNG"``, ``"ZIP/Office"``…), or None.

    Only magic numbers: a web page never starts with them, so a hit means the URL served a
    file (an attachment, an image, a compressed body) rather than the report page. Formats
    whose magic is plain text (``BM``, ``MZ``, ``ID3``, ``FWS``, ``BZh``) need a second check so
    that a text file starting with those letters is not taken for binary.
    """
    head = bytes(body[:1024]).lstrip(_WS)[:64]
    if not head:
        return None
    for magic, offset, kind in _MAGIC:
        if head.startswith(magic, offset):
            return kind
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        return "BZIP2"
    if head.startswith(b"BM") and len(head) >= 14 and head[6:10] == b"\x00\x00\x00\x00":
        return "BMP"
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return "EXE"
    if head.startswith(b"ID3") and len(head) > 5 and head[3] < 0x10:
        return "MP3"
    if head[:3] in (b"FWS", b"CWS", b"ZWS") and len(head) > 3 and head[3] < 0x40:
        return "SWF"
    return None


def _reject(body: bytes, location: str | None) -> None:
    """Raise NotAReport for empty bodies and binary files (magic number)."""
    if not body.strip(_WS + b"\x00"):
        reason = "empty file" if not body else "empty file (only white space or NUL bytes)"
        raise NotAReport(reason, location=location, kind="empty")
    kind = sniff_binary(body)
    if kind is not None:
        hint = " (a compressed body: was Content-Encoding ignored?)" if kind in ("GZIP", "ZSTD") else ""
        raise NotAReport(f"binary file ({kind}), not a web page{hint}", location=location, kind="binary")


def _reject_nul_heavy(body: bytes, location: str | None) -> None:
    head = body[:4096]
    nul = head.count(0)
    if nul >= 32 or nul * 10 > len(head):
        raise NotAReport(
            f"binary file ({nul} NUL bytes in the first 4 KB), not a web page", location=location, kind="binary"
        )
