"""Find and remove injected spam: hidden link farms, keyword tails, tag salad, title hijacks, pinyin.

Spam mirrors of government pages keep the original page and add things to it
(page-layouts.md §2, S1–S14). Hiding alone proves nothing (gov.cn overlays ``opacity:0``
anchors on banners, Excel exports hide ``AL`` of ``TOTAL``), so a block is removed only on
*spam evidence*: gambling/porn lexicon hits, throwaway or random hosts, random-id tag salad,
combined with where it sits (hidden, after the footer, after ``</html>``). Every removed block
is recorded as a :class:`SpamBlock` with its evidence.

All walks are iterative: pages nest 10,000 deep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.model import SpamBlock
from parsers.text import _ZERO_WIDTH, normalize_space

__all__ = ["clean_title", "is_spam_line", "remove_spam", "spam_lines", "strip_pinyin"]

# --------------------------------------------------------------------------- pinyin (S13)

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
        groups = _PINYIN_GROUP.findall(m.group(1))
        if len(groups) == 1 and len(groups[0]) == 1 and groups[0] in "aeo":
            return m.group(1)  # ``图(a)``: a label, not an injected syllable
        if all(_is_pinyin(g) for g in groups):
            count += len(groups)
            return ""
        return m.group(1)

    return _PINYIN_RUN.sub(repl, text), count


# --------------------------------------------------------------------------- lexicon (§2)

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
#: IGNORECASE matches them (none of them has a non-ASCII case variant); free of look-arounds
#: and white space; every branch starts with a literal, which lets ``re`` skip ahead: 15×
#: faster than ``_STRONG_RE`` on a page's text.
_STRONG_PIECE = re.compile(
    r"百家乐|六合彩|时时彩|赌|博彩|菠菜|老虎机|赔率|投注|盘口|足球比分|竞彩|足彩|返水|彩金|试玩金|注册送|葡京"
    r"|果博|天辰|博鱼|必一|B体育|b体育|开云|雷火|竞博|J[Bb][Oo]|j[Bb][Oo]|金年会|火博|威尼斯人|皇冠"
    r"|B[Ee][Tt]365|b[Ee][Tt]365|P[Gg]电子|p[Gg]电子|麻将胡了|大发|C[Cc]彩票|c[Cc]彩票|雷竞技|爱游戏|半岛|无码|国产"
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


# --------------------------------------------------------------------------- hosts

_GOV_HOST = re.compile(
    r"(?:^|\.)(?:gov\.cn|conac\.cn|12377\.cn|cyberpolice\.cn|beian\.miit\.gov\.cn|miit\.gov\.cn|"
    r"gov\.hk|gov\.mo|12388\.gov\.cn|people\.com\.cn|xinhuanet\.com|news\.cn|cctv\.com|"
    r"baidu\.com|qq\.com|weibo\.com|jiathis\.com|bdimg\.com)$"
)
_THROWAWAY_TLD = re.compile(r"\.(?:icu|xyz|top|pw|tk|cm|cc|vip|club|site|online|live|bet|win|fun|shop|ltd|wang)$")
_HOSTNAME_TEXT = re.compile(r"^(?:https?://)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$", re.IGNORECASE)
_VOWELS = frozenset("aeiou")


def _host_of(href: str) -> str | None:
    href = href.strip()
    if not href.lower().startswith(("http:", "https:", "//")):
        return None
    try:
        host = urlsplit(href if not href.startswith("//") else "http:" + href).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def _random_host(host: str) -> bool:
    """Throwaway TLD, or a registrable label that looks machine-made (digits, few vowels)."""
    if _THROWAWAY_TLD.search(host):
        return True
    labels = [x for x in host.split(".") if x not in ("www", "com", "cn", "net", "org")]
    if not labels:
        return False
    label = max(labels, key=len)
    letters = [c for c in label if c.isalpha()]
    if any(c.isdigit() for c in label) and letters:
        return True
    return len(letters) >= 5 and sum(c in _VOWELS for c in letters) / len(letters) < 0.2


# --------------------------------------------------------------------------- styles

_HIDE_DISPLAY = re.compile(r"display:none|visibility:hidden|visibility:collapse")
_OFFSCREEN = re.compile(r"(?:left|top|right|bottom|margin-left|margin-top):(-\d{3,}(?:\.\d+)?)(px|em|rem|pt)?|expression\(")
_INDENT = re.compile(r"text-indent:(-\d+(?:\.\d+)?)(px|em|rem|pt)?")
_FONT_ZERO = re.compile(r"font-size:0(?:\.\d+)?(?:px|pt|em)?(?:;|$|!)")
_WIDTH0 = re.compile(r"(?:^|;)width:(?:0|[0-2](?:\.\d+)?px)(?:;|$|!)")
_HEIGHT0 = re.compile(r"(?:^|;)height:(?:0|[0-2](?:\.\d+)?px)(?:;|$|!)")
_LINEH0 = re.compile(r"line-height:0(?:px)?(?:;|$|!)")


def _hidden_style(style: str) -> str | None:
    """Name of the hiding technique in an inline style, or None (opacity is not hiding here:
    gov.cn overlays banners with ``opacity:0`` links)."""
    s = style.lower().replace(" ", "").replace("\t", "").replace("\n", "")
    if _HIDE_DISPLAY.search(s):
        return "hidden"
    m = _OFFSCREEN.search(s)
    if m and (m.group(1) is None or _px(m.group(1), m.group(2)) <= -500):
        return "offscreen"
    m = _INDENT.search(s)
    if m and _px(m.group(1), m.group(2)) <= -500:
        return "text_indent"
    if _FONT_ZERO.search(s) or (_HEIGHT0.search(s) and (_WIDTH0.search(s) or _LINEH0.search(s) or "overflow:hidden" in s)):
        return "zero_size"
    return None


def _px(num: str, unit: str | None) -> float:
    value = float(num)
    return value * 16 if unit in ("em", "rem") else value


_CAMOUFLAGE = re.compile(
    r"(?:^|;)color:(?:#fff(?:fff)?|white|transparent|rgba\(\d+,\d+,\d+,0\))(?:;|$|!)|z-index:-\d"
)


def _css_rules(css: str) -> list[tuple[str, str]]:
    """``selectors { declarations }`` pairs, in one linear pass. (The regex
    ``([^{}]+)\\{([^{}]*)\\}`` it replaces is quadratic on an unclosed ``<style>`` that swallows
    the rest of a page: 40 KB took 16 s.) Same pairs as that regex: each ``}`` ends a rule
    whose declarations follow the last ``{`` and whose selectors lie between the brace before
    that and it."""
    rules: list[tuple[str, str]] = []
    pieces = css.split("}")
    for piece in pieces[:-1]:
        head, sep, decl = piece.rpartition("{")
        if not sep:
            continue
        sels = head.rpartition("{")[2]
        if sels:
            rules.append((sels, decl))
    return rules


_SIMPLE_SEL = re.compile(r"^([.#])([\w-]+)$")


def _hidden_css(tree: LexborHTMLParser) -> tuple[frozenset[str], frozenset[str]]:
    """Classes and ids hidden by ``<style>`` rules (only simple ``.x`` / ``#x`` selectors)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for style in tree.css("style"):
        css = style.text(deep=True)
        if "none" not in css and "hidden" not in css and "-" not in css:
            continue
        for sels, decl in _css_rules(css):
            if _hidden_style(decl) is None:
                continue
            for sel in sels.split(","):
                m = _SIMPLE_SEL.match(sel.strip().split(" ")[-1])
                if m:
                    (classes if m.group(1) == "." else ids).add(m.group(2).lower())
    return frozenset(classes), frozenset(ids)


# --------------------------------------------------------------------------- DOM evidence

_SALAD_TAGS = frozenset(
    ["sup", "sub", "big", "small", "xmp", "acronym", "ins", "del", "dir", "rt", "rp", "ruby", "progress", "menuitem", "listing", "delect", "wbr", "s", "strike", "tt", "var", "abbr", "bdo", "bdi", "dfn", "kbd", "samp", "q", "cite", "code", "time", "noframes", "meter", "output", "address", "em", "b", "i", "u", "font", "strong", "label", "legend", "optgroup", "mark", "center", "nobr", "blink"]
)
_PAIR_ID = re.compile(r"^[a-z0-9]{4,6}-[a-z0-9]{4,6}$")
_WORD_ID = re.compile(r"^[a-z]{4,6}$")


def _random_id(ident: str) -> bool:
    """``abcd-efgh`` pairs, or a short lower-case id with (almost) no vowels (``cxndz``, ``qzxkp``);
    ``main`` / ``logo`` / ``icon`` are real ids."""
    if _PAIR_ID.match(ident):
        return True
    if not _WORD_ID.match(ident):
        return False
    vowels = sum(c in "aeiouy" for c in ident)
    return vowels == 0 or (len(ident) >= 5 and vowels <= 1)

_FOOTER_MARK = re.compile(
    r"(?:网站|網站)(?:标识码|標識碼)|ICP(?:备|備|证|證)|(?:公网|公網)(?:安备|安備)|版权所有|版權所有"
)
_CLOAK = re.compile(
    r"document\.referrer|eval\(function\(p,a,c,k,e,[dr]\)|\\x3c(?:script|iframe)", re.IGNORECASE
)
_SCRIPT_HIDE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|left\s*:\s*-\d{3,}|top\s*:\s*-\d{3,}", re.I)
_SCRIPT_CLOSE = re.compile(r"document\.write(?:ln)?\s*\(\s*['\"]\s*</\s*(?:div|span|p|marquee)", re.I)
_INLINE = frozenset(["a", "b", "i", "u", "s", "em", "strong", "span", "font", "br", "small", "big", "sup", "sub", "wbr", "strike", "nobr", "label"])


@dataclass(slots=True)
class _Ev:
    """Evidence gathered over a subtree (or a run of siblings)."""

    n_a: int = 0
    n_lex_a: int = 0  # anchors whose text is a lexicon term
    n_off_a: int = 0  # anchors to non-government absolute hosts
    n_rand_a: int = 0  # anchors to throwaway / random-looking hosts
    n_host_text: int = 0  # anchors whose text is a (non-gov) host name
    n_gov_a: int = 0
    a_chars: int = 0
    chars: int = 0
    hits: int = 0  # strong lexicon hits in all text
    n_iframe: int = 0
    n_media: int = 0  # img / table / input / embed / object elements
    n_salad: int = 0  # empty salad tags with random ids (S12)
    n_footer: int = 0  # text nodes holding a footer mark (标识码, ICP备, 公网安备, 版权所有)

    def add(self, o: _Ev) -> None:
        self.n_a += o.n_a
        self.n_lex_a += o.n_lex_a
        self.n_off_a += o.n_off_a
        self.n_rand_a += o.n_rand_a
        self.n_host_text += o.n_host_text
        self.n_gov_a += o.n_gov_a
        self.a_chars += o.a_chars
        self.chars += o.chars
        self.hits += o.hits
        self.n_iframe += o.n_iframe
        self.n_media += o.n_media
        self.n_salad += o.n_salad
        self.n_footer += o.n_footer

    @property
    def plain_chars(self) -> int:
        return self.chars - self.a_chars

    def signals(self) -> list[str]:
        out = []
        if self.n_lex_a:
            out.append(f"lexicon_links:{self.n_lex_a}")
        if self.hits:
            out.append(f"lexicon_hits:{self.hits}")
        if self.n_rand_a:
            out.append(f"random_hosts:{self.n_rand_a}")
        elif self.n_off_a:
            out.append(f"offsite_links:{self.n_off_a}")
        if self.n_host_text:
            out.append(f"host_list:{self.n_host_text}")
        return out


_SKIP_TEXT = frozenset(["script", "style", "template", "title", "textarea", "select", "option"])


def _children(node: LexborNode) -> Iterator[LexborNode]:
    child = node.child
    while child is not None:
        nxt = child.next
        yield child
        child = nxt


@lru_cache(maxsize=4096)
def _host_kind(host: str) -> tuple[bool, bool]:
    """(government host, random-looking host) — links to the same hosts recur on every page."""
    return _GOV_HOST.search(host) is not None, _random_host(host)


def _link_facts(a: LexborNode) -> tuple[str, int, int, int, int, int, int]:
    """An anchor's text (normalised) and its counts: lexicon link, lexicon hits, government,
    offsite, random host, host-name text."""
    text = normalize_space(a.text(deep=True))
    lex = hits = gov = off = rand = host_text = 0
    if _STRONG_PIECE.search(text):  # else neither a lexicon term nor a hit
        if _token_is_spam(text):
            lex = 1
        hits = _text_hits(text)
    host = _host_of(a.attrs.get("href") or "")
    if host is not None:
        is_gov, is_random = _host_kind(host)
        if is_gov:
            gov = 1
        else:
            off = 1
            if is_random:
                rand = 1
    m = _HOSTNAME_TEXT.match(text)
    if m:
        is_gov, is_random = _host_kind(m.group(1).lower())
        if not is_gov:
            host_text = 1
            if is_random:
                rand = 1
    return text, lex, hits, gov, off, rand, host_text


def _anchor_ev(a: LexborNode) -> _Ev:
    text, lex, hits, gov, off, rand, host_text = _link_facts(a)
    return _Ev(n_a=1, n_lex_a=lex, n_off_a=off, n_rand_a=rand, n_host_text=host_text, n_gov_a=gov,
               a_chars=len(text), chars=len(text), hits=hits)


_MEDIA = frozenset(("img", "table", "input", "iframe", "frame", "embed", "object", "video", "audio", "svg"))
#: Characters one of which every strong lexicon term or ``X娱乐`` brand contains.
_LEX_HINT = re.compile(
    r"[娱彩赌博菠虎注返投盘赔比竞足果辰鱼必云雷威皇码私挂视贷游胡讯艺乐玩金葡]|[bB]体|大发|半岛|华体会|[bB][eE][tT]|[pP][gG]"
    r"|[jJ][bB][oO]|[aA][vV]"  # case-insensitive, spelled out: see _STRONG_RE
)


#: Elements a C-level text read cannot stand in for: anchors (taken as a whole), frames and
#: marquees (judged on their own), and tags whose text does not count. They and their ancestors
#: are measured node by node; see :func:`_plain_ev` for the rest.
_WALKED = "a, iframe, frame, marquee, " + ", ".join(sorted(_SKIP_TEXT))


def _walked_ids(root: LexborNode) -> set[int]:
    """``mem_id`` of the elements under ``root`` that :func:`_measure` has to visit one by one:
    every :data:`_WALKED` element and its ancestors, and salad tags with an id (whose media
    count matters) with their whole subtree and ancestors."""
    marked: set[int] = set()
    whole: set[int] = set()  # inside a salad tag with an id (document order: outermost first)
    root_id = root.mem_id
    starts = root.css(_WALKED)
    for node in root.css("[id]"):
        if node.tag in _SALAD_TAGS and node.mem_id not in whole:
            starts.append(node)
            whole.update(n.mem_id for n in node.traverse())
    for node in starts:
        cur: LexborNode | None = node
        while cur is not None:
            mid = cur.mem_id
            if mid in marked:
                break
            marked.add(mid)
            if mid == root_id:
                break
            cur = cur.parent
    return marked | whole


def _plain_ev(node: LexborNode) -> _Ev | None:
    """The record :func:`_measure` would build for an element holding no :data:`_WALKED` element
    and no salad tag with an id, from one C-level text read (the page has no NUL, so ``\\x00``
    parts the text nodes). Its media count is left at 0: only salad tags read it. None when
    the text may have a lexicon hit: the walk then descends, so every element below needs a
    record of its own."""
    text = node.text(deep=True, separator="\x00", strip=True)  # str.strip() per text node
    if _STRONG_PIECE.search(text):
        return None  # a hit in one text node holds a piece, and so does ``text``
    ev = _Ev(chars=len(text) - text.count("\x00"))
    if _FOOTER_MARK.search(text):
        ev.n_footer = sum(1 for part in text.split("\x00") if _FOOTER_MARK.search(part))
    return ev


def _measure(root: LexborNode, plain: bool = False) -> dict[int, _Ev]:
    """Evidence for every element under ``root`` that the judging can ask for (post-order,
    iterative). An element's record is made when its parent is first visited: own text at once,
    children's totals on the way back. With ``plain`` (the page holds no NUL), an element with
    no anchor, frame, marquee, salad tag or lexicon hit below it gets its record from
    :func:`_plain_ev` and its descendants get none: nothing there is judged, the walk and the
    salad search do not descend into it."""
    out: dict[int, _Ev] = {}
    root_ev = _anchor_ev(root) if root.tag == "a" else _Ev()
    out[root.mem_id] = root_ev
    # the flag: children may get a record from a text read; off below an element whose text
    # read found a possible lexicon hit (no second read of the same text further down)
    stack: list[tuple[LexborNode, _Ev, list[_Ev] | None, bool]] = [(root, root_ev, None, plain)]
    lex_hint, footer_mark = _LEX_HINT.search, _FOOTER_MARK.search
    walked = _walked_ids(root) if plain else set()
    while stack:
        node, ev, kids, fast = stack.pop()
        tag = node.tag
        if kids is None:
            if tag == "a":
                continue  # anchors are leaves: their evidence was taken as a whole
            kids = []
            stack.append((node, ev, kids, fast))
            if tag in _MEDIA:
                ev.n_media = 1
                if tag in ("iframe", "frame"):
                    ev.n_iframe = 1
            if tag in _SKIP_TEXT:
                continue
            child = node.child
            while child is not None:
                if child.is_element_node:
                    sub_fast = fast
                    if fast and child.mem_id not in walked:
                        read = _plain_ev(child)
                        if read is not None:
                            out[child.mem_id] = read
                            kids.append(read)
                            child = child.next
                            continue
                        sub_fast = False
                    sub = _anchor_ev(child) if child.tag == "a" else _Ev()
                    out[child.mem_id] = sub
                    kids.append(sub)
                    stack.append((child, sub, None, sub_fast))
                elif child.is_text_node:
                    text = child.text_content
                    if text and not text.isspace():
                        ev.chars += len(text.strip())
                        if lex_hint(text):
                            ev.hits += _text_hits(text)
                        if footer_mark(text):
                            ev.n_footer += 1
                child = child.next
            continue
        for sub in kids:
            ev.add(sub)
        if tag in _SALAD_TAGS and ev.chars == 0 and ev.n_a == 0 and ev.n_media == 0:
            ident = node.attributes.get("id")
            if ident and _random_id(ident):
                ev.n_salad += 1
    return out


def _is_farm(ev: _Ev, relaxed: bool) -> list[str] | None:
    """Signals when a visible block's links are a link farm, else None.

    ``relaxed`` applies after the footer / after ``</html>`` (S8, S12), where a government page
    has nothing left to say.
    """
    if ev.plain_chars > max(60, ev.a_chars // 2):
        return None
    if ev.n_a >= 3 and ev.n_host_text >= 3 and ev.n_host_text * 2 >= ev.n_a:
        return ["host_list", *ev.signals()]
    if relaxed:
        if ev.n_a >= 3 and ev.n_lex_a * 10 >= 3 * ev.n_a:
            return ev.signals()
        if ev.n_a >= 3 and ev.n_rand_a >= 2 and ev.n_off_a * 10 >= 6 * ev.n_a and ev.n_gov_a == 0:
            return ev.signals()
        return None
    if ev.n_a >= 5 and ev.n_lex_a >= 4 and ev.n_lex_a * 10 >= 6 * ev.n_a and ev.n_gov_a == 0:
        return ev.signals()
    return None


def _hidden_is_spam(ev: _Ev) -> list[str] | None:
    """Signals when a hidden block carries spam evidence, else None (hiding alone proves nothing)."""
    if ev.plain_chars > 200 and ev.hits * 20 < ev.plain_chars:
        return None  # hidden text of substance (tab panes, tips): never delete it wholesale
    if ev.n_lex_a or ev.hits >= 2:
        return ev.signals()
    if ev.n_a >= 3 and ev.n_off_a * 10 >= 6 * ev.n_a and ev.n_gov_a == 0:
        return ev.signals()
    if ev.n_a >= 1 and ev.n_rand_a >= 1 and ev.n_gov_a == 0:
        return ev.signals()
    return None


def _attr_ci(node: LexborNode, name: str) -> str | None:
    """Attribute lookup tolerant of odd casing (lexbor lower-cases names already)."""
    attrs = node.attributes
    value = attrs.get(name)
    if value is None and attrs:
        for key, val in attrs.items():
            if key.lower() == name:
                return val
    return value


def _int_attr(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.match(r"\s*(\d+)", value)
    return int(m.group(1)) if m else None


def _marquee_spam(node: LexborNode) -> bool:
    attrs = node.attributes
    w, h = _int_attr(attrs.get("width")), _int_attr(attrs.get("height"))
    amount = _int_attr(attrs.get("scrollamount"))
    return (w is not None and w < 10) or (h is not None and h < 10) or (amount is not None and amount > 1000)


def _zero_iframe(node: LexborNode) -> bool:
    attrs = node.attributes
    w, h = _int_attr(attrs.get("width")), _int_attr(attrs.get("height"))
    if (w is not None and w <= 1) or (h is not None and h <= 1):
        return True
    return _hidden_style(attrs.get("style") or "") is not None


class _Collector:
    """Accumulates blocks and removes nodes."""

    def __init__(self, tail_sigs: frozenset[tuple[str, str]], plain: bool) -> None:
        self.blocks: list[SpamBlock] = []
        self.links = 0
        self.tail_sigs = tail_sigs
        #: no NUL in the page, so none in a text node: :func:`_measure` may use text reads
        self.plain = plain

    def position(self, nodes: Sequence[LexborNode], after_footer: bool) -> str:
        if self.tail_sigs:
            sigs = [
                _sig(a) for n in nodes if n.is_element_node for a in ([n] if n.tag == "a" else n.css("a"))
            ]
            if sigs and sum(s in self.tail_sigs for s in sigs) * 2 >= len(sigs):
                return "after_html"
        return "after_footer" if after_footer else "in_body"

    def remove(self, nodes: Sequence[LexborNode], signals: Sequence[str], n_links: int, position: str,
               text: str | None = None) -> None:
        if text is None:
            text = " ".join(n.text(deep=True) if n.is_element_node else (n.text_content or "") for n in nodes)
        text = normalize_space(text)
        self.blocks.append(SpamBlock(position, tuple(signals), n_links, text[:120]))
        self.links += n_links
        for n in nodes:
            n.decompose()


def _sig(a: LexborNode) -> tuple[str, str]:
    return ((a.attributes.get("href") or "").strip(), normalize_space(a.text(deep=True)))


def _tail_signatures(html: str) -> frozenset[tuple[str, str]]:
    """Anchors of whatever was stacked after the first ``</html>`` in the raw page (S8)."""
    m = re.search(r"</html\s*>", html, re.IGNORECASE)
    if m is None:
        return frozenset()
    tail = html[m.end():]
    if not tail.strip():
        return frozenset()
    return frozenset(_sig(a) for a in LexborHTMLParser(tail).css("a"))


def _head_spam(tree: LexborHTMLParser, col: _Collector) -> None:
    """S10/S11: title suffix, stuffed keyword metas, cloaking scripts, refresh redirects."""
    title = tree.css_first("title")
    if title is not None:
        raw = title.text(deep=True)
        cleaned = clean_title(raw)
        if cleaned != normalize_space(raw):
            removed = normalize_space(raw).replace(cleaned, "", 1).strip(" -_|｜—")
            col.blocks.append(SpamBlock("head", ("title_hijack",), 0, removed[:120]))
            for child in list(_children(title)):
                child.decompose()
            if cleaned:
                title.insert_child(cleaned)
    for meta in tree.css("meta[name], meta[http-equiv]"):
        name = (meta.attributes.get("name") or meta.attributes.get("http-equiv") or "").lower()
        content = meta.attributes.get("content") or ""
        if name in ("keywords", "description") and _text_hits(content) + sum(
            _token_is_spam(t) for t in re.split(r"[\s,，|、_]+", content) if t
        ) >= 2:
            col.remove([meta], ("meta_stuffing", f"lexicon_hits:{_text_hits(content)}"), 0, "head", content)
        elif name == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\"\s>]+)", content, re.I)
            host = _host_of(m.group(1)) if m else None
            if host and not _GOV_HOST.search(host):
                col.remove([meta], ("refresh_redirect", host), 0, "head")
    for script in tree.css("script"):
        code = script.text(deep=True)
        if code and _CLOAK.search(code) and "_ideConac" not in code and "jiucuo" not in code:
            position = "head" if _in_head(script) else "in_body"
            col.remove([script], ("cloaking_script",), 0, position)


def _in_head(node: LexborNode) -> bool:
    cur = node.parent
    while cur is not None:
        if cur.tag == "head":
            return True
        if cur.tag == "body":
            return False
        cur = cur.parent
    return False


def _script_opens_hidden(node: LexborNode) -> bool:
    code = node.text(deep=True)
    if "write" not in code:
        return False
    flat = unquote(re.sub(r"['\"]\s*\+\s*['\"]", "", code))
    return "document.write" in flat and _SCRIPT_HIDE.search(flat) is not None and not _SCRIPT_CLOSE.search(flat)


def _js_wrapped_runs(tree: LexborHTMLParser, col: _Collector) -> None:
    """S7: ``document.write("<div style='display:none'>")`` … anchors … ``document.write("</div>")``."""
    gone: set[int] = set()
    for script in tree.css("script"):
        if script.mem_id in gone or not _script_opens_hidden(script):
            continue
        run: list[LexborNode] = []
        closer: LexborNode | None = None
        sib = script.next
        while sib is not None:
            if sib.tag == "script":
                if _SCRIPT_CLOSE.search(sib.text(deep=True)):
                    closer = sib
                break
            run.append(sib)
            sib = sib.next
        ev = _Ev()
        for n in run:
            if n.is_element_node:
                sub = _measure(n, col.plain)[n.mem_id]
                ev.add(sub)
            elif n.is_text_node:
                text = n.text_content or ""
                ev.chars += len(normalize_space(text))
                ev.hits += _text_hits(text)
        if ev.n_a == 0:
            continue
        signals = _hidden_is_spam(ev)
        if signals is None:
            continue
        nodes = [script, *run] + ([closer] if closer is not None else [])
        gone.update(n.mem_id for n in nodes)
        text = " ".join(n.text(deep=True) if n.is_element_node else (n.text_content or "") for n in run)
        col.remove(nodes, ("js_hidden", *signals), ev.n_a, col.position(run, False), text)


def _salad(tree: LexborHTMLParser, col: _Collector, ev_map: dict[int, _Ev]) -> None:
    """S12 / L10: empty elements with random ids (``<wbr id="cxndz">``, ``<big id="abcd-efgh">``).
    Descends only where the measurement saw such tags, and never into a victim."""
    root = tree.body
    if root is None:
        return
    victims: list[LexborNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        for child in _children(node):
            if not child.is_element_node:
                continue
            sub = ev_map.get(child.mem_id)
            if sub is None or not sub.n_salad:
                continue
            if child.tag in _SALAD_TAGS and sub.chars == 0 and sub.n_a == 0 and sub.n_media == 0:
                ident = child.attributes.get("id")
                if ident and _random_id(ident):
                    victims.append(child)
                    continue
            stack.append(child)
    if victims:
        sample = " ".join(f"<{v.tag} id={v.attributes.get('id')}>" for v in victims[:6])
        col.blocks.append(SpamBlock("in_body", ("tag_salad", f"empty_random_id_tags:{len(victims)}"), 0, sample[:120]))
        for v in victims:
            v.decompose()


def _walk_blocks(tree: LexborHTMLParser, col: _Collector) -> dict[int, _Ev]:
    """Top-down over the body: remove hidden spam, marquees, iframes, noscript, link farms,
    keyword-run text; descend into everything else."""
    body = tree.body
    if body is None or _clean_body(body):
        return {}
    ev_map = _measure(body, col.plain)
    hid_classes, hid_ids = _hidden_css(tree)
    marquees = _marquee_holders(body)
    after_footer = False
    stack: list[LexborNode] = [body]
    while stack:
        node = stack.pop()
        if node.is_text_node:
            text = node.text_content or ""
            if not after_footer and _FOOTER_MARK.search(text):
                after_footer = True
            n = is_spam_line(text) if text.strip() else 0
            if n:
                col.remove([node], ("keyword_run",), n, col.position([node], after_footer))
            continue
        if not node.is_element_node:
            continue
        tag = node.tag
        ev = ev_map.get(node.mem_id)
        if node is not body and ev is not None:
            verdict = _judge(col, node, tag, ev, hid_classes, hid_ids, after_footer)
            if verdict is not None:
                signals, n_links = verdict
                col.remove([node], signals, n_links, col.position([node], after_footer))
                continue
        if tag in _SKIP_TEXT:
            continue
        if ev is not None and ev.n_a == 0 and ev.hits == 0 and ev.n_iframe == 0 and tag != "marquee":
            # nothing to convict below: no links, no lexicon, no frames (footer marks still count)
            if ev.n_footer:
                after_footer = True
            continue
        if ev is not None and tag != "marquee" and _inert(node, ev, after_footer or node is body, marquees):
            if ev.n_footer:
                after_footer = True
            continue
        kids = list(_children(node))
        if ev is not None and ev.n_a >= 3:
            kids = _farm_runs(kids, ev_map, col, after_footer)
        stack.extend(reversed(kids))
    return ev_map


def _clean_body(body: LexborNode) -> bool:
    """True when :func:`_walk_blocks` would remove nothing and :func:`_salad` find nothing, proved
    without measuring every element: the evidence of all anchors and all text bounds every
    element's, and the page's as a whole passes :func:`_inert` (the footer flag does not
    matter: nothing follows the body); and there is no salad tag with a random id."""
    text = body.text(deep=True, separator="\x00")
    if _STRONG_PIECE.search(text) or _ZERO_WIDTH.search(text):
        return False
    if body.css_first("iframe, frame, marquee") is not None:
        return False
    for node in body.css("[id]"):
        if node.tag in _SALAD_TAGS and _random_id(node.attributes.get("id") or ""):
            return False
    n_off = n_host = 0
    for a in body.css("a"):
        _, lex, hits, _, off, rand, host_text = _link_facts(a)
        n_off += off
        n_host += host_text
        if lex or hits or rand or n_off >= 2 or n_host >= 3:
            return False
    return True


def _marquee_holders(body: LexborNode) -> set[int]:
    """``mem_id`` of the marquees in ``body`` and of their ancestors."""
    out: set[int] = set()
    for node in body.css("marquee"):
        cur: LexborNode | None = node
        while cur is not None and cur.mem_id not in out:
            out.add(cur.mem_id)
            cur = cur.parent
    return out


def _inert(node: LexborNode, ev: _Ev, after_footer: bool, marquees: set[int]) -> bool:
    """True when nothing below ``node`` can be removed, so the walk need not descend: its
    totals bound every element's evidence below it, and none of them meets a rule of
    :func:`_judge` or :func:`_farm_runs` (no lexicon link or hit, no random host, fewer than
    two offsite links and three host-name texts, no frame, no marquee); no text node can be a
    keyword run (:func:`is_spam_line` needs a lexicon term after :func:`normalize_space`, which
    only drops zero-width characters); and the footer flag ends as it would after the
    descent (a counted footer mark sets it; a mark in anchor or script text makes the text
    read give up)."""
    if (ev.n_lex_a or ev.hits or ev.n_rand_a or ev.n_off_a >= 2 or ev.n_host_text >= 3 or ev.n_iframe
            or node.mem_id in marquees):
        return False
    text = node.text(deep=True, separator="\x00")  # every text node, script text too
    if _STRONG_PIECE.search(text) or _ZERO_WIDTH.search(text):
        return False
    return after_footer or ev.n_footer > 0 or _FOOTER_MARK.search(text) is None


def _judge(col: _Collector, node: LexborNode, tag: str, ev: _Ev, hid_classes: frozenset[str], hid_ids: frozenset[str],
           after_footer: bool) -> tuple[list[str], int] | None:
    if tag == "marquee" and _marquee_spam(node):
        return ["tiny_marquee", *ev.signals()], ev.n_a
    if tag in ("iframe", "frame") and _zero_iframe(node):
        return ["zero_iframe"], 1
    attrs = node.attributes
    how = None
    style = attrs.get("style")
    if style:
        how = _hidden_style(style)
    if how is None and (hid_classes or hid_ids):
        cls = (attrs.get("class") or "").lower().split()
        ident = (attrs.get("id") or "").lower()
        if ident in hid_ids or any(c in hid_classes for c in cls):
            how = "hidden_css"
    if how is None and "hidden" in attrs:
        how = "hidden_attr"
    if how is None and tag == "noscript":
        how = "noscript"
    if how is not None and (ev.n_a or ev.hits):
        signals = _hidden_is_spam(ev)
        if signals is not None:
            return [how, *signals], ev.n_a
        return None
    # S6: text coloured like the background or stacked under another layer; weak alone, so it
    # convicts only with lexicon evidence
    if (style and (ev.n_lex_a or ev.hits >= 2) and ev.plain_chars <= max(60, ev.a_chars // 2)
            and _CAMOUFLAGE.search(style.lower().replace(" ", ""))):
        return ["camouflage", *ev.signals()], ev.n_a
    if ev.n_a >= 3:
        signals = _is_farm(ev, after_footer)
        if signals is None and not after_footer and col.tail_sigs:
            # the relaxed rule for content stacked after </html>; positions are costly, so
            # they are computed only for blocks that the relaxed rule would convict
            signals = _is_farm(ev, True)
            if signals is not None and col.position([node], False) != "after_html":
                signals = None
        if signals is not None:
            return ["link_farm", *signals], ev.n_a
    if tag not in _INLINE and 0 < ev.chars <= 400 and ev.hits and ev.n_a == 0:
        n = is_spam_line(node.text(deep=True))
        if n:
            return ["keyword_run"], n
    return None


def _link_block(ev: _Ev | None) -> bool:
    """A block that is (almost) only links: ``<p><a>天辰娱乐</a></p>``, ``<li><a>…</a></li>``."""
    return ev is not None and ev.n_a >= 1 and ev.n_footer == 0 and ev.plain_chars <= max(8, ev.a_chars // 4)


def _farm_runs(kids: list[LexborNode], ev_map: dict[int, _Ev], col: _Collector, after_footer: bool) -> list[LexborNode]:
    """Runs of inline siblings (anchors, spaces, ``<br>``) under a parent that also holds real
    content: judge each run as a block of its own. Returns the children still present."""
    out: list[LexborNode] = []
    run: list[LexborNode] = []
    seen_footer = after_footer

    def flush() -> None:
        if not run:
            return
        ev = _Ev()
        for n in run:
            if n.is_element_node:
                sub = ev_map.get(n.mem_id)
                if sub is not None:
                    ev.add(sub)
            else:
                text = n.text_content or ""
                ev.chars += len(normalize_space(text))
                ev.hits += _text_hits(text)
        position = col.position(run, seen_footer)
        signals = _is_farm(ev, seen_footer or position == "after_html") if ev.n_a >= 3 else None
        if signals is not None:
            col.remove(list(run), ["link_farm", *signals], ev.n_a, position)
        else:
            out.extend(run)
        run.clear()

    for kid in kids:
        if kid.is_text_node or (kid.is_element_node and (kid.tag in _INLINE or _link_block(ev_map.get(kid.mem_id)))):
            run.append(kid)
        else:
            flush()
            out.append(kid)
        if kid.is_element_node:
            sub = ev_map.get(kid.mem_id)
            if sub is not None and sub.n_footer and kid.tag not in _INLINE:
                seen_footer = True
        elif kid.is_text_node and _FOOTER_MARK.search(kid.text_content or ""):
            flush()
            seen_footer = True
    flush()
    return out


_MARKUP = re.compile(r"<(?:p|div|table|tr|td|span|a|font|br|li|h\d)\b", re.IGNORECASE)


def _recover_xmp(tree: LexborHTMLParser, col: _Collector) -> None:
    """S12 hazard: an unclosed ``<xmp>`` from a tag salad turns all following markup into text.
    Re-parse such text and put the elements back in place (then judge them like the rest)."""
    for _ in range(20):  # an xmp may hide another one
        found = False
        for xmp in tree.css("xmp, plaintext"):
            raw = xmp.text(deep=True)
            if len(_MARKUP.findall(raw)) < 2:
                continue
            found = True
            col.blocks.append(SpamBlock("in_body", ("unclosed_xmp",), 0, normalize_space(raw)[:120]))
            body = LexborHTMLParser(raw).body
            if body is not None:
                for child in list(_children(body)):
                    xmp.insert_before(child)
            xmp.decompose()
            break
        if not found:
            return


def remove_spam(tree: LexborHTMLParser, html: str) -> tuple[tuple[SpamBlock, ...], int]:
    """Remove injected spam from ``tree`` (mutated); ``html`` is the decoded page, used to see
    what was stacked after ``</html>``. Returns the blocks with evidence and the number of spam
    links removed."""
    col = _Collector(_tail_signatures(html), "\x00" not in html)
    _recover_xmp(tree, col)
    _head_spam(tree, col)
    _js_wrapped_runs(tree, col)
    ev_map = _walk_blocks(tree, col)
    _salad(tree, col, ev_map)
    return tuple(col.blocks), col.links
