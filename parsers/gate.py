"""Is this page an annual report at all? Empty pages, 404 pages, WAF challenges and listing
pages are outcomes (``NotAReport``), not failures, and each gets a reason a person understands."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import NotAReport

__all__ = ["check_is_report"]

_REPORT_WORDS = re.compile(r"(信息公开|政务公开|公开工作|年度报告|年报|信息公開|年度報告)")
_NOT_FOUND = re.compile(r"(404|页面不存在|页面未找到|找不到(?:该|您要访问的)?页面|您访问的页面不存在|Not Found|网页不存在|页面已删除)", re.I)
_ANNUAL = re.compile(r"(年度报告|年报|年度報告|年報|工作报告|工作報告)")
_SPAM = re.compile(r"(娱乐|百家乐|彩金|投注|博彩|真人视讯|老虎机|棋牌|赌场|彩票|注册送)")
_WAF = re.compile(r"(安全验证|访问验证|人机验证|请开启JavaScript|请启用JavaScript|滑动验证|访问频率过快|Access Denied|403 Forbidden|web应用防火墙|WAF|安全狗|云盾|请稍候|正在验证)", re.I)
# What the bot-protection services in front of Chinese government sites put in the markup of a
# challenge, which sets a cookie from a script and reloads, so the page has little or no text:
# Alibaba Cloud (``acw_sc__v2``), Knownsec Jiasule (``__jsl_clearance``), Rivers Security (瑞数,
# ``$_ts``), Cloudflare (``_cf_chl_opt``, ``/cdn-cgi/challenge-platform/``), Yunsuo (云锁),
# Safedog (安全狗) and 360 (网站卫士). Looked for only on a page with little text.
_CHALLENGE_MARKUP = re.compile(
    r"acw_sc__v2|__jsl_clearance|\$_ts\s*=\s*window|_cf_chl_opt|cf-browser-verification|challenge-platform"
    r"|yunsuo_session_verify|security_verify_data|safedog|360wzws",
    re.I,
)


def check_is_report(
    title: str | None,
    body_lines: Sequence[str],
    n_values: int,
    *,
    location: str | None = None,
    markup: str | None = None,
) -> None:
    """Raise ``NotAReport`` when the page cannot be an annual report. ``markup`` is the page's
    source, where a challenge page's script shows (its text is empty or a "please wait")."""
    text = "\n".join(body_lines)
    n_chars = len(text)
    if n_values:
        return
    challenge = n_chars < 600 and markup is not None and _CHALLENGE_MARKUP.search(markup) is not None
    if n_chars == 0 and not challenge:
        raise NotAReport("no text on the page (empty body)", location=location, kind="empty")
    if n_chars < 400 and _NOT_FOUND.search(text + (title or "")):
        raise NotAReport("error page (404 / page not found) saved as HTML", location=location, kind="error-page")
    if challenge or (n_chars < 600 and _WAF.search(text + (title or ""))):
        raise NotAReport("bot-protection (WAF) challenge page, not the report", location=location, kind="waf")
    head = (title or "") + "\n" + text[:3000]
    if not _REPORT_WORDS.search(head):
        raise NotAReport(
            "not an information-disclosure report: no report wording and no statistics table",
            location=location,
        )
    if not _ANNUAL.search(head):
        raise NotAReport(
            "not an annual report: no 年度报告/年报 wording and no statistics table "
            "(a guide, catalogue or notice page?)",
            location=location,
        )
    if len(_SPAM.findall(text)) >= 3 and n_chars < 3000:
        raise NotAReport("spam page: gambling content under a report-like title", location=location, kind="spam")
    prose = [line for line in body_lines if len(line) >= 40 and line != title]
    if len(prose) < 3 or sum(map(len, prose)) < 300:
        raise NotAReport(
            "no report text: looks like a listing, navigation or title-only page "
            "(no report prose, no statistics table)",
            location=location,
        )
