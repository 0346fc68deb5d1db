"""xxgk parsers: pure functions from page bytes to a typed ``Report`` (no I/O, no clock).

>>> from parsers import parse_report
>>> report = parse_report(open("page.html", "rb").read(), url="http://…")  # doctest: +SKIP

The stage modules are imported lazily, so ``import parsers.values`` stays cheap and the CLI's
``--help`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = ["PARSER_VERSION", "__version__", "parse_report", "report_id"]

if TYPE_CHECKING:
    from .report import PARSER_VERSION, parse_report, report_id


def __getattr__(name: str) -> Any:
    if name in ("PARSER_VERSION", "parse_report", "report_id"):
        from . import report

        return getattr(report, name)
    raise AttributeError(f"module 'parsers' has no attribute {name!r}")
