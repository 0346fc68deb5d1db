"""Bytes → text: the first parser stage, and the one where every off-the-shelf tool fails quietly.

Chinese government pages declare their charset badly: ``gb2312`` over bytes that use GBK-only
characters (朱镕基, Traditional mirrors), a stale ``<meta charset=gbk>`` over bytes a proxy
re-encoded to UTF-8, two metas that disagree, a meta pushed past byte 1024 by injected spam
scripts, or nothing at all. So the declaration is evidence, not an order:

1. a byte-order mark wins outright;
2. the HTTP ``Content-Type`` charset, every ``<meta>`` charset in the head (tolerant prescan of
   the first :data:`PRESCAN_BYTES`) and an XML declaration are collected, in that priority;
   every GB-family label means ``gb18030`` (the WHATWG GBK decoder *is* the gb18030 decoder,
   while Python's ``gb2312`` fails on 镕 and Traditional characters);
3. bytes that are strictly valid UTF-8 (and contain non-ASCII) are UTF-8 whatever the
   declaration says, unless the result looks like GBK read as UTF-8;
4. otherwise the declared encodings, then ``gb18030`` and ``big5``, are decoded strictly and
   scored by their share of common CJK characters minus mojibake and private-use penalties;
5. charset-normalizer is asked only when nothing decodes cleanly and there is at least
   :data:`DETECT_MIN_TEXT` bytes of text (it mislabels short GBK strings);
6. last, the best lossy decode (``errors="replace"``) with a warning: a damaged page still yields
   text, and the report says what went wrong.

Damage already present in the bytes (U+FFFD saved by a scraper, mojibake) is counted and warned
about, never "repaired". Empty bodies and binary files raise :class:`~parsers.errors.NotAReport`;
nothing else is raised for any input bytes.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from parsers.errors import NotAReport
from parsers.model import EncodingInfo

__all__ = ["DETECT_MIN_TEXT", "PRESCAN_BYTES", "Decoded", "decode_html", "non_ascii", "sniff_binary"]

#: How much of the head the ``<meta>`` prescan reads. Browsers stop at 1024 bytes; spam
#: scripts at the top of ``<head>`` push real metas well past that, so read further.
PRESCAN_BYTES = 16 * 1024
#: Minimum amount of tag-stripped text before charset-normalizer may be asked (its guesses on
#: short GBK strings are cp949 or utf_16_be garbage).
DETECT_MIN_TEXT = 1024

_GB = "gb18030"
_BIG5 = "big5"
_UTF8 = "utf-8"
#: Strict decoders tried in order for the Big5 family: plain Big5, Microsoft's ETEN-extended
#: cp950 (裏 碁 恒), then HKSCS (堃).
_BIG5_CODECS = ("big5", "cp950", "big5hkscs")
#: Score of clean Chinese text: accepted without trying the rest; needed to overrule a declaration.
_CLEAN = 0.9
#: Below this a strict decode is not trusted as the answer unless it was declared.
_FLOOR = 0.3
#: Characters sampled for scoring (enough to tell encodings apart, cheap on 200 KB pages).
_SAMPLE_CHARS = 4000


@dataclass(frozen=True, slots=True)
class Decoded:
    """The page text plus how it was obtained; ``warnings`` are for the report, one per issue."""

    text: str
    info: EncodingInfo
    warnings: tuple[str, ...] = ()
    #: :func:`non_ascii` of ``text`` (computed anyway for the mojibake count), for later
    #: stages that scan the non-ASCII characters only (:func:`parsers.script.to_simplified`)
    wide: str = field(default="", repr=False, compare=False)


# --------------------------------------------------------------------------------------------
# Binary sniffing

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


# --------------------------------------------------------------------------------------------
# Declarations: HTTP header, <meta> prescan, XML declaration

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
#: A meta tag, tolerant of junk (``httpequiv``, missing quotes, a missing ``>``).
_META_RE = re.compile(rb"<meta\b([^<>]{0,1024})", re.I)
#: The two above without IGNORECASE, for the lower-cased prescan bytes: the same spans (on
#: bytes, IGNORECASE folds only ASCII letters, which ``bytes.lower`` folds), and the literal
#: ``<`` prefixes then let ``re`` skip ahead (the case-insensitive scans cost more than the
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


# --------------------------------------------------------------------------------------------
# Scoring and damage signatures


def _common_chars() -> frozenset[str]:
    """Characters a correctly decoded Chinese page is mostly made of.

    GB2312 level 1 (3,755 characters, B0A1–D7F9) covers over 99 % of Simplified running text;
    Big5 level 1 (5,401 characters, A440–C67E) does the same for Traditional; plus the
    full-width punctuation, digits and table marks of report pages.
    """
    gb = bytes(b for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF) for b in (lead, trail))
    big5 = bytes(
        b
        for lead in range(0xA4, 0xC7)
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF))
        if lead < 0xC6 or trail < 0x7F
        for b in (lead, trail)
    )
    chars = set(gb.decode("gb2312", "ignore")) | set(big5.decode("big5", "ignore"))
    chars.update("，。、；：？！…—·“”‘’（）《》〈〉【】「」『』〔〕○〇×√※％＋－＝／．～·")
    chars.update(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width ASCII
    chars.update(chr(c) for c in range(0x2460, 0x2474))  # ① … ⑳
    chars.update(chr(c) for c in range(0x2160, 0x216C))  # Ⅰ … Ⅻ
    return frozenset(chars)


_COMMON = _common_chars()
#: Runs of common characters: deleting them and comparing lengths counts them (one C pass;
#: ``str.translate`` with a 9,000-entry table does a dict lookup per character).
_COMMON_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_COMMON)) + "]+")
#: ASCII bytes: deleting them from UTF-8 leaves exactly the non-ASCII characters' bytes.
_ASCII = bytes(range(0x80))
#: The non-ASCII white space of ``str.isspace`` (what ``\s`` matches) and U+FEFF.
_WIDE_SPACE = "\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_WIDE_SPACE_RE = re.compile(f"[{_WIDE_SPACE}]+")
#: Characters no correct decode of a Chinese page produces in quantity: C1 controls,
#: private-use area (gb18030's user-defined rows), U+FFFD.
_BAD_RE = re.compile(r"[\x80-\x9f\ue000-\uf8ff\ufffd]")
#: Letters from the two-byte UTF-8 range: what GBK bytes become when read as UTF-8.
_LOW_RE = re.compile(r"[\u00c0-\u07ff]")
_CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
#: The same minus U+3000, the one white-space character in it (samples leave it out).
_CJK_SAMPLED_RE = re.compile(r"[\u2e80-\u2fff\u3001-\u9fff\uf900-\ufaff\uff00-\uffef]")

# Mojibake signatures (page-layouts.md §3).
#: UTF-8 read as GBK, whole sequences: 锟斤拷 is U+FFFD's UTF-8 bytes read as GBK; 棣栭〉 首页,
#: 缃戠珯 网站, 鏀垮簻 政府, 淇℃伅 信息. 烫烫烫 / 屯屯屯 are uninitialised buffers (0xCC / 0xCD).
_STRONG_RE = re.compile("锟斤拷|烫烫烫|屯屯屯|棣栭〉|缃戠珯|鏀垮簻|淇℃伅")
#: UTF-8 read as GBK, single tells: a lead byte E5–E9 plus a continuation byte gives these rare
#: characters (鍙 from 发/受/可, 銆 from 、。《》, 锛 from ，：（）); one alone may be a real word.
_TELLS = "鍙鏃銆锛鎭鍖绱鐨鏈鍏鍦闂鏂缁鏀搴"
_WEAK_MIN = 3
#: GBK read as UTF-8: stray valid two-byte sequences (为 → Ϊ, 息 → Ϣ, 取 → ȡ, 营 → Ӫ).
_GBK_AS_UTF8 = "\u03aa\u03e2\u0221\u04ea"
#: UTF-8 read as Latin-1 / cp1252: a lead byte (Â–ï) followed by a continuation byte's character.
_LATIN_CONT = frozenset([chr(c) for c in range(0x80, 0xC0)] + list("ŒœŠšŸŽžƒˆ˜–—‘’‚“”„†‡•…‰‹›€™"))
#: Every character a signature can start with: one cheap scan decides whether to look closer.
_FIRST_RE = re.compile(f"[锟烫屯棣缃淇{_TELLS}{_GBK_AS_UTF8}\ufffd\u00c2-\u00ef]")
_MOJIBAKE_KINDS = {
    "u8gbk": "UTF-8 read as GBK",
    "gbku8": "GBK read as UTF-8",
    "latin": "UTF-8 read as Latin-1",
}


def _mojibake(text: str, wide: str | None = None) -> tuple[int, list[str]]:
    """Count mojibake signatures in ``text``; return (hits, kinds found, sorted).

    Every character a signature starts with is non-ASCII, and report pages are mostly ASCII
    markup (5–25 % of their characters are not): which of them occur is found by one scan of
    :func:`non_ascii` (``wide``, when the caller has it), and only their positions are visited
    (the counts do not depend on the order of the visits)."""
    found = set(_FIRST_RE.findall(non_ascii(text) if wide is None else wide))
    strong = weak = gbku8 = latin = 0
    size = len(text)
    for i in _positions(text, found):
        ch = text[i]
        if ch == "\ufffd":
            if (i and "\u0100" <= text[i - 1] <= "\u07ff") or (
                i + 1 < size and "\u0100" <= text[i + 1] <= "\u07ff"
            ):
                gbku8 += 1
        elif ch in _GBK_AS_UTF8:
            gbku8 += 1
        elif ch <= "\u00ef":
            if i + 1 < size and text[i + 1] in _LATIN_CONT:
                latin += 1
        elif _STRONG_RE.match(text, i):
            strong += 1
        elif ch in _TELLS:
            weak += 1
    u8gbk = strong + (weak if weak >= _WEAK_MIN else 0)
    latin = latin if latin >= _WEAK_MIN else 0
    counts = {"u8gbk": u8gbk, "gbku8": gbku8, "latin": latin}
    return sum(counts.values()), sorted(_MOJIBAKE_KINDS[k] for k, v in counts.items() if v)


def _positions(text: str, chars: set[str]) -> list[int]:
    """Every index of ``text`` holding one of ``chars``, ascending (``str.find`` per character:
    a page holds a few of them if any, and each search skips ahead in C)."""
    out: list[int] = []
    for ch in chars:
        i = text.find(ch)
        while i >= 0:
            out.append(i)
            i = text.find(ch, i + 1)
    if len(chars) > 1:
        out.sort()
    return out


def _sample(text: str) -> str:
    """Up to _SAMPLE_CHARS non-ASCII, non-space characters from the start of ``text``.

    Deleting the rest from a prefix keeps the order, so the sample of a prefix is a prefix of
    the sample: the prefix grows until it yields enough (markup-heavy pages need ~50 KB)."""
    size = 16 * _SAMPLE_CHARS
    while True:
        sample = _sampled(text[:size])
        if len(sample) >= _SAMPLE_CHARS or size >= len(text):
            return sample[:_SAMPLE_CHARS]
        size *= 4


def non_ascii(text: str) -> str:
    """``text`` without its ASCII characters, in order. Done on UTF-8 bytes: one C-level byte
    deletion (~1 ns a character) instead of a regex scan (~3–10 ns a character); a test for
    non-ASCII characters then scans only these (a tenth of a page's characters or less)."""
    return text.encode("utf-8", "surrogatepass").translate(None, _ASCII).decode("utf-8", "surrogatepass")


def _sampled(text: str) -> str:
    """``text`` without ASCII, white space and U+FEFF. Done on UTF-8 bytes: one C-level byte
    deletion instead of a regex match per ASCII run (thousands on a page)."""
    kept = non_ascii(text)
    # every character of _WIDE_SPACE is non-printable, so a printable rest has none
    return kept if kept.isprintable() else _WIDE_SPACE_RE.sub("", kept)


def _score(text: str) -> float:
    """Share of common CJK characters among the non-ASCII ones, minus damage penalties.

    1.0 for a correct decode of a Chinese page (and for pure ASCII); a wrong CJK codec gives
    kana, private-use and rare characters and mojibake tells, and scores below zero.
    """
    sample = _sample(text)
    if not sample:
        return 1.0
    common = len(sample) - len(_COMMON_RE.sub("", sample))
    bad = len(_BAD_RE.findall(sample))
    hits, _ = _mojibake(sample)
    return (common - 2 * bad - 2 * hits) / len(sample)


# --------------------------------------------------------------------------------------------
# Decoding attempts


@dataclass(frozen=True, slots=True)
class _Attempt:
    text: str
    codec: str  # the Python codec actually used
    family: str  # the canonical codec it stands for (big5 for cp950 …)
    truncated: int = 0  # bytes of an incomplete trailing character dropped


_INCOMPLETE = ("unexpected end of data", "incomplete multibyte sequence", "truncated data")


def _strict(body: bytes, codec: str) -> _Attempt | None:
    """Strict decode, or None; a page cut inside its last character still counts as clean."""
    names = _BIG5_CODECS if codec == _BIG5 else (codec,)
    for name in names:
        try:
            return _Attempt(body.decode(name), name, codec)
        except UnicodeDecodeError as err:
            # Truncated download or capped archive: only an incomplete sequence at the very end.
            cut = err.end == len(body) and len(body) - err.start <= 3 and err.reason in _INCOMPLETE
            if not cut:
                continue
            try:
                return _Attempt(body[: err.start].decode(name), name, codec, len(body) - err.start)
            except Exception:
                continue
        except Exception:  # exotic declared codecs may raise anything
            continue
    return None


def _lossy(body: bytes, codec: str) -> _Attempt:
    name = _BIG5_CODECS[-1] if codec == _BIG5 else codec
    try:
        return _Attempt(body.decode(name, "replace"), name, codec)
    except Exception:
        return _Attempt(body.decode(_UTF8, "replace"), _UTF8, _UTF8)


def _ascii_compatible(codec: str) -> bool:
    try:
        return "<a>".encode(codec) == b"<a>"
    except Exception:
        return False


_MARKUP_RE = re.compile(rb"<style\b.*?</style\s*>|<[^>]*>|&[a-z#0-9]+;|\s+", re.I | re.S)


def _text_size(body: bytes) -> int:
    """Bytes of text once scripts, styles, comments, tags and white space are removed."""
    return len(_MARKUP_RE.sub(b"", _SKIP_RE.sub(b"", body)))


def _detect(body: bytes) -> _Attempt | None:
    """charset-normalizer, restricted to a CJK shortlist; None when it has no answer."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(
            body,
            cp_isolation=["utf_8", "gb18030", "big5", "cp950", "shift_jis", "euc_jp", "euc_kr", "cp949"],
            preemptive_behaviour=False,
        ).best()
    except Exception:
        return None
    if best is None:
        return None
    codec = _resolve(best.encoding) or best.encoding
    return _strict(body, codec)


# --------------------------------------------------------------------------------------------
# The cascade


_NON_BLANK_RE = re.compile(r"[^\s\x00\ufeff]")


def decode_html(
    body: bytes, headers: Mapping[str, str] | None = None, *, location: str | None = None
) -> Decoded:
    """Decode a page's bytes to text, recording the evidence (see the module docstring).

    ``headers`` are the HTTP response headers with lower-case keys (or None for a saved file).
    Raises :class:`NotAReport` for empty and binary bodies; nothing else.
    """
    if isinstance(body, str):  # already text: nothing to decide
        text = body.lstrip("\ufeff")
        if not _NON_BLANK_RE.search(text):
            raise NotAReport("empty file (only white space)", location=location, kind="empty")
        return _finish(text, "str", "str", (), False, [], pre_damaged=True)
    body = bytes(body)
    _reject(body, location)
    warnings: list[str] = []
    decls = _declarations(body, headers)
    for d in decls:
        if d.codec is None:
            warnings.append(f"encoding: unknown charset label {d.label!r} ({d.where}) ignored")
    known = [d for d in decls if d.codec is not None]
    families = {d.codec for d in known}
    if len(families) > 1:
        warnings.append("encoding: conflicting declarations " + ", ".join(d.tag for d in known))

    bom = next(((mark, codec) for mark, codec in _BOMS if body.startswith(mark)), None)
    pre_damaged = True
    if bom is not None:
        mark, codec = bom
        attempt = _strict(body[len(mark) :], codec)
        if attempt is None:
            attempt = _lossy(body[len(mark) :], codec)
            pre_damaged = False
            warnings.append(
                f"encoding: byte-order mark says {codec} but the bytes are not; used errors=replace "
                f"({attempt.text.count(chr(0xFFFD))} U+FFFD)"
            )
        source = "bom"
    else:
        attempt, source = _decode_unmarked(body, known, warnings, location)
        pre_damaged = source != "fallback"

    text = attempt.text.lstrip("\ufeff")
    if not _NON_BLANK_RE.search(text):
        raise NotAReport("empty file (only white space)", location=location, kind="empty")
    if attempt.truncated:
        warnings.append(f"encoding: page ends inside a character ({attempt.truncated} byte(s) dropped)")
    family = "utf-8" if attempt.family.startswith("utf-16") else attempt.family
    conflict = len(families) > 1 or (bool(known) and family != known[0].codec)
    declared = tuple(d.tag for d in decls)
    return _finish(text, attempt.codec, source, declared, conflict, warnings, pre_damaged=pre_damaged)


def _finish(
    text: str,
    used: str,
    source: str,
    declared: tuple[str, ...],
    conflict: bool,
    warnings: list[str],
    *,
    pre_damaged: bool,
) -> Decoded:
    """Count damage, add its warnings, build the result."""
    replacement = text.count("\ufffd")
    if replacement and pre_damaged:
        warnings.append(
            f"encoding: {replacement} U+FFFD replacement character(s) already in the bytes "
            "(page damaged before it was saved)"
        )
    wide = non_ascii(text)
    hits, kinds = _mojibake(text, wide)
    if hits:
        warnings.append(f"encoding: {hits} mojibake signature(s) ({', '.join(kinds)})")
    info = EncodingInfo(
        used=used,
        source=source,
        declared=declared,
        conflict=conflict,
        replacement_chars=replacement,
        mojibake_hits=hits,
    )
    return Decoded(text=text, info=info, warnings=tuple(warnings), wide=wide)


def _decode_unmarked(
    body: bytes, known: list[_Decl], warnings: list[str], location: str | None
) -> tuple[_Attempt, str]:
    """The cascade for bytes without a BOM; returns the attempt and its ``source``."""
    wide = _utf16_without_bom(body)
    if wide is not None:
        warnings.append(f"encoding: {wide.codec} without a byte-order mark")
        return wide, "detected"
    _reject_nul_heavy(body, location)
    if body.isascii():
        primary = known[0] if known else None
        if primary is not None and primary.codec and _ascii_compatible(primary.codec):
            return _Attempt(body.decode("ascii"), primary.codec, primary.codec), primary.where
        return _Attempt(body.decode("ascii"), _UTF8, _UTF8), "utf8"
    return (
        _utf8_verdict(body, known, warnings)
        or _strict_verdict(body, known, warnings)
        or _last_resort(body, known, warnings)
    )


def _utf8_verdict(body: bytes, known: list[_Decl], warnings: list[str]) -> tuple[_Attempt, str] | None:
    """Strictly valid UTF-8 (with non-ASCII bytes) is UTF-8 whatever the declaration says …"""
    utf8 = _strict(body, _UTF8)
    if utf8 is None:
        return None
    if _looks_like_gbk_as_utf8(utf8.text):
        # … unless it reads like GB bytes taken for UTF-8 and reads as clean Chinese in gb18030.
        gb = _strict(body, _GB)
        if gb is not None and _score(gb.text) >= _CLEAN:
            return _settle(gb, known, warnings)
    _warn_overridden(_UTF8, known, warnings)
    return utf8, next((d.where for d in known if d.codec == _UTF8), "utf8")


def _strict_verdict(body: bytes, known: list[_Decl], warnings: list[str]) -> tuple[_Attempt, str] | None:
    """Declared encodings, then gb18030 and Big5, decoded strictly and scored; None if none fits.

    A declaration that decodes is overruled only by clearly Chinese text: a Russian page in
    cp1251 also "decodes" as gb18030, into rare characters scoring about 0.6.
    """
    order = list(dict.fromkeys([d.codec for d in known if d.codec and d.codec != _UTF8] + [_GB, _BIG5]))
    declared = {d.codec for d in known}
    best: tuple[float, _Attempt] | None = None
    first_declared: tuple[float, _Attempt] | None = None
    for family in order:
        attempt = _strict(body, family)
        if attempt is None:
            continue
        score = _score(attempt.text)
        if family in declared and first_declared is None:
            first_declared = (score, attempt)
        if best is None or score > best[0]:
            best = (score, attempt)
        if score >= _CLEAN:
            break
    if best is None:
        return None
    if first_declared is not None and best[0] < max(_CLEAN, first_declared[0] + 0.3):
        best = first_declared
    elif first_declared is None and best[0] < _FLOOR and _text_size(body) >= DETECT_MIN_TEXT:
        return None  # a weak guess on plenty of text: let charset-normalizer try first
    if best[0] < _FLOOR and best[1].family in (_GB, _BIG5):
        warnings.append(
            f"encoding: low confidence in {best[1].codec} (text looks wrong, score {best[0]:.2f})"
        )
    return _settle(best[1], known, warnings)


def _last_resort(body: bytes, known: list[_Decl], warnings: list[str]) -> tuple[_Attempt, str]:
    """charset-normalizer on enough text, else the best lossy decode (with a warning)."""
    if _text_size(body) >= DETECT_MIN_TEXT:
        detected = _detect(body)
        if detected is not None:
            warnings.append(
                f"encoding: no declared or common encoding fits; charset-normalizer guessed {detected.codec}"
            )
            return detected, "detected"
        weak = _strict(body, _GB)
        if weak is not None:
            warnings.append(f"encoding: low confidence in {weak.codec} (text looks wrong)")
            return _settle(weak, known, warnings)
    candidates = dict.fromkeys([d.codec for d in known if d.codec] + [_UTF8, _GB])
    lossy = max(
        (_lossy(body, c) for c in candidates),
        key=lambda a: _score(a.text) - a.text.count("\ufffd") / max(1, len(a.text)),
    )
    warnings.append(
        f"encoding: no encoding decodes cleanly; used {lossy.codec} with errors=replace "
        f"({lossy.text.count(chr(0xFFFD))} U+FFFD)"
    )
    return lossy, "fallback"


def _looks_like_gbk_as_utf8(text: str) -> bool:
    """Valid UTF-8 that reads like GBK bytes taken for UTF-8 (ȫʡʵʩ for 全省实施, Ϊ for 为).

    Only short GB text can be valid UTF-8 by accident, and it then yields scattered letters from
    the two-byte range and no CJK at all. A real Russian or Vietnamese page also has letters
    there, so the caller still requires the gb18030 reading to be clean Chinese.
    """
    first = _CJK_SAMPLED_RE.search(text)
    if first is not None and len(_sampled(text[: first.start()])) < _SAMPLE_CHARS:
        return False  # the sample would hold this CJK character (the usual case: the <title>)
    sample = _sample(text)
    if not sample or _CJK_RE.search(sample):
        return False
    return len(_LOW_RE.findall(sample)) * 2 >= len(sample)


def _settle(attempt: _Attempt, known: list[_Decl], warnings: list[str]) -> tuple[_Attempt, str]:
    """Source of a strict candidate (its declaration, else ``gb18030`` / ``detected``) + warning."""
    _warn_overridden(attempt.family, known, warnings)
    where = next((d.where for d in known if d.codec == attempt.family), None)
    return attempt, where or ("gb18030" if attempt.family == _GB else "detected")


def _warn_overridden(family: str, known: list[_Decl], warnings: list[str]) -> None:
    if known and known[0].codec != family:
        name = {_UTF8: "UTF-8", _GB: "GB18030", _BIG5: "Big5"}.get(family, family)
        warnings.append(f"encoding: declared {known[0].label} but bytes are {name} ({known[0].where})")


def _utf16_without_bom(body: bytes) -> _Attempt | None:
    """UTF-16 with no BOM: NUL bytes on one parity only, and markup once decoded."""
    head = body[:4096]
    nul = head.count(0)
    if len(head) < 8 or nul < 4 or nul * 10 < len(head):
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= 0.9 * nul:
        codec = "utf-16-le"
    elif even >= 0.9 * nul:
        codec = "utf-16-be"
    else:
        return None
    usable = body[: len(body) - len(body) % 2]
    attempt = _strict(usable, codec) or _lossy(usable, codec)
    return attempt if "<" in attempt.text[:4096] else None


def _reject_nul_heavy(body: bytes, location: str | None) -> None:
    head = body[:4096]
    nul = head.count(0)
    if nul >= 32 or nul * 10 > len(head):
        raise NotAReport(
            f"binary file ({nul} NUL bytes in the first 4 KB), not a web page", location=location, kind="binary"
        )
