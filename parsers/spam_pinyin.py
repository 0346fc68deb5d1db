"""Injected pinyin after CJK characters (S13): ``發(fā)布`` → ``發布``.

Split from :mod:`parsers.spam`; it runs on the decoded page before anything else.
"""

from __future__ import annotations

import re

__all__ = ["strip_pinyin"]

_INITIALS = "zh|ch|sh|b|p|m|f|d|t|n|l|g|k|h|j|q|x|r|z|c|s|y|w"
_FINALS = (
    "iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|er|ia|ie|iu|ua|uo|ui"
    "|ue|ve|a|o|e|i|u|v"
)
_SYLLABLE = re.compile(rf"(?:{_INITIALS})?(?:{_FINALS})")
_TONES = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü", "aaaaeeeeiiiioooouuuuvvvvv"
)
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_PINYIN_RUN = re.compile(rf"(?<=[\u3400-\u9fff])((?:[(（][{_PINYIN_LETTERS}]{{1,6}}[)）])+)")
#: The first group of a run, one pattern per opening paren: a pattern that starts with a
#: literal lets ``re`` skip ahead to it (the look-behind first costs a test at every
#: character), so a page with no run is cleared ~25× faster than by ``_PINYIN_RUN``.
_PINYIN_FIRST = (
    re.compile(rf"\((?<=[\u3400-\u9fff]\()[{_PINYIN_LETTERS}]{{1,6}}[)）]"),
    re.compile(rf"（(?<=[\u3400-\u9fff]（)[{_PINYIN_LETTERS}]{{1,6}}[)）]"),
)
#: :data:`_PINYIN_RUN` led by its opening paren, for the substitution: the same matches (the
#: look-behind, moved after the paren, tests the same character before it), but ``re`` skips
#: ahead to the parens instead of testing the look-behind at every character of the page.
_PINYIN_RUN_AT_PAREN = re.compile(
    rf"[(（](?<=[\u3400-\u9fff][(（])[{_PINYIN_LETTERS}]{{1,6}}[)）](?:[(（][{_PINYIN_LETTERS}]{{1,6}}[)）])*"
)
_PINYIN_GROUP = re.compile(r"[(（]([^()（）]+)[)）]")


def _is_pinyin(word: str) -> bool:
    return _SYLLABLE.fullmatch(word.translate(_TONES)) is not None


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove pinyin injected after CJK characters (``發(fā)布``, ``政(zheng)(zheng)府``).

    Only lower-case groups that spell a valid pinyin syllable go, so ``(PPP)``, ``(2017)``,
    ``(app)`` and ``45478(政府热线)`` stay. Returns the text and the number of groups removed.
    """
    if not any(first.search(text) for first in _PINYIN_FIRST):
        return text, 0
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        run = m.group()
        groups = _PINYIN_GROUP.findall(run)
        if len(groups) == 1 and len(groups[0]) == 1 and groups[0] in "aeo":
            return run  # ``图(a)``: a label, not an injected syllable
        if all(_is_pinyin(g) for g in groups):
            count += len(groups)
            return ""
        return run

    return _PINYIN_RUN_AT_PAREN.sub(repl, text), count
