"""Find the main content of a report page and strip site chrome from it.

``find_container`` picks the body *by content*: known CMS containers (``parsers.families``) are
candidates, the one holding most of the page's non-link text wins (ties go to the family order),
and a text-density walk is the fallback. The statistics tables often sit outside the CMS body
(a sibling after the prose), so the container is widened to a common ancestor that holds them.

``strip_chrome`` then removes navigation, breadcrumbs, share/print bars, counters and footers
inside the container; ``is_chrome_line`` is the same judgement for a single text line (text mode
and the final filter). Patterns are anchored or limited to short lines, so a report sentence
that mentions 网站 or 主办 is never chrome.

All walks are iterative (pages nest 10,000 deep) and linear in the page size. The page is
measured once (``PageStats``): ``find_container`` walks the body, and the same walk yields the
page's text segments and each block's slice of them; ``strip_chrome`` reuses the records for the
container and says what it removed, so that the container's lines can be patched instead of
read again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.families import END_COMMENTS, END_SELECTORS, FAMILIES
from parsers.text import _TEXT_ID, BLOCK_TAGS, SKIP_TAGS, _tag_ids, iter_segments, normalize_space
from parsers.text import children as _children

__all__ = ["PageStats", "find_container", "is_chrome_line", "strip_chrome"]

# --------------------------------------------------------------------------- chrome lines

# Simplified → Traditional for the characters used in the patterns below, so one pattern
# serves both scripts (the seed is Traditional; the pipeline converts, but cheaply is better).
_T = {
    "页": "頁", "网": "網", "图": "圖", "联": "聯", "们": "們", "备": "備", "标": "標", "识": "識",
    "码": "碼", "办": "辦", "单": "單", "检": "檢", "点": "點", "击": "擊", "数": "數", "览": "覽",
    "读": "讀", "问": "問", "关": "關", "闭": "閉", "扫": "掃", "机": "機", "开": "開", "当": "當",
    "体": "體", "号": "號", "术": "術", "权": "權", "护": "護", "维": "維", "运": "運", "声": "聲",
    "帮": "幫", "务": "務", "证": "證", "协": "協", "导": "導", "买": "買", "营": "營", "载": "載",
    "级": "級", "统": "統", "计": "計", "设": "設", "为": "為", "词": "詞", "转": "轉", "发": "發",
    "浏": "瀏", "访": "訪", "阅": "閱", "现": "現", "处": "處", "这": "這", "里": "裡", "应": "應",
    "属": "屬", "录": "錄", "键": "鍵", "搜": "搜", "话": "話", "邮": "郵", "编": "編",
    "传": "傳", "荐": "薦", "赞": "贊", "纠": "糾", "错": "錯", "报": "報", "无": "無", "碍": "礙",
    "长": "長",
}


def _tc(pattern: str) -> str:
    """Let every Simplified character of ``pattern`` also match its Traditional form.
    Patterns must not put those characters inside ``[...]`` classes."""
    return "".join(f"[{ch}{_T[ch]}]" if ch in _T else ch for ch in pattern)


_SEP = r"(?:>>|>|＞＞|＞|»|›|→|/|\\|-)"
_CHROME_PATTERNS = [
    # breadcrumbs
    r"^(?:当前位置|您的位置|您现在的位置|你的位置|你现在的位置|所在位置|当前的位置|位置)\s*[:：]",
    rf"^(?:首\s*页|网站首页|主\s*页|政府首页){_SEP}",
    rf"^(?:首\s*页|网站首页|主\s*页)\s*{_SEP}",
    # (each "separator + crumb" step is atomic: without it a long line of short crumbs that
    # fails at the end backtracks exponentially — a 300-character mutated line took 9 s)
    r"^[^>»＞。，]{1,24}(?>\s*(?:>>|»|＞|›|>)\s*[^>»＞。，]{1,24}){2,}\s*[|｜]?$",
    # search boxes
    r"^(?:信息检索|站内搜索|全文检索|站内检索|搜索|检索|关键字|关键词)\s*[:：]?\s*(?:搜索|检索|高级检索)?$",
    # link rows
    r"^(?:(?:网站地图|联系我们|网站声明|返回首页|设为首页|加入收藏|帮助|关于我们|隐私声明|版权声明|网站导航|无障碍"
    r"|长者模式|English|用户登录|智能问答|纠错|我要纠错|网站纠错|收藏本站|法律声明|使用帮助)\s*[|｜/·]?\s*)+$",
    # registration lines
    r"ICP\s*(?:备|证)?\s*字?\s*第?\s*\d{5,}",
    r"公网安备",
    r"网警\s*\d{6,}",
    r"(?:政府)?网站标识码\s*[:：]?\s*[0-9A-Za-z]{6,}",
    # sponsor lines
    r"^(?:主办|承办|协办)(?:单位)?\s*[:：]",
    r"^(?:主办|承办|协办)单位\s+\S",
    r"^(?:技术支持|运行维护|维护单位|网站维护|版权所有)(?:\s|[:：]|$)",
    r"^(?:Copyright|©|\(c\))",
    r"(?:主办|承办|版权所有|技术支持)(?:\s|$)",
    # print / close / share bars
    r"^(?:[【\[（(]?\s*(?:打印(?:此页|本页|页面|文章|本文)?|关闭(?:窗口|本页|页面)?|返回顶部|返回|分享到?|收藏(?:本页)?"
    r"|加入收藏|保存(?:本页)?|我要纠错|纠错|下载文档|视力保护色)\s*[】\]）)]?\s*[|｜/]?\s*)+$",
    r"^(?:分享到|分享至)\s*[:：]",
    # font size toggles
    r"[【\[]?\s*(?:字体|字号|文字)\s*[:：]?\s*[\[【(（]?\s*大\s*[\]】)）]?\s*[\[【(（]?\s*中\s*[\]】)）]?\s*[\[【(（]?\s*小",
    # QR codes
    r"^扫一扫|^(?:用)?手机扫|扫一扫在手机(?:上)?打开|^微信扫一扫|^手机(?:版|浏览)",
    # counters
    r"^(?:点击|浏览|阅读|访问)(?:次数|量|数)\s*[:：]",
    r"(?:发布|来源|日期|时间|作者).{0,60}(?:点击|浏览|阅读|访问)(?:次数|量|数)\s*[:：]",
    # date bar, related links
    r"^今天是\s*\d{4}\s*年",
    r"^(?:相关链接|相关文章|相关文件|相关阅读|相关报道|相关信息|相关新闻|推荐阅读|上一篇|下一篇)\s*(?:[:：].*)?$",
]
_CHROME_ANY = [re.compile(_tc(p), re.IGNORECASE) for p in _CHROME_PATTERNS]
# Patterns that are not anchored at the line start may only convict short lines.
_UNANCHORED = frozenset(i for i, p in enumerate(_CHROME_PATTERNS) if not p.startswith("^"))
_SENTENCE_END = re.compile(r"[。！？]")
# The same patterns as three alternations (any match is the same verdict, whatever the order):
# anchored ones convict any line, unanchored ones only short lines, and the sponsor pattern only
# lines shaped like a sponsor list.
_SPONSOR_IDX = next(i for i, p in enumerate(_CHROME_PATTERNS) if p.startswith(r"(?:主办|承办"))


def _alternation(indices: list[int]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{_tc(_CHROME_PATTERNS[i])})" for i in indices), re.IGNORECASE)


_CHROME_ANCHORED = _alternation([i for i in range(len(_CHROME_PATTERNS)) if i not in _UNANCHORED])
_CHROME_UNANCHORED = _alternation([i for i in sorted(_UNANCHORED) if i != _SPONSOR_IDX])
_CHROME_SPONSOR = _CHROME_ANY[_SPONSOR_IDX]
_SHORT = 120


#: Words at least one of which every chrome pattern needs: a cheap test that rules out most text.
_HINT_WORDS = (
    "位置", "首页", "主页", "检索", "搜索", "关键", "打印", "关闭", "返回", "分享", "收藏", "保存", "纠错", "下载", "视力", "字体", "字号",
    "文字", "扫", "手机", "点击", "浏览", "阅读", "访问", "地图", "联系", "声明", "帮助", "关于", "导航", "无障碍", "长者", "English",
    "登录", "问答", "ICP", "安备", "网警", "标识码", "主办", "承办", "协办", "技术", "维护", "版权", "Copyright", "©", "(c)", "今天是",
    "相关", "推荐", "上一篇", "下一篇", ">", "»", "＞", "›",
)


def _first_char_variants(ch: str) -> list[str]:
    """The characters ``ch`` stands for: itself, its Traditional form, and what ``re.IGNORECASE``
    lets an ASCII letter match (``i`` also matches ``İ`` and ``ı``, ``s`` ``ſ``, ``k`` ``K``)."""
    if ch in _T:
        return [ch, _T[ch]]
    cands = dict.fromkeys((ch, ch.lower(), ch.upper(), "\u0130", "\u0131", "\u017f", "\u212a"))
    return [c for c in cands if re.fullmatch(re.escape(ch), c, re.IGNORECASE)]


def _words_pattern(words: tuple[str, ...]) -> str:
    """One alternation of ``words`` (Simplified or Traditional, ASCII letters in any case) in
    which every branch starts with a plain character, so ``re`` scans a line for the set of
    first characters in C instead of trying every branch at every position (≈ 10× faster than
    ``_tc`` classes under ``re.IGNORECASE``; this test runs on every line and small block)."""
    branches = []
    for word in words:
        rest = re.escape(word[1:])
        rest = f"(?i:{rest})" if any(c.isascii() and c.isalpha() for c in word[1:]) else _tc(rest)
        branches.extend(re.escape(v) + rest for v in _first_char_variants(word[0]))
    return "|".join(dict.fromkeys(branches))


_CHROME_HINT = re.compile(_words_pattern(_HINT_WORDS))
_MAX_CHROME_LINE = 300


_MAX_RAW_LINE = _MAX_CHROME_LINE * 2  # before white space is collapsed
_hint_search = _CHROME_HINT.search


def is_chrome_line(line: str) -> bool:
    """Whether one text line is site chrome (breadcrumb, search label, footer, print bar …)."""
    if len(line) > _MAX_RAW_LINE or not _hint_search(line):
        return False
    return _is_chrome_hinted(line)


@lru_cache(maxsize=8192)
def _is_chrome_hinted(line: str) -> bool:
    """``is_chrome_line`` for a line with a chrome word (cached: chrome lines repeat on every
    page of a site)."""
    line = normalize_space(line)
    if not line or len(line) > _MAX_CHROME_LINE:
        return False
    if _CHROME_ANCHORED.search(line):
        return True
    if len(line) > _SHORT or _SENTENCE_END.search(line):
        return False
    return bool(_CHROME_UNANCHORED.search(line) or (_CHROME_SPONSOR.search(line) and _sponsor_shape(line)))


_SPONSOR_SHAPE = re.compile(
    _tc(
        r"^(?:(?:[^\s由是在对]{1,30}(?:政府|办公厅|办公室|局|委员会|委|中心|厅|部|公司|所|院|馆|会|网)\s*[:：]?\s*)?"
        r"(?:主办|承办|协办|版权所有|技术支持|维护)\s*(?:单位)?\s*[:：]?\s*)+(?:\S.{0,80})?$"
    )
)


def _sponsor_shape(line: str) -> bool:
    """``包头市人民政府主办 包头市人民政府办公厅承办``: names glued to 主办/承办, no prose."""
    return bool(_SPONSOR_SHAPE.match(line)) and "，" not in line and "," not in line


# --------------------------------------------------------------------------- measuring

_DIGIT = re.compile(r"\d")
_VALUE_CELL = re.compile(
    r"^[-+]?\d[\d,，.]*\s*(?:%|‰|[件条次个人万元篇项家份期场]{1,3})?\s*(?:[(（,，、].{0,40})?$"
)
_STAT_KW = re.compile(_words_pattern(("统计", "公开", "申请", "复议", "诉讼", "指标", "单位", "办理", "收费", "政府信息")))


@dataclass(slots=True)
class _St:
    cjk: int = 0  # CJK characters outside links
    link_cjk: int = 0
    chars: int = 0  # all visible characters (white space collapsed)
    nodes: int = 1  # elements in the subtree, itself included
    nums: int = 0  # text nodes inside tables that hold a number
    kw: int = 0  # statistics keywords inside tables (non-ASCII text only: they are Chinese)
    rows: int = 0
    num_cells: int = 0  # cells whose whole text is a value (``54835``, ``45478(政府热线)``, ``10个``)
    stat_tables: int = 0  # innermost statistics tables inside (itself included)


# The walk keeps all nine running totals of ``_St`` in one int, 32 bits each in field order, so a
# snapshot is a reference and a subtree's totals one subtraction (no field ever reaches 2**32:
# that would take a page of 4 GB). ``_X`` is the shift of field X.
_BITS = 32
_MASK = (1 << _BITS) - 1
_CJK_X, _LINK_X, _CHARS_X, _NODES_X, _NUMS_X, _KW_X, _ROWS_X, _CELLS_X, _TABLES_X = range(0, 9 * _BITS, _BITS)
_NODE, _NUM1, _ROW, _CELL, _TABLE = (1 << x for x in (_NODES_X, _NUMS_X, _ROWS_X, _CELLS_X, _TABLES_X))


#: One element of a measured tree: preorder index just past its subtree, tag, the packed
#: running totals when the walk entered and left it — the subtree's totals are the difference —
#: and, for a block element, its segments' slice of ``PageStats.lines`` (start -1 otherwise).
_Rec = tuple[int, str, int, int, int, int]
#: ``PageStats.info`` entry for a comment holding a body-end marker (``END_COMMENTS``)
_END_COMMENT = 0


class PageStats:
    """Text statistics of every element under a root, from one walk (``_measure``).

    ``find_container`` fills it for the whole body; ``strip_chrome`` reuses it for the
    container (a subtree) instead of walking again. The walk also keeps its preorder:
    ``order[i]`` is an element, a non-blank text node or an end-marker comment, ``info[i]`` its
    ``_Rec``, its text, or ``_END_COMMENT``. Valid until the tree is changed (mem_ids and
    records of removed nodes go stale). The nodes inside a statistics table read in one piece
    (``tables``) have no records: ``of`` measures them when asked.
    """

    __slots__ = (
        "end_comments", "index", "info", "inside", "lines", "order", "outside", "tables", "text_after", "text_before",
        "texty", "texty_inside",
    )

    def __init__(self) -> None:
        self.order: list[LexborNode] = []
        self.info: list[_Rec | str | int | None] = []
        self.index: dict[int, int] = {}  # mem_id of an element → its preorder index
        self.end_comments: list[int] = []  # preorder indices of the end-marker comments
        self.texty: list[int] = []  # preorder indices of the elements with _CANDIDATE_CJK or more
        # Statistics tables read in one piece (``_plain_table``): their elements and text are
        # not in ``order``; ``of`` measures such a table's elements when asked, ``texty_inside``
        # are the ones with _CANDIDATE_CJK or more.
        self.tables: set[int] = set()  # mem_ids of those tables
        self.texty_inside: list[LexborNode] = []
        self.inside: dict[int, PageStats] = {}  # a table's walk, made when asked
        self.outside: set[int] = set()  # mem_ids of unmeasured elements known not in those tables
        self.lines: list[str] = []  # the root's segments (``iter_segments``)
        # preorder indices of the block elements with text just before / after them on the same
        # line (removing such a block joins that text with what is on its other side)
        self.text_before: set[int] = set()
        self.text_after: set[int] = set()

    def clear(self) -> None:
        self.lines.clear()
        self.text_before.clear()
        self.text_after.clear()
        self.order.clear()
        self.info.clear()
        self.index.clear()
        self.end_comments.clear()
        self.texty.clear()
        self.tables.clear()
        self.texty_inside.clear()
        self.inside.clear()
        self.outside.clear()

    def get(self, mem_id: int) -> _St | None:
        i = self.index.get(mem_id)
        if i is None:
            return None
        rec = self.info[i]
        assert isinstance(rec, tuple)
        d = rec[3] - rec[2]
        return _St(*[(d >> x) & _MASK for x in range(0, 9 * _BITS, _BITS)])

    def of(self, node: LexborNode) -> _St | None:
        """``get(node.mem_id)``, also for an element inside a table read in one piece (whose
        cells are then walked, once). Each unmeasured element's ancestors are looked at once:
        pages nest 10,000 deep."""
        mid = node.mem_id
        st = self.get(mid)
        if st is not None or not self.tables or not node.is_element_node:
            return st
        for sub in self.inside.values():
            if mid in sub.index:
                return sub.get(mid)
        seen = [mid]
        cur = node.parent
        while cur is not None:
            cid = cur.mem_id
            if cid in self.index or cid in self.outside:
                if cid in self.tables:  # (a walk of the table has not the table's own flags)
                    sub = self.inside[cid] = _measure(cur, None, plain=False)
                    return sub.get(mid)
                break
            seen.append(cid)
            cur = cur.parent
        self.outside.update(seen)
        return None

    def __getitem__(self, mem_id: int) -> _St:
        st = self.get(mem_id)
        if st is None:
            raise KeyError(mem_id)
        return st

    def has(self, mem_id: int) -> bool:
        return mem_id in self.index

    def segments(self, mem_id: int) -> list[str] | None:
        """``iter_segments`` of a measured element, from the walk: known for the root and block
        elements (a block starts and ends lines, so its lines are its own); None otherwise."""
        i = self.index.get(mem_id)
        if i == 0:
            return self.lines
        if i is None:
            return None
        rec = self.info[i]
        assert isinstance(rec, tuple)
        return self.lines[rec[4] : rec[5]] if rec[4] >= 0 else None

    def segments_without(self, mem_id: int, removed: list[int]) -> list[str] | None:
        """``segments(mem_id)`` after the elements at preorder indices ``removed`` (inside it,
        disjoint) left the tree, when that only drops their lines: each is a SKIP_TAGS element
        (no lines) or a block element, and no run of removed blocks with only white space
        between them has text on its line both before and after it (that text would join).
        None when the lines must be read again."""
        lines = self.segments(mem_id)
        if lines is None or not removed:
            return lines
        i = self.index[mem_id]
        base = self.info[i][4] if i else 0  # type: ignore[index]
        if min(removed) < 0:
            return None
        info, before, after = self.info, self.text_before, self.text_after
        cuts: list[tuple[int, int, int]] = []  # (first line, end line, preorder index)
        for j in removed:
            rec = info[j]
            if rec.__class__ is not tuple:
                return None  # a text node: its line may hold other text
            if rec[1] in SKIP_TAGS:  # type: ignore[index]
                continue
            if rec[4] < 0:  # type: ignore[index]
                return None  # an inline element
            cuts.append((rec[4], rec[5], j))  # type: ignore[index]
        cuts.sort()
        out: list[str] = []
        at = base
        k = 0
        while k < len(cuts):
            first, end, j = cuts[k]
            joined_before = j in before
            while k + 1 < len(cuts) and cuts[k + 1][0] == end:  # no line between: one run
                k += 1
                end, j = cuts[k][1], cuts[k][2]
            if joined_before and j in after:
                return None
            out.extend(lines[at - base : first - base])
            at = end
            k += 1
        out.extend(lines[at - base :])
        return out


def _is_end_comment(node: LexborNode) -> bool:
    text = node.comment_content or ""
    return any(m in text for m in END_COMMENTS)


@lru_cache(maxsize=4096)
def _is_value_cell(text: str) -> bool:
    """Whether a cell's whole text is a value (cell texts like ``0`` repeat, hence the cache)."""
    return bool(_VALUE_CELL.match(normalize_space(text)))


def _text_counts(text: str) -> tuple[int, int, int, bool]:
    """What a non-blank text node adds to the running totals: its characters (packed), its CJK
    characters (to be packed as link text or not), what it adds inside a table (keywords and
    the number count, packed), and whether a cell holding only it is a value cell."""
    n_chars = len(text.strip())
    n_cjk = 0 if text.isascii() else len(text) - len(_CJK_RUN.sub("", text))
    in_table = len(_STAT_KW.findall(text)) << _KW_X if n_cjk else 0
    cell = False
    if _DIGIT.search(text):
        in_table += _NUM1
        cell = n_chars <= 40 and _is_value_cell(text)
    return n_chars << _CHARS_X, n_cjk, in_table, cell


#: ``_text_counts`` of short texts (cells and labels repeat on every page of a template)
_short_text_counts = lru_cache(maxsize=4096)(_text_counts)
_SHORT_TEXT = 80

def _is_stat_table(d: int) -> bool:
    """Whether a table with the packed subtree totals ``d`` is an innermost statistics table."""
    return bool(not (d >> _TABLES_X) & _MASK and (d >> _CELLS_X) & _MASK >= 4 and (d >> _KW_X) & _MASK >= 2
                and (d >> _ROWS_X) & _MASK >= 3 and ((d >> _LINK_X) & _MASK) * 2 < d & _MASK)


_SECTION, _ROW_PART, _CELL_PART = 0, 1, 2
#: tag id → part, for the elements a plain table may hold
_TABLE_PARTS = {
    **dict.fromkeys(_tag_ids(frozenset(("tbody", "thead", "tfoot"))), _SECTION),
    **dict.fromkeys(_tag_ids(frozenset(("tr",))), _ROW_PART),
    **dict.fromkeys(_tag_ids(frozenset(("td", "th"))), _CELL_PART),
}


def _plain_table(table: LexborNode, kinds: dict[int, tuple[int, str]]) -> tuple[int, list[str], list[LexborNode]] | None:
    """The packed totals of what is inside ``table`` (as ``_measure`` counts them inside a table,
    outside links; without the table's own node and statistics-table count), its segments, and
    (at least) its elements with _CANDIDATE_CJK or more; None when it holds another table part
    than sections, rows, cells and columns, a link, an element whose text is skipped, or an
    end-marker comment. ``kinds`` is the walk's ``_TAG_KINDS``.

    Read from ``traverse`` (lexbor walks, Python sees only the nodes, ≈ 6× cheaper than
    navigating), which gives the preorder but not the nesting. The HTML parser fixes most of
    it: a cell is in the last row before it, a row in the last section, any other element or
    text after a cell is inside that cell, and text directly in a table, section or row is
    ASCII white space (other text is moved before the table) — so white space between cells
    only adds white space at the end of a cell's line. ``remove_spam`` only removes subtrees,
    which keeps all that true. Inside a cell only blocks end lines, and a block ends once as
    much text as its ``text()`` holds has passed (nothing but elements and white space can
    follow unseen, and those change no line); an element of a cell with _CANDIDATE_CJK or more
    counts as one (``_possible_families`` only needs a superset)."""
    it = table.traverse(include_text=True)
    next(it)  # the table itself
    acc = 0
    text_id, parts = _TEXT_ID, _TABLE_PARTS
    short_cell_text, short = _short_cell_text, _SHORT_TEXT
    lines: list[str] = []
    texty: list[LexborNode] = []
    buf: list[str] = []  # the line being built
    n_texts = 0  # the cell's text nodes that are not white space
    spaces: list[str] = []  # white space text nodes since the last other text
    value = False  # whether a cell holding only the last text would be a value cell
    line = ""  # the last text's line
    blocks: list[int] = []  # the cell's open blocks: where their text ends (in ``read``)
    read = 0  # how much of the cell's text has passed
    inner: list[LexborNode] = []  # the cell's elements
    cell: LexborNode | None = None
    row: LexborNode | None = None
    section: LexborNode | None = None
    cell_at = row_at = section_at = 0
    for node in chain(it, (None,)):
        if node is not None:
            tid = node.tag_id
            if tid == text_id:
                text = node.text_content
                if not text:
                    continue
                if cell is None:
                    if text.isspace():
                        continue
                    return None  # (not from the parser)
                if blocks:
                    if blocks[-1] == read:  # (the innermost block ends first)
                        _end_blocks(blocks, read, buf, lines)
                    read += len(text)
                    if blocks and blocks[-1] < read:  # (the innermost ends first)
                        return None  # (the lengths disagree)
                if text.isspace():
                    spaces.append(text)
                    continue
                if spaces:  # (white space that ends a line changes it not)
                    if buf:
                        buf.extend(spaces)
                    spaces.clear()
                n_texts += 1
                buf.append(text)
                inc, value, line = short_cell_text(text) if len(text) <= short else _cell_text(text)
                acc += inc
                continue
            part = parts.get(tid)
            if part is None:
                if cell is None:
                    if tid in _COLUMN_IDS:  # (no text: no line, nothing counted but the node)
                        acc += _NODE
                        continue
                    return None
                kind_tag = kinds.get(tid)
                if kind_tag is None:
                    kind_tag = kinds[tid] = _tag_kind(node, tid)
                kind, tag = kind_tag
                if kind < 0:
                    if kind == _COMMENT and not _is_end_comment(node):
                        continue
                    return None
                if kind == _SKIPPED or tag in _NOT_IN_CELLS:
                    return None
                if kind == _BLOCK:
                    if blocks:
                        if blocks[-1] == read:
                            _end_blocks(blocks, read, buf, lines)
                        if len(blocks) >= _MAX_CELL_BLOCKS:
                            return None  # (each text is read once more per open block)
                    else:
                        read = 0
                    if buf:  # a block opens: the line ends
                        _flush(buf, lines)
                    blocks.append(read if tag == "br" else read + len(node.text()))
                inner.append(node)
                acc += _NODE
                continue
        else:
            part = _END_PART
        if cell is not None:  # the cell ends: its last line, whether it is a value cell
            if blocks:
                if any(end != read for end in blocks):
                    return None  # (the lengths disagree)
                blocks.clear()
            d = acc - cell_at
            if spaces:
                spaces.clear()
            if n_texts == 1 and len(buf) == 1:  # one text, one line (most cells)
                buf.clear()
                if line:
                    lines.append(line)
                if value and len(inner) < 24:
                    acc += _CELL
            elif n_texts:
                if buf:
                    _flush(buf, lines)
                if ((d >> _NUMS_X) & _MASK and (d >> _CHARS_X) & _MASK <= 40 and len(inner) < 24
                        and _is_value_cell(cell.text())):
                    acc += _CELL
            n_texts = 0
            if d & _MASK >= _CANDIDATE_CJK:
                texty.append(cell)
                texty.extend(inner)
            if inner:
                inner.clear()
            cell = None
        if part == _CELL_PART:
            if row is None:
                return None
            cell, cell_at = node, acc
            acc += _NODE
            continue
        if row is not None:
            acc += _ROW
            if (acc - row_at) & _MASK >= _CANDIDATE_CJK:
                texty.append(row)
            row = None
        if part == _ROW_PART:
            row, row_at = node, acc
        else:
            if section is not None and (acc - section_at) & _MASK >= _CANDIDATE_CJK:
                texty.append(section)
            section, section_at = node, acc
        acc += _NODE
    return acc - _NODE, lines, texty  # (the end counted as a section)


def _cell_text(text: str) -> tuple[int, bool, str]:
    """What a non-blank text node adds to the totals inside a table outside links, whether a
    cell holding only it is a value cell, and its line (``_plain_table``)."""
    n_chars, n_cjk, in_table, cell = _text_counts(text)
    return n_chars + n_cjk + in_table, cell, normalize_space(text)


_short_cell_text = lru_cache(maxsize=4096)(_cell_text)

#: elements that a plain table's cell may not hold: what the parser may put directly in a table
#: (table parts, forms) and links (their text is counted apart)
_NOT_IN_CELLS = frozenset(("table", "caption", "colgroup", "col", "form", "a"))
_COLUMN_IDS = _tag_ids(frozenset(("colgroup", "col")))
_END_PART = -1


def _flush(buf: list[str], lines: list[str]) -> None:
    line = normalize_space(buf[0] if len(buf) == 1 else "".join(buf))
    buf.clear()
    if line:
        lines.append(line)


_MAX_CELL_BLOCKS = 8


def _end_blocks(blocks: list[int], read: int, buf: list[str], lines: list[str]) -> None:
    """``_plain_table``: the innermost blocks whose text has all passed end (one line break)."""
    while blocks and blocks[-1] == read:
        blocks.pop()
    if buf:
        _flush(buf, lines)


_COUNTED_TAGS = frozenset(("tr", "td", "th", "table"))
# What the walk does with a node, by ``tag_id`` (``node.tag`` builds a new string each time):
# not entered, a block element, an inline element; a comment, another non-element node.
_SKIPPED, _BLOCK, _INLINE, _COMMENT, _NOT_ELEMENT = 0, 1, 2, -1, -2
#: tag id → (what, tag name), filled as the walk meets the ids. Only lexbor's fixed ids of the
#: standard names are kept: an unknown name (``o:p``) gets an id that is an address in one
#: document (another name may get it in the next; a walk keeps them in its own copy), and no
#: address is below 2**16 (Linux maps no page there), while the fixed ids are a few hundred.
_TAG_KINDS: dict[int, tuple[int, str]] = {}
_FIXED_IDS = 1 << 16


def _tag_kind(node: LexborNode, tid: int) -> tuple[int, str]:
    """``_TAG_KINDS``' entry for a node (not a text node), cached when its id is a fixed one."""
    tag = node.tag
    if tag is None or tag[0] == "-":
        out = (_COMMENT if tag == "-comment" else _NOT_ELEMENT, tag or "")
    else:
        out = (_SKIPPED if tag in SKIP_TAGS else _BLOCK if tag in BLOCK_TAGS else _INLINE, tag)
    if tid < _FIXED_IDS:
        _TAG_KINDS[tid] = out
    return out
  # the elements whose exit adds a count
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def _measure(root: LexborNode, into: PageStats | None = None, plain: bool = True) -> PageStats:
    """Text statistics for every element under ``root``, and its segments, in one preorder walk
    (no recursion).

    Instead of summing child records, the walk keeps running totals over the text nodes (and
    counts of rows, value cells, statistics tables) and snapshots them when it enters and leaves
    an element: an element's subtree stats are the difference. Text nodes are counted when they
    are popped, so they land in ``order`` in document order (``strip_chrome`` relies on it).
    Elements without children or with one text node (most cells, spans, paragraphs) are done at
    once; the others push a tuple to be left later. The link/table flags of the enclosing
    elements are a plain variable: an element's descendants pop before its exit tuple, which
    restores the flags of its parent.

    The same walk builds ``iter_segments(root)`` (``PageStats.lines``): text is joined until a
    block element opens or closes, so a block element's own segments are a slice of them (a
    separate segment walk cost as much as a third of this one).

    A table that ``_plain_table`` can read from lexbor's own traversal and that is a statistics
    table of four or more rows (nothing inside it is chrome) gets one record and its lines,
    not one per cell (``PageStats.tables``), unless ``plain`` is false."""
    ps = into if into is not None else PageStats()
    ps.clear()
    order, info, index, end_marks, texty, lines = ps.order, ps.info, ps.index, ps.end_comments, ps.texty, ps.lines
    acc = 0  # the packed running totals
    flags = 0  # 1 = inside a link, 2 = inside a table (numbers and keywords are counted only there)
    stack: list[LexborNode | tuple[LexborNode, int, str, int, int, int]] = [root]
    pop, push = stack.pop, stack.append
    short_counts, counts, short = _short_text_counts, _text_counts, _SHORT_TEXT
    tag_kinds, text_id = dict(_TAG_KINDS), _TEXT_ID  # (own copy: it also gets this page's other ids)
    end_comments = bool(END_COMMENTS)
    order_append, info_append, line_append = order.append, info.append, lines.append
    buf: list[str] = []  # text of the line being built
    buf_append = buf.append
    before_add, after_add = ps.text_before.add, ps.text_after.add
    last_close = -1  # the block element whose end was the last line break (-1: an opening one)
    while stack:
        node = pop()
        if node.__class__ is tuple:  # leaving an element
            node, i, tag, enter, flags, first = node  # type: ignore[misc]
            if tag not in _COUNTED_TAGS:
                pass
            elif tag == "tr":
                acc += _ROW
            elif tag == "td" or tag == "th":
                d = acc - enter
                if ((d >> _NUMS_X) & _MASK and (d >> _CHARS_X) & _MASK <= 40 and (d >> _NODES_X) & _MASK <= 24
                        and _is_value_cell(node.text())):
                    acc += _CELL
            elif tag == "table" and _is_stat_table(acc - enter):
                acc += _TABLE
            if first >= 0:  # a block element closes: the line ends
                if buf:
                    line = normalize_space("".join(buf))
                    buf.clear()
                    if line:
                        line_append(line)
                        if last_close >= 0:
                            after_add(last_close)
                last_close = i
            info[i] = (len(order), tag, enter, acc, first, len(lines))
            if (acc - enter) & _MASK >= _CANDIDATE_CJK:
                texty.append(i)
            continue
        tid = node.tag_id  # type: ignore[union-attr]
        if tid == text_id:
            text = node.text_content  # type: ignore[union-attr]
            if text:
                if text.isspace():
                    if buf:  # (white space that would start a line is stripped anyway)
                        buf_append(text)
                    continue
                buf_append(text)
                order_append(node)
                info_append(text)
                n_chars, n_cjk, in_table, _ = short_counts(text) if len(text) <= short else counts(text)
                acc += n_chars + (n_cjk << _LINK_X if flags & 1 else n_cjk)
                if flags & 2:
                    acc += in_table
            continue
        kind_tag = tag_kinds.get(tid)
        if kind_tag is None:
            kind_tag = tag_kinds[tid] = _tag_kind(node, tid)  # type: ignore[arg-type]
        kind, tag = kind_tag
        if kind < 0:  # not an element (element names start with a letter)
            if kind == _COMMENT and end_comments and _is_end_comment(node):  # type: ignore[arg-type]
                end_marks.append(len(order))
                order_append(node)
                info_append(_END_COMMENT)
            continue
        i = len(order)
        index[node.mem_id] = i
        order_append(node)
        info_append(None)
        enter = acc
        acc += _NODE
        if kind == _SKIPPED:
            info[i] = (i + 1, tag, enter, acc, -1, len(lines))
            continue
        if kind == _BLOCK:
            if buf:  # a block element opens: the line ends
                line = normalize_space("".join(buf))
                buf.clear()
                if line:
                    line_append(line)
                    before_add(i)
                    if last_close >= 0:
                        after_add(last_close)
            first = len(lines)
            last_close = -1
            if plain and tag == "table" and not flags & 1 and (whole := _plain_table(node, tag_kinds)) is not None:  # type: ignore[arg-type]
                d = whole[0] + _NODE
                if (d >> _ROWS_X) & _MASK >= 4 and _is_stat_table(d):
                    acc += whole[0] + _TABLE
                    lines.extend(whole[1])
                    ps.tables.add(node.mem_id)  # type: ignore[union-attr]
                    ps.texty_inside.extend(whole[2])
                    info[i] = (i + 1, tag, enter, acc, first, len(lines))
                    if (acc - enter) & _MASK >= _CANDIDATE_CJK:
                        texty.append(i)
                    last_close = i
                    continue
        else:
            first = -1
        child = node.last_child
        if child is None:
            if tag == "tr":
                acc += _ROW
            info[i] = (i + 1, tag, enter, acc, first, len(lines))
            if first >= 0:
                last_close = i
            continue
        prev = child.prev
        if prev is None and child.tag_id == text_id:  # one text node: the commonest leaf
            text = child.text_content
            if text and text.isspace():
                if first < 0 and buf:
                    buf_append(text)
            elif text:
                if first < 0:
                    buf_append(text)
                elif line := normalize_space(text):
                    line_append(line)
                order_append(child)
                info_append(text)
                n_chars, n_cjk, in_table, cell = short_counts(text) if len(text) <= short else counts(text)
                inc = n_chars + (n_cjk << _LINK_X if flags & 1 or tag == "a" else n_cjk)
                if flags & 2 or tag == "table":
                    inc += in_table
                    if cell and (tag == "td" or tag == "th"):
                        inc += _CELL
                acc += inc
                if inc & _MASK >= _CANDIDATE_CJK:
                    texty.append(i)
            if tag == "tr":
                acc += _ROW
            info[i] = (len(order), tag, enter, acc, first, len(lines))
            if first >= 0:
                last_close = i
            continue
        push((node, i, tag, enter, flags, first))
        if tag == "a":
            flags |= 1
        elif tag == "table":
            flags |= 2
        push(child)
        while prev is not None:
            push(prev)
            prev = prev.prev
    if buf:
        line = normalize_space("".join(buf))
        if line:
            line_append(line)
            if last_close >= 0:
                after_add(last_close)
    return ps


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


_CANDIDATE_CJK = 30  # a family candidate with less non-link CJK text never wins
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
