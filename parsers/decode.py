"""Bytes → text: the first parser stage, and the one where every off-the-shelf tool fails quietly.

Chinese government pages declare their charset badly: ``gb2312`` over bytes that use GBK-only
characters (朱镕基, Traditional mirrors), a stale ``<meta charset=gbk>`` over bytes a proxy
re-encoded to UTF-8, two metas that disagree, a meta pushed past byte 1024 by injected spam
scripts, or nothing at all. So the declaration is evidence, not an order:

1. a byte-order mark wins outright;
2. the HTTP ``Content-Type`` charset, every ``<meta>`` charset in the head (tolerant prescan of
   the first :data:`~parsers.charset.PRESCAN_BYTES`) and an XML declaration are collected, in
   that priority;
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

This module is the decision: the cascade above and the decoding attempts it weighs. What it
weighs comes from three modules that know nothing of the cascade: :mod:`parsers.sniff` (is this
a web page at all), :mod:`parsers.charset` (what the page declares, and which codec a label
means) and :mod:`parsers.textscore` (how Chinese, and how damaged, a decoded text reads).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from parsers.charset import _BIG5, _BOMS, _GB, _SKIP_RE, _UTF8, _Decl, _declarations, _resolve
from parsers.errors import NotAReport
from parsers.model import EncodingInfo
from parsers.sniff import _reject, _reject_nul_heavy
from parsers.textscore import _looks_like_gbk_as_utf8, _mojibake, _score, non_ascii

__all__ = ["DETECT_MIN_TEXT", "Decoded", "decode_html"]

#: Minimum amount of tag-stripped text before charset-normalizer may be asked (its guesses on
#: short GBK strings are cp949 or utf_16_be garbage).
DETECT_MIN_TEXT = 1024

#: Strict decoders tried in order for the Big5 family: plain Big5, Microsoft's ETEN-extended
#: cp950 (裏 碁 恒), then HKSCS (堃).
_BIG5_CODECS = ("big5", "cp950", "big5hkscs")
#: Score of clean Chinese text: accepted without trying the rest; needed to overrule a declaration.
_CLEAN = 0.9
#: Below this a strict decode is not trusted as the answer unless it was declared.
_FLOOR = 0.3


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
