"""Find and remove injected spam: hidden link farms, keyword tails, tag salad, title hijacks, pinyin.

Spam mirrors of government pages keep the original page and add things to it
(page-layouts.md §2, S1–S14). Hiding alone proves nothing (gov.cn overlays ``opacity:0``
anchors on banners, Excel exports hide ``AL`` of ``TOTAL``), so a block is removed only on
*spam evidence*: gambling/porn lexicon hits, throwaway or random hosts, random-id tag salad,
combined with where it sits (hidden, after the footer, after ``</html>``). Every removed block
is recorded as a :class:`SpamBlock` with its evidence.

All walks are iterative: pages nest 10,000 deep.

The lexicon and the text-only rules live in :mod:`parsers.spam_lexicon`, the per-element
evidence in :mod:`parsers.spam_evidence`, pinyin in :mod:`parsers.spam_pinyin`; the public
names are all importable from here. Most pages carry no spam: :func:`_clean_body` proves that
from the anchors and the text as a whole, and the walk stops below :func:`_inert` elements,
both without changing any result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.model import SpamBlock
from parsers.spam_evidence import (
    _CAMOUFLAGE,
    _FOOTER_MARK,
    _GOV_HOST,
    _SALAD_TAGS,
    _SKIP_TEXT,
    _Ev,
    _has_footer_mark,
    _has_zero_width,
    _hidden_css,
    _hidden_is_spam,
    _hidden_style,
    _host_of,
    _is_farm,
    _link_hosts,
    _marquee_spam,
    _measure,
    _random_id,
    _zero_iframe,
)
from parsers.spam_lexicon import (
    _STRONG_PIECE,
    _text_hits,
    _token_is_spam,
    clean_title,
    is_spam_line,
    spam_lines,
)
from parsers.spam_pinyin import strip_pinyin
from parsers.text import children as _children
from parsers.text import normalize_space

__all__ = ["clean_title", "is_spam_line", "remove_spam", "spam_lines", "strip_pinyin"]

_CLOAK = re.compile(
    r"document\.referrer|eval\(function\(p,a,c,k,e,[dr]\)|\\x3c(?:script|iframe)", re.IGNORECASE
)
_SCRIPT_HIDE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|left\s*:\s*-\d{3,}|top\s*:\s*-\d{3,}", re.I)
_SCRIPT_CLOSE = re.compile(r"document\.write(?:ln)?\s*\(\s*['\"]\s*</\s*(?:div|span|p|marquee)", re.I)
_INLINE = frozenset(["a", "b", "i", "u", "s", "em", "strong", "span", "font", "br", "small", "big", "sup", "sub", "wbr", "strike", "nobr", "label"])


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
    # One selector, not ``meta[name], meta[http-equiv]`` (lexbor's cost grows with each selector
    # of a list); each meta is judged once, whichever of the two attributes it holds.
    for meta in tree.css("meta"):
        attrs = meta.attributes
        if "name" in attrs or "http-equiv" in attrs:
            _judge_meta(meta, col)
    for script in tree.css("script"):
        code = script.text(deep=True)
        if code and _cloaking(code) and "_ideConac" not in code and "jiucuo" not in code:
            position = "head" if _in_head(script) else "in_body"
            col.remove([script], ("cloaking_script",), 0, position)


def _judge_meta(meta: LexborNode, col: _Collector) -> None:
    """S10/S11 for one ``<meta name|http-equiv>``: stuffed keywords, a refresh redirect."""
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


def _cloaking(code: str) -> bool:
    """``_CLOAK`` matches, tried only when the code holds a piece of each of its branches in some
    case (their letters have no non-ASCII case forms, so ``lower()`` keeps the pieces): the
    case-insensitive regex costs ~20 ns a character, a page's scripts run to tens of KB."""
    low = code.lower()
    return ("referrer" in low or "eval" in low or "x3c" in low) and _CLOAK.search(code) is not None


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
    # text reads that found no proof; each reads a whole subtree, so a page nesting 10,000
    # deep must not pay one per level (the walk then just descends, as it would anyway)
    text_probes = 64
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
        if ev is not None and tag != "marquee" and text_probes:
            inert = _inert(node, ev, after_footer or node is body, marquees)
            if inert:
                if ev.n_footer:
                    after_footer = True
                continue
            if inert is not None:
                text_probes -= 1
        kids = list(_children(node))
        if ev is not None and ev.n_a >= 3:
            kids = _farm_runs(kids, ev_map, col, after_footer)
        stack.extend(reversed(kids))
    return ev_map


def _clean_body(body: LexborNode) -> bool:
    """True when :func:`_walk_blocks` would remove nothing and :func:`_salad` find nothing, proved
    without measuring every element: the evidence of all anchors and all text bounds every
    element's, and the page's as a whole passes :func:`_inert` (the footer flag does not
    matter: nothing follows the body); and there is no salad tag with a random id.

    The text is read without separators: every text node's text, and every anchor's, is a
    piece of it, and with no zero-width character on the page normalising a text only
    changes its white space, so a lexicon term anywhere would show a piece here."""
    text = body.text(deep=True)
    if _STRONG_PIECE.search(text) or _has_zero_width(text):
        return False
    if body.css_first("iframe, frame, marquee") is not None:
        return False
    for node in body.css("[id]"):
        if node.tag in _SALAD_TAGS and _random_id(node.attributes.get("id") or ""):
            return False
    n_off = n_host = 0
    for a in body.css("a"):
        href, raw = a.attrs.get("href"), a.text(deep=True)
        if "." not in raw and not (href and (":" in href or "//" in href)):
            continue  # a relative link (see _host_of) whose text is no host name
        _, off, rand, host_text = _link_hosts(href, normalize_space(raw) if "." in raw else "")
        n_off += off
        n_host += host_text
        if rand or n_off >= 2 or n_host >= 3:
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


def _inert(node: LexborNode, ev: _Ev, after_footer: bool, marquees: set[int]) -> bool | None:
    """True when nothing below ``node`` can be removed, so the walk need not descend: its
    totals bound every element's evidence below it, and none of them meets a rule of
    :func:`_judge` or :func:`_farm_runs` (no lexicon link or hit, no random host, fewer than
    two offsite links and three host-name texts, no frame, no marquee); no text node can be a
    keyword run (:func:`is_spam_line` needs a lexicon term after :func:`normalize_space`, which
    only drops zero-width characters); and the footer flag ends as it would after the
    descent (a counted footer mark sets it; a mark in anchor or script text makes the text
    read give up). None when the totals already rule it out, False when the text read does."""
    if (ev.n_lex_a or ev.hits or ev.n_rand_a or ev.n_off_a >= 2 or ev.n_host_text >= 3 or ev.n_iframe
            or node.mem_id in marquees):
        return None
    text = node.text(deep=True, separator="\x00", skip_empty=True)  # every text node, script text too
    if _STRONG_PIECE.search(text) or _has_zero_width(text):
        return False
    return after_footer or ev.n_footer > 0 or not _has_footer_mark(text)


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
                if _STRONG_PIECE.search(text):  # every hit holds a piece
                    ev.hits += _text_hits(text)
        signals = None
        if ev.n_a >= 3:  # else no farm, and the position (costly with a tail) is not needed
            position = col.position(run, seen_footer)
            signals = _is_farm(ev, seen_footer or position == "after_html")
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
