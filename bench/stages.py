"""Per-stage time of ``parse_report`` on the fixture pages (run on demand, not a test).

``python -m bench.stages`` prints, per page on average, the wall time spent in each stage of
the parser (decode, Traditional → Simplified, spam, metadata, container, chrome, tables, checks)
and the lexbor floor (parse + body text) measured in the same run, so a change to one stage can be
judged by its ratio to the floor on a shared machine. Stages nest (``_read_html`` holds most of
the others); the timings wrap the names ``parsers.report`` calls, so they cost ~1 µs per call.
"""

from __future__ import annotations

import argparse
import collections
import time
from collections.abc import Callable

from bench.corpus import fixture_pages
from bench.run import _time_per_page

STAGES = (
    "decode_html", "strip_pinyin", "to_simplified", "_read_html", "_read_text", "read_head",
    "remove_spam", "read_metadata", "find_container", "strip_chrome", "is_chrome_line",
    "_read_dom_tables", "_read_text_tables", "run_checks", "check_is_report", "_two_reports",
)


def _wrap(mod, name: str, acc: collections.Counter) -> None:
    f = getattr(mod, name)

    def timed(*a, **k):
        t = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            acc[name] += time.perf_counter() - t

    setattr(mod, name, timed)


def _floor(data: bytes) -> int:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(data)
    node = tree.body or tree.root
    return len(node.text(separator="\n")) if node is not None else 0


def _rounds(fn: Callable[[bytes], object], pages: list[bytes], rounds: int) -> float:
    """Median ms per page over ``rounds`` (``bench.run``'s loop, after one warm-up round)."""
    return _time_per_page(fn, pages, rounds)["ms_per_page"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--per-page", action="store_true", help="also list each page's time")
    args = ap.parse_args(argv)

    import parsers.report as report
    from parsers import parse_report
    from parsers.errors import XxgkError

    pages = [(p.name, p.read_bytes()) for p in fixture_pages()]
    bodies = [b for _, b in pages]

    def parse(b: bytes) -> object:
        try:
            return parse_report(b)
        except XxgkError:
            return None

    for b in bodies:  # warm up: imports, catalogues, OpenCC
        parse(b)
    floor = _rounds(_floor, bodies, args.rounds * 4)
    total = _rounds(parse, bodies, args.rounds)
    acc: collections.Counter = collections.Counter()
    for name in STAGES:
        if hasattr(report, name):
            _wrap(report, name, acc)
    _rounds(parse, bodies, args.rounds)
    n = len(bodies) * args.rounds
    print(f"{len(bodies)} fixture pages, median of {args.rounds} rounds")
    print(f"{'floor (lexbor parse + body text)':34s} {floor:7.3f} ms/page   1.0×")
    print(f"{'parse_report':34s} {total:7.3f} ms/page {total / floor:6.1f}×")
    for name, v in acc.most_common():
        ms = v / n * 1000
        print(f"  {name:32s} {ms:7.3f} ms/page {ms / floor:6.1f}×")
    if args.per_page:
        for name, b in pages:
            print(f"{_rounds(parse, [b], 3):8.2f} ms  {_rounds(_floor, [b], 3):6.3f} ms  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
