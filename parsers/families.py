"""CMS-family hints as data: where each family keeps the report body and where the body ends.

The cleaning stage (``parsers.clean.find_container``) tries the families in the order of
``FAMILIES``; inside a family the selectors are alternatives. Order matters only between
candidates holding a similar amount of report text: the body is chosen *by content*, because
saved copies and mirrors put navigation into containers that look like bodies
(page-layouts.md §1, L1 parser notes).

Heilongjiang's Ucap template wraps ``<UCAPCONTENT>`` in ``div.article_content#zoomcon``, so
``ucap`` is tried before ``label_font`` (whose ``#zoomcon`` would otherwise claim it).

``end_markers`` are comments (``<!--…-->`` text, matched as substrings) or selectors after which
the family's templates print only chrome (share bars, pagination, interpretation boxes).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FAMILIES", "Family", "END_COMMENTS", "END_SELECTORS", "family_by_name"]


@dataclass(frozen=True, slots=True)
class Family:
    """One CMS family: body selectors (priority order) and body-end markers."""

    name: str
    selectors: tuple[str, ...]
    end_comments: tuple[str, ...] = ()
    end_selectors: tuple[str, ...] = ()

    @property
    def query(self) -> str:
        """All selectors as one selector list, so a page is queried once per family."""
        return ", ".join(self.selectors)


FAMILIES: tuple[Family, ...] = (
    Family(
        "gov_cn",
        ("#UCAP-CONTENT", "div.pages_content", "td.b12c"),
        end_comments=("/enpcontent", "微信分享图功能"),
        end_selectors=("#pagination", "div.jiedu-blk", "#qr_container"),
    ),
    Family(
        "trs",
        (".trs_editor_view", ".TRS_UEDITOR", ".TRS_Editor", ".Custom_UnionStyle", "div.view.TRS_UEDITOR",
         "div.txt_txt"),
        end_selectors=(".bdsharebuttonbox", ".jiathis_style", "div.share"),
    ),
    Family(
        "hanweb",
        ("#zoom", "#Zoom", "#ivs_content", ".main-txt", ".artile_zw", "div.art_con", "founder-content"),
        end_comments=("ZJEG_RSS.content.end", "<$[信息内容]>end"),
        end_selectors=("meta[name=ContentEnd]", ".fenxiang"),
    ),
    Family(
        "vsb",
        ("[id^=vsb_content]", ".v_news_content", "#artibody", ".wp_articlecontent"),
    ),
    Family("epoint", (".ewb-article-detail", ".ewb-article-info")),
    Family(
        "gkmlpt",
        ("div.zw[wzades]", "div.tyxxy_main", "div.news_cont_d_wrap", "[wzades=正文]"),
        end_selectors=("div.tyxxy_fj", "p[noextractcontent]"),
    ),
    Family("ucap", ("ucapcontent", ".article_content", ".Article_content", "#mainText", ".contText")),
    Family("label_font", ("#zoomcon", ".article-content"), end_selectors=("div.article-auxi",)),
    Family(
        "padded_grid",
        (".xxgk_content", ".xxgk-content", ".xxgk_detail", ".gknb_content", ".detail-content", ".pub-detail"),
    ),
    Family(
        "mirror",
        (".article-con", ".article_con", ".article-content", ".article_text", ".content-box", ".content_box",
         ".content-main", ".content_main", ".content-body", ".content_body", ".content-text",
         ".content_text", ".trout-region-content", "div.zw", "div.article", "div.content", "div.view"),
    ),
)

#: Comment substrings that end a body in any family.
END_COMMENTS: tuple[str, ...] = tuple(c for f in FAMILIES for c in f.end_comments)
#: Selectors (one list) for elements that begin post-body chrome in any family.
END_SELECTORS: str = ", ".join(s for f in FAMILIES for s in f.end_selectors)


def family_by_name(name: str) -> Family:
    """The family called ``name`` (KeyError when unknown)."""
    for fam in FAMILIES:
        if fam.name == name:
            return fam
    raise KeyError(name)
