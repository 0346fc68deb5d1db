"""Records of the I/O shell (leaf module: imports nothing from scraper)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["PageError", "PageSource"]


@dataclass(frozen=True, slots=True)
class PageSource:
    """One page to parse, wherever it came from.

    ``location`` is what a person uses to find it again (a path, ``file.warc.gz#offset``, a URL);
    ``url`` is the page's original URL when known (WARC, archive), never taken from body text.
    ``headers`` are lower-cased HTTP response headers (empty for plain saved files), so the
    parser can use the HTTP charset.
    """

    location: str
    body: bytes
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    retrieved_at: datetime | None = None
    kind: str = "file"  # file | warc | archive | url

    @property
    def source(self) -> str:
        """The ``source`` column: original URL (+ capture time) when known, else the location."""
        if self.url:
            if self.retrieved_at is not None and self.kind == "warc":
                return f"{self.url} @ {self.retrieved_at.strftime('%Y%m%d%H%M%S')}"
            return self.url
        return self.location

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass(frozen=True, slots=True)
class PageError:
    """A page that could not be processed: one row of ``errors.csv``."""

    source: str
    stage: str  # input | fetch | archive | decode | parse | normalize | write | timeout
    error: str  # exception class name
    message: str
    unexpected: bool = False
