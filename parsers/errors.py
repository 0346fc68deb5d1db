"""The xxgk exception tree (parser half; ``scraper.errors`` adds the I/O half).

::

    XxgkError                     root of everything xxgk raises on purpose
    ├── ParseError (.location)    the page could not be turned into a Report at all
    │   └── UndecodableError      no candidate encoding gives acceptable text
    └── NotAReport (.reason)      an outcome, not a failure: empty page, binary file,
                                  listing page, 404/WAF page, not an annual report

The parser raises rarely: a damaged page still yields a Report whose ``warnings`` say what
went wrong. Only "nothing usable" raises, so one bad page never stops a batch.
"""

from __future__ import annotations

__all__ = ["NOT_THE_PAGE", "NotAReport", "ParseError", "UndecodableError", "XxgkError"]


class XxgkError(Exception):
    """Root of every exception xxgk raises on purpose; carries where it happened."""

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ParseError(XxgkError):
    """The page could not be parsed into a report at all."""


class UndecodableError(ParseError):
    """No candidate encoding produced acceptable text (``tried`` lists them)."""

    def __init__(self, message: str, *, tried: tuple[str, ...] = (), location: str | None = None) -> None:
        super().__init__(message, location=location)
        self.tried = tried


#: ``NotAReport.kind`` values of answers that are not the page at all: a body with no text, a
#: "page not found" page served as if it were the page, a bot-protection challenge. A fetcher
#: must not keep such an answer as the page (``scraper.update``): the same URL may answer with
#: the report on the next run, and an earlier good copy must stay the one that is read.
NOT_THE_PAGE = frozenset({"empty", "error-page", "waf"})


class NotAReport(XxgkError):
    """The input is not an annual report page (empty, binary, listing, error page…).

    ``reason`` is for people; ``kind`` is for code: ``empty``, ``binary``, ``error-page``,
    ``waf``, ``spam`` or ``not-report`` (a real page that is not an annual report)."""

    def __init__(self, reason: str, *, location: str | None = None, kind: str = "not-report") -> None:
        super().__init__(reason, location=location)
        self.reason = reason
        self.kind = kind
