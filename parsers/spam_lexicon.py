"""The gambling/porn lexicon (page-layouts.md §2) and what is judged on text alone: keyword-run
lines (text mode), hijacked titles.

Split from :mod:`parsers.spam`. The regexes spell ASCII letters in both cases instead of using
IGNORECASE, and :data:`_STRONG_PIECE` (a piece of every term) clears long texts cheaply: both
are only about speed, the matches are those of the case-insensitive lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.model import SpamBlock
from parsers.text import _ZERO_WIDTH, normalize_space

__all__ = ["clean_title", "is_spam_line", "spam_lines"]

#: Words that (almost) never occur in a government report.
_STRONG = (
    r"百家乐|六合彩|时时彩|赌场|赌球|博彩|菠菜(?:app|网|平台|官网|导航|注册|登录)|老虎机|赔率|投注(?!站)|盘口|足球比分"
    r"|竞彩|足彩|返水|彩金|试玩金|注册送|葡京"
    r"|果博|天辰|博鱼|必一|B体育|开云(?:体育|娱乐|app|官网|平台|棋牌|电竞|登录)|雷火|竞博|JBO|金年会|火博|威尼斯人"
    r"|皇冠(?:体育|娱乐|官网|平台|登录|注册)|bet365|pg电子|麻将胡了|大发(?:快三|彩票|娱乐|官网)|\d{3,4}cc彩票|雷竞技|爱游戏"
    r"|半岛(?:体育|电竞|官网|app|娱乐|平台)|无码|国产.{0,6}AV|视频app|私服|真人视讯|澳门赌|亚博(?!会)|乐鱼|华体会"
    r"|(?<!体育)(?<!福利)(?<!体育彩票)彩票(?:app|平台|官网|登录|注册|下载|网址|计划)"
)
#: ``X娱乐`` brand tokens (``天辰娱乐``, ``南山娱乐app``), not ``文化娱乐``.
_BRAND = r"[\u4e00-\u9fffA-Za-z0-9]{1,6}?娱乐(?:app|APP|平台|登录|登陆|注册|下载|官网|城|网址|网站|入口|手机版|安卓版)?\d*"
_LEGIT_YULE = frozenset(["文化", "休闲", "健身", "游艺", "歌舞", "文体", "大众文化", "群众", "体育", "旅游", "游戏", "影视"])
_WEAK = re.compile(
    r"登录|登陆|注册|app|APP|下载|官网|官方网站|入口|网页版|手机版|安卓版|苹果版|最新版|平台|真人|棋牌|捕鱼|电竞|体育"
    r"|彩票|电子|娱乐|澳门|缅甸|高利贷|网贷|外挂|菠菜|电子游艺|[a-z]{2,}\d+|\d+[a-z]{2,}"
)
#: ``_STRONG`` case-insensitively, with each ASCII letter spelled as ``[xX]`` instead of the
#: IGNORECASE flag: the same matches (none of its letters has a non-ASCII case variant), but
#: ``re`` can then skip ahead on the first characters: several times faster on short texts.
_STRONG_RE = re.compile(re.sub(r"(?<!\\)([A-Za-z])", lambda m: f"[{m[1].lower()}{m[1].upper()}]", _STRONG))
#: A piece of every :data:`_STRONG` term and of every ``X娱乐`` brand, so a text without one
#: has no lexicon hit. Case-sensitive, with the ASCII letters spelled in both cases as
#: IGNORECASE matches them (none of them has a non-ASCII case variant); free of white space;
#: every branch starts with a literal, which lets ``re`` skip ahead: 15× faster than
#: ``_STRONG_RE`` on a page's text. Only whether it matches counts, so a branch may start at a
#: rarer character of its piece and look behind for the rest (``育(?<=[Bb]体育)``: ``b``, ``p``,
#: ``c`` and ``开`` abound in style sheets, scripts and report prose, and every position
#: holding a branch's first character costs a try of all branches), and ``CC彩票`` needs no
#: branch (``彩票`` has one).
_STRONG_PIECE = re.compile(
    r"百家乐|六合彩|时时彩|赌|博彩|菠菜|老虎机|赔率|投注|盘口|足球比分|竞彩|足彩|返水|彩金|试玩金|注册送|葡京"
    r"|果博|天辰|博鱼|必一|育(?<=[Bb]体育)|云(?<=开云)|雷火|竞博|J[Bb][Oo]|j[Bb][Oo]|金年会|火博|威尼斯人|皇冠"
    r"|365(?<=[Bb][Ee][Tt]365)|电子(?<=[Pp][Gg]电子)|麻将胡了|大发|雷竞技|爱游戏|半岛|无码|国产"
    r"|视频[Aa][Pp][Pp]|私服|真人视讯|亚博|乐鱼|华体会|彩票|娱乐"
)
_BRAND_TOKEN = re.compile(_BRAND)
_BRAND_IN_TEXT = re.compile(r"(?:^|(?<=\s))(" + _BRAND + r")(?=\s|$)")
_SENTENCE = re.compile(r"[。，；！？,;]")


def _brand_hit(token: str) -> bool:
    m = _BRAND_TOKEN.fullmatch(token)
    if m is None:
        return False
    name = token.split("娱乐", 1)[0]
    return name not in _LEGIT_YULE or token != name + "娱乐"


def _token_is_spam(token: str) -> bool:
    """One short keyword (an anchor text or a space-separated token) is a gambling/porn term."""
    if not _STRONG_PIECE.search(token):
        return False  # every term and every brand holds a piece
    return bool(_STRONG_RE.search(token)) or (len(token) <= 16 and _brand_hit(token))


def _text_hits(text: str) -> int:
    """Strong lexicon hits in free text."""
    hits = len(_STRONG_RE.findall(text))
    if "娱乐" in text:  # in every brand
        hits += sum(1 for m in _BRAND_IN_TEXT.finditer(text) if _brand_hit(m.group(1)))
    return hits


def is_spam_line(line: str) -> int:
    """Number of spam "links" (tokens) when ``line`` is a gambling/porn keyword run, else 0.

    A run is five or more space-separated short tokens without sentence punctuation, at least
    40 % of them lexicon terms (the seed's tail: 30 brand tokens). A lone short line counts
    when it holds a strong term plus another hit (``免费菠萝视频app下载``).
    """
    if not _LEX_HINT.search(line):
        return 0
    return _keyword_run(normalize_space(line))


def _keyword_run(line: str) -> int:
    """:func:`is_spam_line` on the normalised ``line`` (the lexicon hint already seen)."""
    if not line or not _STRONG_PIECE.search(line) or _SENTENCE.search(line):
        return 0  # a run needs lexicon terms, and every term holds a piece
    tokens = line.split(" ")
    if len(tokens) >= 5:
        if sum(len(t) for t in tokens) / len(tokens) > 12:
            return 0
        hits = sum(1 for t in tokens if _token_is_spam(t))
        return len(tokens) if hits * 5 >= 2 * len(tokens) and hits >= 3 else 0
    if len(line) <= 40:
        strong = _text_hits(line) or sum(1 for t in tokens if _token_is_spam(t))
        if strong and strong + len(_WEAK.findall(line)) >= 2:
            return len(tokens)
    return 0


def spam_lines(lines: Sequence[str]) -> tuple[list[str], tuple[SpamBlock, ...], int]:
    """Text mode: drop keyword-run lines; returns kept lines, blocks and removed "links" (tokens)."""
    joined = "\x00".join(lines)
    if not _STRONG_PIECE.search(joined) and not _ZERO_WIDTH.search(joined):
        # both rules need a lexicon term in a normalised line, and normalize_space only
        # drops zero-width characters and turns white space into spaces
        return list(lines), (), 0
    lines, norms, column_blocks, column_links = _token_columns(list(lines))
    kept: list[str] = []
    blocks: list[SpamBlock] = list(column_blocks)
    total = column_links
    for line, norm in zip(lines, norms):
        n = _keyword_run(norm) if _STRONG_PIECE.search(norm) and _LEX_HINT.search(line) else 0
        if n:
            total += n
            blocks.append(SpamBlock("text", ("keyword_run",), n, norm[:120]))
        else:
            kept.append(line)
    return kept, tuple(blocks), total


def _token_columns(lines: list[str]) -> tuple[list[str], list[str], tuple[SpamBlock, ...], int]:
    """A farm dumped one anchor per line: within a run of short one-token lines, a stretch from
    one lexicon term to another (gaps of at most one other token) of three or more tokens, at
    least half of them terms, goes as a whole. Flattened table cells around it stay. Returns
    the kept lines, their normalised forms, the blocks and the removed tokens."""
    norms = [normalize_space(x) for x in lines]
    is_token = [bool(t) and " " not in t and len(t) <= 16 and not _SENTENCE.search(t) for t in norms]
    is_hit = [tok and _token_is_spam(t) for t, tok in zip(norms, is_token)]
    drop = [False] * len(lines)
    blocks: list[SpamBlock] = []
    total = 0
    i = 0
    while i < len(lines):
        if not is_hit[i]:
            i += 1
            continue
        j = last = i
        hits = 1
        while j + 1 < len(lines) and (is_token[j + 1] or not norms[j + 1]):
            j += 1
            if is_hit[j]:
                hits += 1
                last = j
            elif j - last > 2:
                break
        tokens = [norms[k] for k in range(i, last + 1) if is_token[k]]
        if len(tokens) >= 3 and hits * 2 >= len(tokens):
            for k in range(i, last + 1):
                drop[k] = True
            total += len(tokens)
            blocks.append(SpamBlock("text", ("keyword_column",), len(tokens), " ".join(tokens)[:120]))
        i = last + 1
    kept = [line for line, d in zip(lines, drop) if not d]
    kept_norms = [norm for norm, d in zip(norms, drop) if not d]
    return kept, kept_norms, tuple(blocks), total


_TITLE_SPLIT = re.compile(r"\s*(?:[-_|｜—–]+)\s*")


def clean_title(title: str) -> str:
    """Strip a gambling/porn prefix or suffix joined by ``-`` ``_`` ``|``
    (``…统计制度-pg电子麻将胡了`` → ``…统计制度``). A title that is spam throughout becomes ``""``."""
    title = normalize_space(title)
    if not title or not _STRONG_PIECE.search(title):
        return title  # a spam part needs a lexicon term, and every term holds a piece
    parts = _TITLE_SPLIT.split(title)
    seps = _TITLE_SPLIT.findall(title)
    if len(parts) == 1:
        return "" if _part_is_spam(title) else title
    lo, hi = 0, len(parts)
    while lo < hi and _part_is_spam(parts[lo]):
        lo += 1
    while hi > lo and _part_is_spam(parts[hi - 1]):
        hi -= 1
    if lo == 0 and hi == len(parts):
        return title
    out = parts[lo] if lo < hi else ""
    for i in range(lo + 1, hi):
        out += seps[i - 1] + parts[i]
    return out


def _part_is_spam(part: str) -> bool:
    return bool(_text_hits(part)) or any(_token_is_spam(t) for t in part.split()) or is_spam_line(part) > 0

#: Characters one of which every strong lexicon term or ``X娱乐`` brand contains.
_LEX_HINT = re.compile(
    r"[娱彩赌博菠虎注返投盘赔比竞足果辰鱼必云雷威皇码私挂视贷游胡讯艺乐玩金葡]|[bB]体|大发|半岛|华体会|[bB][eE][tT]|[pP][gG]"
    r"|[jJ][bB][oO]|[aA][vV]"  # case-insensitive, spelled out: see _STRONG_RE
)
