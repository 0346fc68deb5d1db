"""I/O half of the xxgk exception tree (the root lives in ``parsers.errors``).

::

    XxgkError                          parsers/errors.py
    ├── ParseError (.location)         parsers/errors.py
    │   └── UndecodableError (.tried)
    ├── NotAReport (.reason)           outcome: not an annual report page
    ├── ConfigError                    bad settings / sources.toml: stops the run before any page
    ├── InputError (.location)         unreadable file or folder, broken WARC record
    ├── FetchError (.url)
    │   ├── FetchTimeout
    │   ├── FetchStatusError (.status)
    │   ├── FetchBlocked (.reason)     robots.txt, private address, scheme, redirect loop
    │   └── FetchTooLarge
    ├── ArchiveError                   the WARC archive or its catalogue is unusable
    ├── LockedError                    another run holds the lock
    └── WriteError                     fatal: an output file could not be written
"""

from __future__ import annotations

from parsers.errors import NotAReport, ParseError, UndecodableError, XxgkError

__all__ = [
    "ArchiveError",
    "ConfigError",
    "FetchBlocked",
    "FetchError",
    "FetchStatusError",
    "FetchTimeout",
    "FetchTooLarge",
    "InputError",
    "LockedError",
    "NotAReport",
    "ParseError",
    "UndecodableError",
    "WriteError",
    "XxgkError",
]


class ConfigError(XxgkError):
    """Settings or a config file are wrong; raised before the first page is touched."""


class InputError(XxgkError):
    """An input file or folder cannot be read."""


class FetchError(XxgkError):
    """A URL could not be fetched (after retries)."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message, location=url)
        self.url = url


class FetchTimeout(FetchError):
    """The server did not answer (or finish the body) within the timeout."""


class FetchStatusError(FetchError):
    """The server answered with an HTTP error status."""

    def __init__(self, message: str, *, url: str | None = None, status: int = 0) -> None:
        super().__init__(message, url=url)
        self.status = status


class FetchBlocked(FetchError):
    """We refused or were refused: robots.txt, private address, scheme, redirect loop. (A WAF
    challenge answered with 2xx is not an error here: ``scraper.answers`` turns it into a give-up.)"""

    def __init__(self, message: str, *, url: str | None = None, reason: str = "") -> None:
        super().__init__(message, url=url)
        self.reason = reason or message


class FetchTooLarge(FetchError):
    """The body (or its decompressed form) exceeds the configured maximum."""


class ArchiveError(XxgkError):
    """The archive (WARC files + SQLite catalogue) cannot be read or written."""


class LockedError(XxgkError):
    """Another run holds the lock file."""


class WriteError(XxgkError):
    """An output file could not be written; fatal for the run."""
