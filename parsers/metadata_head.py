"""The page's ``<head>``: ``<meta>`` contents and the ``<title>`` text (:func:`read_head`).

Split from :mod:`parsers.metadata`. It is the only part of the metadata reader that walks the
DOM; :func:`parsers.metadata.read_metadata` takes its dict and fills gaps from it, so text pages
(no head) share everything else.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from .text import normalize_space

__all__ = ["read_head"]


def read_head(tree: LexborHTMLParser) -> dict[str, str]:
    """``<meta name|http-equiv|property=… content=…>`` as a dict with lower-cased keys (first
    occurrence wins), plus ``"<title>"`` → the ``<title>`` text."""
    out: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("name") or attrs.get("http-equiv") or attrs.get("property")
        content = attrs.get("content")
        if key and content is not None:
            out.setdefault(key.strip().lower(), normalize_space(content))
    title = tree.css_first("title")
    if title is not None:
        text = normalize_space(title.text(deep=True) or "")
        if text:
            out["<title>"] = text
    return out
