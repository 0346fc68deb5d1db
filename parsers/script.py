"""Traditional → Simplified, once per page.

Mirrors convert whole pages to Traditional (character by character, OpenCC-like, or
Taiwan-phrase style). Converting the page text once with native OpenCC ``t2s`` is ~5× cheaper
than converting cell by cell, and makes every later stage (metadata labels, table labels,
notes) work on one script. Simplified pages are left untouched: t2s is not the identity on
them (乾/干, 著/着 …).

Most pages are Simplified, and OpenCC costs about as much as the rest of the page's text
work, so a page that holds no character t2s could change skips it (:func:`_unchanged`).
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

from .textscore import non_ascii

__all__ = ["to_simplified"]

#: runs of CJK characters (counted by deleting them: one match per run, not per character)
_CJK_RUNS = re.compile(r"[\u4e00-\u9fff]+")
#: share of CJK characters t2s changes above which a page counts as Traditional
TRADITIONAL_SHARE = 0.03

#: The OpenCC release the two constants below were derived from (its ``t2s`` dictionaries:
#: CJK_Compatibility_Ideographs, TSPhrases, TSCharactersExt, TSCharacters). Under any other
#: release the shortcut is off and every page goes through OpenCC, as before.
_CHECKED_VERSION = "1.4.2"
#: Code point ranges holding every character that t2s converts on its own.
_CANDIDATES = ((0x2E80, 0xD7FF), (0xE000, 0xFFFF), (0x20000, 0x31FFF))
#: One character of every t2s dictionary entry that changes text although none of its
#: characters changes on its own (深沈 → 深沉, 回覆 → 回复, 瞭解 → 了解, 衹得 → 只得 …). OpenCC
#: writes an entry's first value, so 想像 (想像 or 想象) and 堃 (堃 or 坤) change nothing.
_PHRASE_ONLY = "沈藉覆坏瞭哩甦衹"


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _changeable() -> re.Pattern[str] | None:
    """A character class of everything t2s may change (or None: shortcut off).

    Built once per process by converting each candidate character on its own (one OpenCC
    call, ~0.15 s), plus :data:`_PHRASE_ONLY`: a dictionary entry can only apply where all its
    characters are present, so a text with none of these characters converts to itself.
    """
    if getattr(opencc, "__version__", None) != _CHECKED_VERSION:
        return None
    chars = "".join(chr(c) for lo, hi in _CANDIDATES for c in range(lo, hi + 1))
    converted = _converter().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):
        return None
    found = {c for c, s in zip(chars, converted) if s != c}
    found.update(_PHRASE_ONLY)
    # Characters beyond the BMP are tested as one range (any of them sends the page through
    # OpenCC): ``re`` checks a class's non-BMP members one by one, its BMP ones in a bitmap.
    bmp = "".join(re.escape(c) for c in sorted(found) if c <= "\uffff")
    return re.compile(f"[{bmp}\U00020000-\U00031fff]")


def _unchanged(text: str) -> bool:
    """True when t2s is known to return ``text`` as it is (no character it could change).
    ``text`` may be given as its :func:`~parsers.textscore.non_ascii` characters: every character
    t2s changes, or needs for a phrase, is non-ASCII."""
    changeable = _changeable()
    return changeable is not None and changeable.search(text) is None


def to_simplified(text: str, *, wide: str | None = None) -> tuple[str, str]:
    """Return (simplified text, original script: ``simplified`` or ``traditional``).
    ``wide``: ``non_ascii(text)`` when the caller has it (decoding computes it)."""
    # Pages are mostly ASCII markup: both scans below run over the non-ASCII characters only
    # (the CJK ones are among them), a tenth of the page or less.
    if wide is None:
        wide = non_ascii(text)
    if _unchanged(wide):
        return text, "simplified"
    converted = _converter().convert(text)
    if converted == text:
        return text, "simplified"
    cjk = (len(wide) - len(_CJK_RUNS.sub("", wide))) or 1
    if len(converted) == len(text):
        share = _mostly_changed(text, converted, cjk)
    else:  # phrase conversions changed the length: estimate from a sample
        share = _mostly_changed(text[:20000], converted[:20000], cjk)
    if share:
        return converted, "traditional"
    return text, "simplified"


_CHUNK = 256


def _mostly_changed(text: str, converted: str, cjk: int) -> bool:
    """Whether at least 5 characters, and :data:`TRADITIONAL_SHARE` of the ``cjk`` CJK ones,
    differ between the two (same-length) strings. Stops as soon as they do (a Traditional page
    differs within its first lines) and compares equal chunks in one step (a Simplified page
    with a few 乾/著 differs in a handful of places)."""
    changed = 0
    for i in range(0, len(text), _CHUNK):
        a, b = text[i : i + _CHUNK], converted[i : i + _CHUNK]
        if a == b:
            continue
        for x, y in zip(a, b):
            if x != y:
                changed += 1
                if changed >= 5 and changed / cjk >= TRADITIONAL_SHARE:
                    return True
    return False
