"""Find the main content of a report page and strip site chrome from it.

``find_container`` picks the body *by content*: known CMS containers (``parsers.families``) are
candidates, the one holding most of the page's non-link text wins (ties go to the family order),
and a text-density walk is the fallback. The statistics tables often sit outside the CMS body
(a sibling after the prose), so the container is widened to a common ancestor that holds them.

``strip_chrome`` then removes navigation, breadcrumbs, share/print bars, counters and footers
inside the container; ``is_chrome_line`` (``parsers.chrome_lines``) is the same judgement for a
single text line (text mode and the final filter).

All walks are iterative (pages nest 10,000 deep) and linear in the page size. The page is
measured once (``PageStats``, ``parsers.measure``): ``find_container`` walks the body, and the
same walk yields the page's text segments and each block's slice of them; ``strip_chrome``
reuses the records for the container and says what it removed, so that the container's lines
can be patched instead of read again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.chrome_lines import _CHROME_HINT, _tc, is_chrome_line
from parsers.families import END_COMMENTS, END_SELECTORS, FAMILIES
from parsers.measure import PageStats, _measure
from parsers.measure_totals import (
    _CANDIDATE_CJK,
    _CHARS_X,
    _LINK_X,
    _MASK,
    _NODES_X,
    _ROWS_X,
    _TABLES_X,
    _is_end_comment,
    _St,
)
from parsers.text import SKIP_TAGS, iter_segments
from parsers.text import children as _children

__all__ = ["PageStats", "find_container", "is_chrome_line", "strip_chrome"]

# --------------------------------------------------------------------------- container

_LAYOUT_ROOTS = frozenset(("html", "body"))


def find_container(tree: LexborHTMLParser, stats: PageStats | None = None) -> tuple[LexborNode, str | None]:
    """The node holding the report (prose and statistics tables) and the CMS family that found
    it (None when the text-density fallback did).

    ``stats``, when given (empty), receives the page's measurements, so that ``strip_chrome``
    need not walk the container again."""
    root = tree.body or tree.root
    if root is None:
        raise ValueError("empty document")
    stats = _measure(root, stats)
    best: tuple[tuple[int, int], LexborNode, str] | None = None
    candidates: list[tuple[int, int, LexborNode, str, _St]] = []
    order = 0
    possible = _possible_families(stats)
    for fi, fam in enumerate(FAMILIES):
        if fi not in possible:
            continue  # only nodes with too little text could match: none of them can win
        for node in tree.css(fam.query):
            st = stats.of(node)
            if st is None:
                continue
            candidates.append((fi, order, node, fam.name, st))
            order += 1
    if candidates:
        top = max(c[4].cjk for c in candidates)
        for fi, idx, node, name, st in candidates:
            if st.cjk < _CANDIDATE_CJK or st.cjk < 0.6 * top or st.link_cjk > st.cjk:
                continue
            key = (fi, idx)
            if best is None or key < best[0]:
                best = (key, node, name)
    if best is not None and _cjk(stats, best[1]) * 4 >= stats[root.mem_id].cjk:
        node, family = best[1], best[2]
    else:
        node, family = _densest(root, stats), None
    return _with_tables(root, node, stats), family


# A selector of families.py is ``tag#id.class[attr]…``; each is filed under one part that every
# node it matches has (id, else a class, else an attribute, else the tag), lower-cased since
# class and id match in any case in quirks mode. A page's nodes with enough text then say which
# families can have a winning candidate, and only those are queried (a family query costs as
# much as the whole measuring walk of a small page; a page matches one or two families).
_SELECTOR = re.compile(r"([A-Za-z][\w-]*)?((?:[#.][\w-]+|\[[\w-]+(?:\^?=[^\]]+)?\])*)")
_SELECTOR_PART = re.compile(r"([#.])([\w-]+)|\[([\w-]+)(?:(\^?=)([^\]]+))?\]")


def _family_keys() -> tuple[dict[tuple[str, str], set[int]], list[tuple[str, str, int]], set[int]]:
    """(part → families, [(attribute, value prefix, family)], families to query always)."""
    by_key: dict[tuple[str, str], set[int]] = {}
    prefixes: list[tuple[str, str, int]] = []
    always: set[int] = set()
    for fi, fam in enumerate(FAMILIES):
        for sel in fam.selectors:
            m = _SELECTOR.fullmatch(sel.strip())
            if m is None:
                always.add(fi)  # not a simple selector: no shortcut
                continue
            tag, rest = m.group(1), m.group(2)
            ids, classes, attrs, prefix = [], [], [], []
            for kind, name, attr, op, value in _SELECTOR_PART.findall(rest):
                if kind == "#":
                    ids.append(name.lower())
                elif kind == ".":
                    classes.append(name.lower())
                elif op == "^=":
                    prefix.append((attr.lower(), value.strip("\"'").lower()))
                else:
                    attrs.append(attr.lower())
            if ids:
                by_key.setdefault(("#", ids[0]), set()).add(fi)
            elif classes:
                by_key.setdefault((".", classes[0]), set()).add(fi)
            elif prefix:
                prefixes.append((*prefix[0], fi))
            elif attrs:
                by_key.setdefault(("[", attrs[0]), set()).add(fi)
            elif tag:
                by_key.setdefault(("", tag.lower()), set()).add(fi)
            else:
                always.add(fi)
    return by_key, prefixes, always


_FAMILY_KEYS, _FAMILY_PREFIXES, _FAMILY_ALWAYS = _family_keys()


def _possible_families(stats: PageStats) -> set[int]:
    """Indices of the families whose query may return a node with ``_CANDIDATE_CJK`` or more."""
    out = set(_FAMILY_ALWAYS)
    by_key = _FAMILY_KEYS
    texty: list[tuple[str, LexborNode]] = []
    for i in stats.texty:
        rec = stats.info[i]
        assert isinstance(rec, tuple)
        texty.append((rec[1], stats.order[i]))
    texty.extend((node.tag or "", node) for node in stats.texty_inside)
    for tag, node in texty:
        out.update(by_key.get(("", tag.lower()), ()))
        for name, value in node.attributes.items():
            name = name.lower()
            out.update(by_key.get(("[", name), ()))
            if not value:
                continue
            if name == "id":
                out.update(by_key.get(("#", value.lower()), ()))
            elif name == "class":
                for cls in value.split():
                    out.update(by_key.get((".", cls.lower()), ()))
            for attr, prefix, fi in _FAMILY_PREFIXES:
                if attr == name and value.lower().startswith(prefix):
                    out.add(fi)
    return out


def _densest(root: LexborNode, stats: PageStats) -> LexborNode:
    """Innermost block holding most of the non-link CJK text."""
    node = root
    while True:
        total = _cjk(stats, node)
        best, best_cjk = None, -1
        for child in _children(node):
            if not child.is_element_node:
                continue
            st = stats.of(child)
            if st is not None and st.cjk > best_cjk:
                best, best_cjk = child, st.cjk
        if best is None or total == 0 or best_cjk * 4 < total * 3:
            return node
        node = best


def _cjk(stats: PageStats, node: LexborNode) -> int:
    st = stats.of(node)
    if st is None:
        raise KeyError(node.mem_id)
    return st.cjk


def _with_tables(root: LexborNode, node: LexborNode, stats: PageStats) -> LexborNode:
    """Widen ``node`` to the nearest ancestor that also holds the page's statistics tables."""
    st = stats.of(node)
    if st is None:
        raise KeyError(node.mem_id)
    if stats[root.mem_id].stat_tables == st.stat_tables:
        return node
    ancestors: dict[int, LexborNode] = {}
    cur: LexborNode | None = node
    while cur is not None:
        ancestors[cur.mem_id] = cur
        if cur.mem_id == root.mem_id:
            break
        cur = cur.parent
    result = node
    depth_of = {mid: i for i, mid in enumerate(ancestors)}
    for table in _stat_tables(root, stats):
        cur = table
        in_chrome = False
        while cur is not None and cur.mem_id not in ancestors:
            in_chrome = in_chrome or _chrome_named(cur)
            cur = cur.parent
        if cur is None or in_chrome:
            continue  # a counter or sidebar table inside header/nav/footer chrome
        if depth_of[cur.mem_id] > depth_of[result.mem_id]:
            result = ancestors[cur.mem_id]
    return result


def _chrome_named(el: LexborNode, tag: str | None = None) -> bool:
    if (tag or el.tag) in ("header", "nav", "footer", "aside"):
        return True
    attrs = el.attributes
    ident, cls = attrs.get("id"), attrs.get("class")
    return bool(ident or cls) and _chrome_names(ident, cls)


@lru_cache(maxsize=4096)
def _chrome_names(ident: str | None, cls: str | None) -> bool:
    """Whether an id or one of the classes is a chrome name (the same few repeat on every page)."""
    return bool((ident and _CHROME_NAME.match(ident)) or (cls and any(_CHROME_NAME.match(c) for c in cls.split())))


def _stat_tables(root: LexborNode, stats: PageStats) -> Iterator[LexborNode]:
    """Innermost statistics tables, found by descending only into subtrees that hold one."""
    stack = [root]
    while stack:
        node = stack.pop()
        inner = [
            c for c in _children(node)
            if c.is_element_node and (st := stats.get(c.mem_id)) is not None and st.stat_tables
        ]
        if node.tag == "table" and not inner and stats[node.mem_id].stat_tables:
            yield node
            continue
        stack.extend(reversed(inner))


# --------------------------------------------------------------------------- chrome removal

_DROP_TAGS = frozenset(
    ("script", "style", "noscript", "select", "input", "button", "textarea", "nav", "iframe", "object",
     "embed", "link", "meta", "template", "svg", "canvas", "audio", "video")
)
_CHROME_NAME = re.compile(
    r"^(?:(?:bd)?share.*|bds_.*|jiathis.*|fenxiang.*|print(?:bar|btn|[-_]btn|[-_]bar)?|dayin|xglj.*|xgwz|xgxx|related.*|xiangguan.*"
    r"|bread.*|crumbs?.*|position|location|weizhi|dqwz|curpos|nav|navs|navbar|.*[-_]navs?|menu.*|sub-?nav"
    r"|foot|footer.*|.*[-_]foot(?:er)?|copyright|banquan|qr_?container|qr_?code|ewm|erweima|pagination"
    r"|page-?bar|toolbar|tools?|font-?size|zoom-?tool|search(?:box|bar|form|[-_]box|[-_]bar|[-_]form)?|sousuo|jiucuo|article-auxi|de_banners"
    r"|header|top-?bar|topbar|clicks?|dyn-?clicks?|article-tools?)$",
    re.IGNORECASE,
)
_GUARD_CJK = 300


def strip_chrome(node: LexborNode, stats: PageStats | None = None, removed_at: list[int] | None = None) -> int:
    """Remove chrome inside the container ``node`` (mutated); returns the number of nodes removed.

    Report prose and statistics tables are never removed: a block goes by class/id or tag only
    when it holds no statistics table and little non-link text, and by text only when every
    line of it is chrome.

    ``stats`` are ``find_container``'s measurements of the unchanged page (measured here when
    missing). The loop follows their preorder instead of the tree: a removed node's subtree is
    skipped by index, text nodes come with their text, so nodes are not walked twice.
    ``removed_at``, when given, receives the preorder indices in ``stats`` of the removed nodes
    (not of text nodes under SKIP_TAGS elements: they hold no segment); -1 when ``stats`` were
    not usable.
    """
    if removed_at is None:
        removed_at = []
    if stats is None or not stats.has(node.mem_id):
        stats = _measure(node)
        removed_at.append(-1)
    order, info = stats.order, stats.info
    lo = stats.index[node.mem_id]
    top = info[lo]
    assert isinstance(top, tuple)
    hi = top[0]
    removed, cut = _cut_after_end_markers(node, stats, lo, hi)
    removed_at.extend(cut)
    # Below this index an ancestor's text had no chrome word, so no part of it has: an element's
    # text is a slice of its ancestors' text and cannot have changed before the element is visited
    # (everything removed so far lies before it in preorder, outside its subtree).
    skip_hint_below = 0
    i = lo + 1
    while i < hi:
        rec = info[i]
        if rec.__class__ is not tuple:  # a text node (its text) or an end-marker comment
            if (rec.__class__ is str and i >= skip_hint_below and is_chrome_line(rec)  # type: ignore[arg-type]
                    and _lone_line(cur := order[i])):
                cur.decompose()
                removed += 1
                removed_at.append(i)
            i += 1
            continue
        end, tag, enter, leave, _, _ = rec
        if i in cut:  # removed by _cut_after_end_markers
            i = end
            continue
        d = leave - enter
        tables = (d >> _TABLES_X) & _MASK
        cjk = d & _MASK
        cur = order[i]
        if tag in _DROP_TAGS:
            chrome = tag != "nav" or (tables == 0 and cjk < _GUARD_CJK)
        elif tables == 0 and cjk < _GUARD_CJK:  # guarded: no statistics table, little prose
            chrome = _chrome_tag_or_name(cur, tag, cjk)
            if not chrome and i >= skip_hint_below and 0 < (d >> _CHARS_X) & _MASK <= 400 and (d >> _NODES_X) & _MASK <= 300:
                if _CHROME_HINT.search(cur.text(deep=True)):
                    chrome = _chrome_text(cur, (d >> _LINK_X) & _MASK > cjk)
                else:
                    skip_hint_below = end
        else:
            chrome = False
        if chrome:
            cur.decompose()
            removed += 1
            removed_at.append(i)
            i = end
            continue
        if tables == 1 and tag == "table" and (d >> _ROWS_X) & _MASK >= 4:
            i = end  # a statistics table: nothing inside it is chrome
            continue
        if tag in SKIP_TAGS:  # not measured inside: only its own text nodes are judged
            removed += _strip_child_lines(cur)
        i += 1
    return removed


def _strip_child_lines(el: LexborNode) -> int:
    """Remove the chrome text nodes directly under ``el``."""
    removed = 0
    for child in list(_children(el)):
        if child.is_text_node:
            text = child.text_content or ""
            if text.strip() and is_chrome_line(text) and _lone_line(child):
                child.decompose()
                removed += 1
    return removed


def _lone_line(text_node: LexborNode) -> bool:
    """A chrome text node may go only when it is a whole line: its siblings are not text-bearing
    inline runs (``点击次数：<script>`` is, ``正文…<br>点击次数：`` also)."""
    for sib in (text_node.prev, text_node.next):
        if sib is not None and sib.is_text_node and (sib.text_content or "").strip():
            return False
    return True


def _chrome_tag_or_name(el: LexborNode, tag: str, cjk: int) -> bool:
    """A guarded block that is chrome by its tag, its form inputs or its class/id."""
    if tag in ("footer", "header"):
        return True
    if tag == "form" and cjk < 40 and el.css_first("input, select, button") is not None:
        return True
    return _chrome_named(el, tag)


def _chrome_text(el: LexborNode, mostly_links: bool) -> bool:
    """A guarded block whose text (which has a chrome word) is chrome: every line, or a
    related-links box."""
    lines = list(iter_segments(el))
    if lines and all(is_chrome_line(line) for line in lines):
        return True
    return bool(lines and mostly_links and _RELATED.match(lines[0]))


_RELATED = re.compile(_tc(r"^(?:相关链接|相关文章|相关文件|相关阅读|相关报道|相关新闻|推荐阅读|友情链接)"))


def _cut_after_end_markers(node: LexborNode, stats: PageStats, lo: int, hi: int) -> tuple[int, set[int]]:
    """Drop what follows a family's body-end marker (``<!--/enpcontent-->``, ``#pagination``,
    ``<meta name=ContentEnd>``…) inside the container, except tables and prose. Returns the
    count and the preorder indices (in ``stats``) of the removed nodes."""
    markers: list[LexborNode] = []
    if END_SELECTORS:
        markers.extend(node.css(END_SELECTORS))
    if END_COMMENTS:
        if stats[node.mem_id].nodes <= 100_000:  # the walk saw every comment the scan below would
            markers.extend(stats.order[j] for j in stats.end_comments if lo < j < hi)
        else:
            markers.extend(_end_comments(node))
    doomed: dict[int, LexborNode] = {}
    for marker in markers:
        if marker.is_element_node and _guard_ok(marker, stats):
            doomed[marker.mem_id] = marker
        cur: LexborNode | None = marker
        while cur is not None and cur.mem_id != node.mem_id:
            sib = cur.next
            while sib is not None:
                if sib.is_element_node and _guard_ok(sib, stats):
                    doomed[sib.mem_id] = sib
                sib = sib.next
            cur = cur.parent
    keep = _outermost(doomed, node)
    # (-1: an element inside a table read in one piece, whose lines are not known apart)
    cut = {stats.index.get(el.mem_id, -1) for el in keep}
    for el in keep:
        el.decompose()
    return len(keep), cut


def _end_comments(node: LexborNode) -> Iterator[LexborNode]:
    """Body-end marker comments under ``node`` (outside SKIP_TAGS; the first 100,000 elements)."""
    raw = node.html or ""
    if not any(m in raw for m in END_COMMENTS):
        return
    stack = [node]
    seen = 0
    while stack and seen < 100_000:
        cur = stack.pop()
        seen += 1
        for child in _children(cur):
            if child.is_comment_node:
                if _is_end_comment(child):
                    yield child
            elif child.is_element_node and child.tag not in SKIP_TAGS:
                stack.append(child)


def _guard_ok(el: LexborNode, stats: PageStats) -> bool:
    st = stats.of(el)
    return st is not None and st.stat_tables == 0 and st.cjk < 200 and el.css_first("table") is None


def _outermost(doomed: dict[int, LexborNode], stop: LexborNode) -> list[LexborNode]:
    """The doomed nodes that have no doomed ancestor (a freed node must not be touched)."""
    keep = []
    for mid, el in doomed.items():
        cur = el.parent
        nested = False
        while cur is not None and cur.mem_id != stop.mem_id:
            if cur.mem_id in doomed and cur.mem_id != mid:
                nested = True
                break
            cur = cur.parent
        if not nested:
            keep.append(el)
    return keep
