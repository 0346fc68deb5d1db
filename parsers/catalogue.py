"""The indicator catalogue: one stable id per row (era 1) or row × column (era 2).

Kept as data (``parsers/data/catalogue_era1.csv``, ``catalogue_era2.csv``), loaded once through
``importlib.resources``. Matching works on a *key*: the label without numbering, ``其中``,
bracketed notes, a trailing 数 and with Taiwan-style vocabulary folded back (檔案→文件,
資訊→信息 …), so wording variants, typos and both scripts meet the same id. Where a key
occurs under several parents (``其中：行政许可项目`` under 十一（一） and 十一（二）), the
row's ancestors decide.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

from .text import normalize_label
from .values import MEMO

__all__ = ["CATALOGUE_VERSION", "Entry", "Era1Catalogue", "era1_catalogue", "label_key", "level_of"]

CATALOGUE_VERSION = "1"
#: Minimum similarity for a near-miss label to take a catalogue row's id.
_FUZZY_MIN = 0.8

# Taiwan-phrase (s2twp) vocabulary after t2s, typos and synonyms → the template's wording.
_VOCAB = (
    ("资讯", "信息"), ("档案", "文件"), ("透过", "通过"), ("释出", "发布"), ("线上", "在线"),
    ("网路", "网络"), ("设定", "设置"), ("入口网站", "门户网站"), ("最佳化", "优化"),
    ("危机", "危及"), ("发佈", "发布"), ("複议", "复议"), ("答覆", "答复"), ("其它", "其他"),
    ("免于", "免予"), ("行为", "行为"), ("公众", "公众"),
)
_NUMBERING = re.compile(
    r"^(?:[）)]+|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、]|[①-⑳]|代码\d+)+"
)
_QIZHONG = re.compile(r"^其中[：:]?")
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")
_PUNCT = re.compile(r"[\s“”\"'‘’《》〈〉「」：:、，,。.；;（）()\-—/]")


@lru_cache(maxsize=MEMO)
def label_key(label: str) -> str:
    """Matching key of a label: ``（一）主动公开政府信息数（不同渠道…计1条）`` → ``主动公开政府信息``.
    Memoised: labels repeat across pages, and every grid cell of a candidate table is tried."""
    s = normalize_label(label)
    for a, b in _VOCAB:
        s = s.replace(a, b)
    for _ in range(3):
        s2 = _NUMBERING.sub("", _QIZHONG.sub("", s))
        if s2 == s:
            break
        s = s2
    for _ in range(3):
        s2 = _BRACKETED.sub("", s)
        if s2 == s:
            break
        s = s2
    s = _PUNCT.sub("", s)
    return s.removesuffix("数").removesuffix("总")


_LEVEL_SECTION = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_LEVEL_PAREN = re.compile(r"^[（(][一二三四五六七八九十]+[）)]|^[）)]")
_LEVEL_ARABIC = re.compile(r"^(?:\d{1,2}[.．、]|[（(]\d{1,2}[）)]|[①-⑳])")


@lru_cache(maxsize=MEMO)
def level_of(label: str) -> int | None:
    """Numbering level: 1 for ``一、``, 2 for ``（一）`` (or a lost ``）``), 3 for ``1.``;
    None for unnumbered labels (``其中：…`` and companions)."""
    s = normalize_label(label)
    if _LEVEL_SECTION.match(s):
        return 1
    if _LEVEL_PAREN.match(s):
        return 2
    if _LEVEL_ARABIC.match(s):
        return 3
    return None


@dataclass(frozen=True, slots=True)
class Entry:
    indicator_id: str
    era: str
    template: str
    section: str
    label: str
    parent_id: str | None
    unit: str | None
    is_header: bool


class Era1Catalogue:
    """Era-1 (2014 form, Inner Mongolia extension, Shanghai-style local form) rows."""

    def __init__(self, entries: Sequence[Entry], aliases: dict[str, list[str]]) -> None:
        self.entries = {e.indicator_id: e for e in entries}
        self.by_key: dict[str, list[Entry]] = {}
        for e in entries:
            keys = {label_key(e.label), *(label_key(a) for a in aliases.get(e.indicator_id, ()))}
            for k in keys:
                if k:
                    self.by_key.setdefault(k, []).append(e)
        self._memo: dict[tuple[str, frozenset[str]], list[Entry]] = {}
        self._order = {k: i for i, k in enumerate(self.by_key)}
        self._sections = {k: {e.indicator_id.split(".")[0] for e in es} for k, es in self.by_key.items()}
        self._by_char: dict[str, list[tuple[str, int]]] = {}
        for k in self.by_key:
            for ch, n in Counter(k).items():
                self._by_char.setdefault(ch, []).append((k, n))

    def match(self, label: str, ancestors: Sequence[str | None] = ()) -> Entry | None:
        """Best entry for ``label`` given the ids of its ancestors (nearest last)."""
        key = label_key(label)
        if not key:
            return None
        cands = self.by_key.get(key)
        if not cands:
            sections = frozenset(a.split(".")[0] for a in ancestors if a)
            memo = (key, sections)
            cands = self._memo.get(memo)
            if cands is None:
                if len(self._memo) >= 4096:  # bounded: a result cache, not a growing global
                    self._memo.clear()
                cands = self._memo[memo] = self._fuzzy(key, sections)
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        for anc in reversed(ancestors):
            for e in cands:
                if anc is not None and e.parent_id == anc:
                    return e
        sections = {a.split(".")[0] for a in ancestors if a}
        for e in cands:
            if e.indicator_id.split(".")[0] in sections:
                return e
        return cands[0]

    def _fuzzy(self, key: str, sections: frozenset[str]) -> list[Entry]:
        """Near-miss labels (lost characters, extra notes) within the same section only."""
        if len(key) < 4:
            return []
        # Only catalogue keys sharing characters with the label can reach the threshold; the
        # character index finds them and their quick_ratio bound (2·shared/(len a + len b))
        # without touching the others, so a table of 100,000 unknown labels stays linear.
        shared: dict[str, int] = {}
        for ch, n in Counter(key).items():
            for k, m in self._by_char.get(ch, ()):
                shared[k] = shared.get(k, 0) + min(n, m)
        best: tuple[float, list[Entry]] = (0.0, [])
        for k in sorted(shared, key=self._order.__getitem__):
            if 2.0 * shared[k] / (len(k) + len(key)) < max(best[0], _FUZZY_MIN):
                continue
            if sections and not (self._sections[k] & sections):
                continue
            if abs(len(k) - len(key)) > max(len(k), len(key)) // 2:
                continue
            r = SequenceMatcher(None, key, k).ratio()
            if r > best[0]:
                best = (r, self.by_key[k])
        return best[1] if best[0] >= _FUZZY_MIN else []


@lru_cache(maxsize=1)
def era1_catalogue() -> Era1Catalogue:
    """Load the packaged era-1 catalogue once (read-only, deterministic)."""
    text = resources.files("parsers").joinpath("data/catalogue_era1.csv").read_text("utf-8")
    entries: list[Entry] = []
    aliases: dict[str, list[str]] = {}
    for r in csv.DictReader(io.StringIO(text)):
        entries.append(
            Entry(
                indicator_id=r["indicator_id"],
                era=r["era"],
                template=r["template"],
                section=r["section"],
                label=r["label"],
                parent_id=r["parent_id"] or None,
                unit=r["unit"] or None,
                is_header=r["is_header"] == "1",
            )
        )
        if r["aliases"]:
            aliases[r["indicator_id"]] = r["aliases"].split("|")
    return Era1Catalogue(entries, aliases)
