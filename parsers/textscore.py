"""How much a candidate decoding reads like a correct Chinese page: common-CJK share, damage.

Split from :mod:`parsers.decode`: the text-side heuristics, which never look at bytes or
declarations. :func:`_score` ranks strict decodes, :func:`_mojibake` counts the signatures of a
wrong decode already baked into the bytes, :func:`_looks_like_gbk_as_utf8` catches GB bytes that
happen to be valid UTF-8, and :func:`non_ascii` (also used by :mod:`parsers.script`) keeps only
the characters these checks need to scan.
"""

from __future__ import annotations

import re

__all__ = ["non_ascii"]

#: Characters sampled for scoring (enough to tell encodings apart, cheap on 200 KB pages).
_SAMPLE_CHARS = 4000


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
