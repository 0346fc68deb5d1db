"""Is a fetched answer the page that was asked for?

A 2xx answer is not always the page: government sites sit behind bot protection that answers
with a JavaScript challenge (Alibaba Cloud, 瑞数, 加速乐, 云锁, 安全狗, Cloudflare on mirrors), CMSs
answer a moved or deleted page with a "页面不存在" page and status 200, and overloaded servers
answer with an empty body. Storing such an answer as the page would lose the report: the
catalogue would hold it as the URL's latest capture, so ``update`` would skip the URL as known
(or, on a revalidating source, hide an earlier good capture behind it) and the parse would
read the challenge instead of the report. The harvester keeps such an answer out of the
archive and records a give-up, so the next run asks again.

The verdict is the parser's own (``NotAReport.kind`` in ``parsers.errors.NOT_THE_PAGE``), so
the fetcher and the parse never disagree on what a challenge or a soft 404 looks like.
"""

from __future__ import annotations

from collections.abc import Mapping

from parsers import parse_report
from parsers.errors import NOT_THE_PAGE, NotAReport

__all__ = ["not_the_page"]


def not_the_page(content: bytes, headers: Mapping[str, str] | None = None, *, url: str | None = None) -> str | None:
    """Why an HTML answer is not the page (a challenge, a soft 404, an empty body), or None.

    Any other outcome, a report or a page that is just not an annual report or a page the parser
    cannot read, is None: that answer is the page, and it is stored and judged by the parse."""
    try:
        parse_report(content, url=url, headers=headers, location=url)
    except NotAReport as exc:
        return exc.reason if exc.kind in NOT_THE_PAGE else None
    except Exception:  # noqa: BLE001 - unreadable or a parser bug: keep the bytes, the parse reports it
        return None
    return None
