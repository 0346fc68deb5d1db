"""Whether one text line is site chrome: breadcrumbs, search labels, link rows, footers,
registration and sponsor lines, print/share bars, counters.

This is the line-level judgement of the cleaning stage. ``is_chrome_line`` serves text mode and
the final line filter (``parsers.report``) and ``strip_chrome`` (``parsers.clean``), which also
uses the cheap word test ``_CHROME_HINT`` and the Traditional-script helper ``_tc``;
``_words_pattern`` builds the fast keyword alternations that the measuring walk
(``parsers.measure``) uses too. Patterns are anchored or limited to short lines, so a report
sentence that mentions 网站 or 主办 is never chrome.
"""

from __future__ import annotations

import re
from functools import lru_cache

from parsers.text import normalize_space

__all__ = ["is_chrome_line"]

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
