"""A corpus of N saved pages made from the bundled fixture pages.

Each replica is the fixture page with one short ASCII paragraph (``bench copy N``) inserted at
a spot chosen per page so that the copy parses to the same tables and title but to a different
body text: the replicas are then distinct reports (not duplicates), and a run writes real rows
for every copy, as a real batch of different counties would. The spot is verified once per
source page (four probe copies must give four report ids and the original's number of values); a page
for which no spot works (the NotAReport negatives) is copied as it is.
ASCII keeps the insertion valid in every encoding of the fixtures (GB, Big5, UTF-8).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent
FIXTURES = ROOT.parent / "fixtures"
CORPUS = ROOT / "corpus"
PER_DIR = 1000

Insert = Callable[[bytes, bytes], bytes | None]


def _after_first_p(body: bytes, mark: bytes) -> bytes | None:
    m = re.search(rb"</p>", body, re.I)
    return body[: m.end()] + b"<p>" + mark + b"</p>" + body[m.end():] if m else None


def _before_table(body: bytes, mark: bytes) -> bytes | None:
    m = re.search(rb"<table", body, re.I)
    return body[: m.start()] + b"<p>" + mark + b"</p>" + body[m.start():] if m else None


def _second_line(body: bytes, mark: bytes) -> bytes | None:
    first, nl, rest = body.partition(b"\n")
    return first + b"\n" + mark + b"\n" + rest if nl else None


STRATEGIES: tuple[Insert, ...] = (_after_first_p, _before_table, _second_line)
#: copy numbers every strategy is tried with (they must all give different report ids)
_PROBES = (1, 2, 24, 99_999)


def fixture_pages() -> list[Path]:
    # not-the-page/ holds WAF challenges and soft 404s for the fetcher's tests: tiny pages that
    # would flatter the per-page figures and are not what a batch of saved reports holds
    return [p for p in sorted(FIXTURES.rglob("*"))
            if p.suffix in (".html", ".txt") and not {"_build", "not-the-page"} & set(p.parts)]


def _mark(n: int) -> bytes:
    return f"bench copy {n:06d}".encode()


def _choose(body: bytes) -> Insert | None:
    from parsers import parse_report, report_id

    try:
        base = parse_report(body)
    except Exception:  # noqa: BLE001 - negatives (NotAReport) are copied unchanged
        return None
    n_base = sum(len(t.facts) for t in base.tables)
    for insert in STRATEGIES:
        ids = set()
        for n in _PROBES:
            copy = insert(body, _mark(n))
            if copy is None:
                break
            try:
                r = parse_report(copy)
            except Exception:  # noqa: BLE001
                break
            if r.title != base.title or sum(len(t.facts) for t in r.tables) != n_base:
                break
            ids.add(report_id(r.title, r.body_text))
        if len(ids) == len(_PROBES):
            return insert
    return None


def sources() -> list[tuple[Path, bytes, Insert | None]]:
    """The fixture pages with the insertion chosen for each."""
    return [(p, p.read_bytes(), _choose(p.read_bytes())) for p in fixture_pages()]


def build(n: int, root: Path | None = None, *, log: Callable[[str], None] = print) -> Path:
    """``bench/corpus/<n>/dNNN/NNNNNN-<fixture name>`` (reused when already complete)."""
    root = root or CORPUS / str(n)
    done = root / ".complete"
    if done.exists() and done.read_text().strip() == str(n):
        return root
    log(f"building a corpus of {n:,} pages in {root} …")
    srcs = sources()
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        path, body, insert = srcs[i % len(srcs)]
        copy = insert(body, _mark(i)) if insert is not None else body
        d = root / f"d{i // PER_DIR:03d}"
        if i % PER_DIR == 0:
            d.mkdir(exist_ok=True)
        (d / f"{i:06d}-{path.name}").write_bytes(copy)
    done.write_text(str(n))
    return root
