"""Charset declarations of a page and the codec each label resolves to.

Split from :mod:`parsers.decode`: the evidence side of decoding (byte-order marks, the HTTP
``Content-Type`` charset, the tolerant ``<meta>`` prescan, the XML declaration) and the label
tables that map what pages write (``gb2312``, ``x-gbk``, ``big5-hkscs`` …) to the Python codec we
decode with. Nothing here decodes a page; :mod:`parsers.decode` weighs these declarations.
``_GB``, ``_BIG5`` and ``_UTF8`` are the canonical codec names labels resolve to; the cascade
compares its candidates against them.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["PRESCAN_BYTES"]

#: How much of the head the ``<meta>`` prescan reads. Browsers stop at 1024 bytes; spam
#: scripts at the top of ``<head>`` push real metas well past that, so read further.
PRESCAN_BYTES = 16 * 1024

_GB = "gb18030"
_BIG5 = "big5"
_UTF8 = "utf-8"

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_LABEL = rb"""["']?\s*([A-Za-z0-9][A-Za-z0-9_.:+\-]{0,39})"""
_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9][A-Za-z0-9_.:+\-]{0,39})""", re.I)
#: Comments and scripts are skipped by the prescan: a commented-out meta or a
#: ``document.write('<meta charset=…>')`` declares nothing.
_SKIP_RE = re.compile(rb"<!--.*?-->|<script\b[^>]*>.*?</script\s*>", re.I | re.S)
#: ``_SKIP_RE`` without IGNORECASE, and a meta tag tolerant of junk (``httpequiv``, missing
#: quotes, a missing ``>``), for the lower-cased prescan bytes: the same spans (on bytes,
#: IGNORECASE folds only ASCII letters, which ``bytes.lower`` folds), and the literal ``<``
#: prefixes then let ``re`` skip ahead (the case-insensitive scans cost more than the
#: lower-casing copy).
_SKIP_LOW_RE = re.compile(rb"<!--.*?-->|<script\b[^>]*>.*?</script\s*>", re.S)
_META_LOW_RE = re.compile(rb"<meta\b([^<>]{0,1024})")
_META_CHARSET_RE = re.compile(rb"charset\s*=\s*" + _LABEL, re.I)
_XML_DECL_RE = re.compile(rb"<\?xml\b[^>]{0,200}?\bencoding\s*=\s*" + _LABEL, re.I)
_SQUASH_RE = re.compile(r"[\s_.:+\-]+")

#: Squashed labels (lower-case, no punctuation) that mean GBK, i.e. gb18030 for decoding.
_GB_LABELS = frozenset(
    [
        "gb2312",
        "gbk",
        "xgbk",
        "cp936",
        "ms936",
        "windows936",
        "936",
        "chinese",
        "csgb2312",
        "csiso58gb231280",
        "euccn",
        "xeuccn",
        "gb231280",
        "gb23121980",
        "isoir58",
        "gb18030",
        "gb",
        "gbk2312",
        "xgb2312",
        "cngb",
        "csgbk",
    ]
)
_UTF8_LABELS = frozenset(["utf8", "unicode11utf8", "unicode20utf8", "xunicode20utf8"])
#: UTF-16/32 labels: a meta readable as ASCII cannot be right about them (WHATWG → UTF-8).
_WIDE_LABELS = frozenset(
    ["unicode", "csunicode", "unicodefeff", "unicodefffe", "iso10646ucs2", "ucs2", "ucs4"]
)
_LATIN_LABELS = frozenset(
    [
        "iso88591",
        "latin1",
        "l1",
        "ascii",
        "usascii",
        "windows1252",
        "cp1252",
        "cp819",
        "ibm819",
        "isoir100",
        "csisolatin1",
        "ansix341968",
        "iso646us",
        "us",
    ]
)
#: Python codecs that are not web charsets (or are dangerous, like UTF-7).
_NOT_CHARSETS = frozenset(
    [
        "undefined",
        "idna",
        "punycode",
        "unicode-escape",
        "raw-unicode-escape",
        "utf-7",
        "mbcs",
        "oem",
        "hz",
        "iso2022-kr",
        "iso2022-jp",
        "iso2022-jp-1",
        "iso2022-jp-2",
        "iso2022-jp-2004",
        "iso2022-jp-3",
        "iso2022-jp-ext",
    ]
)


@dataclass(frozen=True, slots=True)
class _Decl:
    """One charset declaration: the label as written, where, and the codec it resolves to."""

    where: str  # http | meta | xml
    label: str
    codec: str | None  # None: unknown label

    @property
    def tag(self) -> str:
        return f"{self.where}:{self.label}"


def _resolve(label: str) -> str | None:
    """Map a charset label to the Python codec we decode with (GB family → gb18030), or None."""
    key = _SQUASH_RE.sub("", label.lower())
    if key in _GB_LABELS or key.startswith(("gb2312", "gbk", "gb18030", "xgbk", "xgb2312")):
        return _GB
    if key in _UTF8_LABELS or key.startswith("utf8"):
        return _UTF8
    if key in _WIDE_LABELS or key.startswith(("utf16", "utf32")):
        return _UTF8
    if key.startswith(("big5", "csbig5", "xxbig5", "cnbig5", "xbig5")) or key in (
        "cp950",
        "ms950",
        "windows950",
    ):
        return _BIG5
    if key in _LATIN_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label.strip().lower()).name
        b"".decode(name)  # LookupError for bytes↔bytes codecs (base64, zlib…)
    except (LookupError, ValueError, TypeError):
        return None
    return None if name in _NOT_CHARSETS else name


def _header_value(headers: Mapping[str, str] | None, name: str) -> str | None:
    """The header ``name`` (callers pass lower-case keys; tolerate others)."""
    if not headers:
        return None
    try:
        value = headers.get(name)
        if value is None:
            value = next((v for k, v in headers.items() if str(k).lower() == name), None)
    except Exception:  # a hostile Mapping must not break decoding
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return None if value is None else str(value)


def _declarations(body: bytes, headers: Mapping[str, str] | None) -> list[_Decl]:
    """Every declared charset, in priority order: HTTP, metas in page order, XML declaration."""
    found: list[_Decl] = []
    content_type = _header_value(headers, "content-type")
    if content_type:
        m = _HEADER_CHARSET_RE.search(content_type)
        if m:
            found.append(_Decl("http", m.group(1).lower(), _resolve(m.group(1))))
    head = body[:PRESCAN_BYTES]
    if b"<" in head:
        # lower-cased: the charset search below is case-insensitive and its label is lowered
        stripped = _SKIP_LOW_RE.sub(b" ", head.lower())
        for meta in _META_LOW_RE.finditer(stripped):
            m = _META_CHARSET_RE.search(meta.group(1))
            if m:
                label = m.group(1).decode("ascii").lower()
                found.append(_Decl("meta", label, _resolve(label)))
        m = _XML_DECL_RE.search(head, 0, 1024)
        if m:
            label = m.group(1).decode("ascii").lower()
            found.append(_Decl("xml", label, _resolve(label)))
    unique: list[_Decl] = []
    for decl in found:
        if decl not in unique:
            unique.append(decl)
    return unique
