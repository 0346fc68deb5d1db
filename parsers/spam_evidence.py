"""Evidence for spam removal in the DOM: hosts, hiding styles, and per-element counts (:class:`_Ev`)
of links, lexicon hits, frames, salad tags and footer marks.

Split from :mod:`parsers.spam`. :func:`_measure` visits in Python only the elements that hold an
anchor, frame, marquee, text-less tag or salad tag; every other element's record comes from one
C-level text read (:func:`_plain_ev`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.spam_lexicon import _STRONG_PIECE, _text_hits, _token_is_spam
from parsers.text import _tag_ids, normalize_space

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
    if ":" not in href and "//" not in href:
        return None  # neither ``http:``, ``https:`` nor ``//`` can start it
    href = href.strip()
    if not href.lower().startswith(("http:", "https:", "//")):
        return None
    url = href if not href.startswith("//") else "http:" + href
    if url.isascii() and url.isprintable() and "[" not in url and "]" not in url:
        host = _ascii_hostname(url)
    else:
        try:
            host = urlsplit(url).hostname
        except ValueError:
            return None
    return host.lower() if host else None


def _ascii_hostname(url: str) -> str | None:
    """``urlsplit(url).hostname`` for a printable ASCII ``url`` without brackets that starts
    with ``http:`` or ``https:`` in any case (so urlsplit would strip and remove nothing, raise
    nothing, and take that scheme), in a few string operations: it runs for every absolute
    link of a page."""
    rest = url[url.index(":") + 1:]
    if not rest.startswith("//"):
        return None  # no netloc
    netloc = rest[2:]
    for sep in "/?#":
        cut = netloc.find(sep)
        if cut >= 0:
            netloc = netloc[:cut]
    hostname = netloc.rpartition("@")[2].partition(":")[0]
    if not hostname:
        return None
    name, percent, zone = hostname.partition("%")
    return name.lower() + percent + zone


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




def _has_footer_mark(text: str) -> bool:
    """``_FOOTER_MARK.search(text)``, for long texts (a subtree's): every match holds one of
    these substrings, and a substring test skips through a text in C many times faster than
    the alternation's scan (~5 ns a character)."""
    return (
        "标识码" in text or "標識碼" in text or "ICP" in text or "安备" in text or "安備" in text
        or "版权所有" in text or "版權所有" in text
    ) and _FOOTER_MARK.search(text) is not None


def _has_zero_width(text: str) -> bool:
    """``parsers.text._ZERO_WIDTH.search(text)`` (``[\u200b-\u200f\u2060\ufeff]``) for long texts,
    by one fast character search per member instead of a class scan (~5 ns a character)."""
    return (
        "\u200b" in text or "\u200c" in text or "\u200d" in text or "\u200e" in text or "\u200f" in text
        or "\u2060" in text or "\ufeff" in text
    )


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


@lru_cache(maxsize=4096)
def _host_kind(host: str) -> tuple[bool, bool]:
    """(government host, random-looking host) — links to the same hosts recur on every page."""
    return _GOV_HOST.search(host) is not None, _random_host(host)


@lru_cache(maxsize=4096)
def _text_lex(text: str) -> tuple[int, int]:
    """(lexicon link, lexicon hits) of a normalised anchor text: spam kits reuse their brand
    anchors from page to page, and each costs a few regex scans."""
    if _STRONG_PIECE.search(text) is None:  # neither a lexicon term nor a hit
        return 0, 0
    return (1 if _token_is_spam(text) else 0), _text_hits(text)


def _link_hosts(href: str | None, text: str) -> tuple[int, int, int, int]:
    """Government, offsite, random host, host-name text, for an anchor's ``href`` and
    normalised text (a host name holds a dot, so a text without one may be given as "")."""
    gov = off = rand = host_text = 0
    host = _host_of(href or "")
    if host is not None:
        is_gov, is_random = _host_kind(host)
        if is_gov:
            gov = 1
        else:
            off = 1
            if is_random:
                rand = 1
    m = _HOSTNAME_TEXT.match(text) if "." in text else None
    if m:
        is_gov, is_random = _host_kind(m.group(1).lower())
        if not is_gov:
            host_text = 1
            if is_random:
                rand = 1
    return gov, off, rand, host_text


def _anchor_ev(a: LexborNode) -> _Ev:
    text = normalize_space(a.text(deep=True))
    n = len(text)
    href = a.attrs.get("href")
    lex, hits = _text_lex(text)
    if "." not in text and (href is None or (":" not in href and "//" not in href)):
        # no host (see _host_of) and no host-name text: most anchors of most pages
        return _Ev(1, lex, 0, 0, 0, 0, n, n, hits)
    gov, off, rand, host_text = _link_hosts(href, text)
    return _Ev(1, lex, off, rand, host_text, gov, n, n, hits)


_MEDIA = frozenset(("img", "table", "input", "iframe", "frame", "embed", "object", "video", "audio", "svg"))

#: Elements a C-level text read cannot stand in for: anchors (taken as a whole), frames and
#: marquees (judged on their own), and tags whose text does not count. They and their ancestors
#: are measured node by node; see :func:`_plain_ev` for the rest.
_WALKED = "a, iframe, frame, marquee, " + ", ".join(sorted(_SKIP_TEXT))


_WALKED_IDS = _tag_ids(frozenset(_WALKED.split(", ")))


def _walked_ids(root: LexborNode) -> set[int]:
    """``mem_id`` of the elements under ``root`` that :func:`_measure` has to visit one by one:
    every :data:`_WALKED` element and its ancestors, and salad tags with an id (whose media
    count matters) with their whole subtree and ancestors."""
    marked: set[int] = set()
    whole: set[int] = set()  # inside a salad tag with an id (document order: outermost first)
    root_id = root.mem_id
    # one walk in C with an integer test per node: lexbor's cost for a selector list grows
    # with each of its 11 selectors (same nodes, same order: traverse yields ``root`` too and,
    # like the selectors, does not enter template contents)
    walked_ids = _WALKED_IDS
    starts = [n for n in root.traverse() if n.tag_id in walked_ids]
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
    # str.strip() per text node; white-space-only nodes (empty once stripped) left out
    text = node.text(deep=True, separator="\x00", strip=True, skip_empty=True)
    if _STRONG_PIECE.search(text):
        return None  # a hit in one text node holds a piece, and so does ``text``
    ev = _Ev(chars=len(text) - text.count("\x00"))
    if _has_footer_mark(text):
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
    lex_piece, footer_mark = _STRONG_PIECE.search, _FOOTER_MARK.search
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
                    if child.tag == "a":
                        # a leaf: its evidence is taken as a whole, nothing to visit below
                        sub = _anchor_ev(child)
                        out[child.mem_id] = sub
                        kids.append(sub)
                    else:
                        sub = _Ev()
                        out[child.mem_id] = sub
                        kids.append(sub)
                        stack.append((child, sub, None, sub_fast))
                elif child.is_text_node:
                    text = child.text_content
                    if text and not text.isspace():
                        ev.chars += len(text.strip())
                        if lex_piece(text):  # no piece, no hit
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
