"""A one-line progress display on stderr (pages, pages/s, errors, ETA when known).

Shown only when stderr is a terminal and the run lasts more than a moment; ``--quiet``
turns it off. No dependency: a carriage-return line is all a batch job needs.
"""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]

_DELAY_S = 1.0
_EVERY_S = 0.2


class Progress:
    def __init__(self, *, enabled: bool = True, total: int | None = None) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.total = total
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, done: int, errors: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < _DELAY_S or now - self.last < _EVERY_S:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        eta = ""
        if self.total and rate > 0:
            eta = f", ETA {max(self.total - done, 0) / rate:,.0f} s"
        of = f"/{self.total}" if self.total else ""
        sys.stderr.write(f"\r{done}{of} pages, {rate:,.0f} pages/s, {errors} errors{eta}   ")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
