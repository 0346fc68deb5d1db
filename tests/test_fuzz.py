"""Fuzzing the parser (bounded budget; the long run is bench/fuzz_long.py, results in bench/FUZZ.md).

Whatever the bytes, ``parse_report`` returns a ``Report`` or raises one of its documented
errors (``XxgkError``: ``NotAReport``, ``ParseError``/``UndecodableError``); it never raises
anything else and never takes long on a small page. Inputs: random bytes, fixture pages cut at
random points, and fixture pages mutated the way saved pages get damaged (tests/mutate.py).
"""

from __future__ import annotations

import contextlib
import random
import time
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import parse_report
from parsers.errors import XxgkError
from parsers.model import Report
from tests.mutate import MUTATORS, fixture_pages, mutate

FUZZ = settings(
    max_examples=80, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: A small page must never take long (the batch limit is 60 s; linear code takes < 0.5 s).
SMALL_PAGE_BOUND_S = 10.0


@lru_cache(maxsize=1)
def _pages() -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in fixture_pages())


def _parse_ok(data: bytes, **kw) -> Report | None:
    """Parse and check the contract: a Report or an XxgkError, quickly."""
    started = time.monotonic()
    try:
        report = parse_report(data, location="fuzz", **kw)
    except XxgkError as exc:
        assert str(exc), "errors carry a reason"
        report = None
    elapsed = time.monotonic() - started
    assert elapsed < SMALL_PAGE_BOUND_S, f"{len(data)} bytes took {elapsed:.1f} s"
    if report is not None:
        assert isinstance(report, Report)
        for t in report.tables:
            for f in t.facts:
                assert f.value.number is None or f.value.number == f.value.number  # no NaN
    return report


def test_fixture_pool_is_not_empty() -> None:
    assert len(_pages()) >= 20


@FUZZ
@given(st.binary(max_size=8192))
def test_random_bytes(data: bytes) -> None:
    _parse_ok(data)


@FUZZ
@given(st.text(max_size=4000))
def test_random_text_as_str_and_utf8(text: str) -> None:
    _parse_ok(text.encode("utf-8", "surrogatepass"))
    with contextlib.suppress(XxgkError):
        parse_report(text, location="fuzz")


@FUZZ
@given(st.data())
def test_truncated_fixture_pages(data) -> None:
    page = data.draw(st.sampled_from(_pages()))
    cut = data.draw(st.integers(min_value=0, max_value=len(page)))
    _parse_ok(page[:cut])


@FUZZ
@given(st.data())
def test_mutated_fixture_pages(data) -> None:
    page = data.draw(st.sampled_from(_pages()))
    seed = data.draw(st.integers(min_value=0, max_value=2**32 - 1))
    mutated, _names = mutate(page, random.Random(seed))
    _parse_ok(mutated)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(sorted(MUTATORS)), st.integers(min_value=0, max_value=2**32 - 1))
def test_each_mutator_alone(name: str, seed: int) -> None:
    rng = random.Random(seed)
    page = rng.choice(_pages())
    _parse_ok(MUTATORS[name](page, rng))


@FUZZ
@given(
    st.sampled_from(range(26)),
    st.dictionaries(
        st.sampled_from(["Content-Type", "content-type", "CONTENT-TYPE", "Content-Encoding", "X-Junk"]),
        st.one_of(
            st.sampled_from(["text/html; charset=utf-16", "text/html; charset=x-nonsense", "text/html; charset=",
                             "text/html; charset=big5", "application/pdf", "text/html; charset=\"gbk\"", ""]),
            st.text(max_size=40),
        ),
        max_size=3,
    ),
    st.one_of(st.none(), st.text(max_size=200)),
)
def test_hostile_headers_and_urls(index: int, headers: dict[str, str], url: str | None) -> None:
    pages = _pages()
    _parse_ok(pages[index % len(pages)], headers=headers, url=url)


def test_nul_bytes_and_lone_surrogates_in_every_fixture() -> None:
    """Every fixture, with NUL bytes and UTF-8-like surrogate bytes sprinkled in: a Report or a
    documented error, and a page that was a report with values is still read."""
    rng = random.Random(6)
    for page in _pages():
        damaged = MUTATORS["insert_surrogates"](MUTATORS["insert_nul"](page, rng), rng)
        _parse_ok(damaged)


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=2**32 - 1)), min_size=1, max_size=8))
def test_batch_accounts_for_every_page(tmp_path_factory, specs) -> None:
    """Whatever the pages, a batch run accounts for each one: a report row or an errors.csv
    row (never lost, never two), and the outputs are written."""
    import csv

    from scraper.pipeline import Options, parse_paths

    d = tmp_path_factory.mktemp("batch")
    pages = _pages()
    for i, (is_random, seed) in enumerate(specs):
        rng = random.Random(seed)
        data = rng.randbytes(rng.randint(0, 3000)) if is_random else mutate(rng.choice(pages), rng)[0]
        (d / f"p{i}.html").write_bytes(data)
    out = d / "out"
    summary = parse_paths([d], out, jobs=1, options=Options(page_timeout=30))
    assert summary.pages == len(specs) == summary.ok + summary.skipped + summary.failed
    with (out / "reports.csv").open(encoding="utf-8-sig", newline="") as fh:
        reported = [r["source"] for r in csv.DictReader(fh)]
    with (out / "errors.csv").open(encoding="utf-8-sig", newline="") as fh:
        errored = [r["source"] for r in csv.DictReader(fh)]
    assert sorted(reported + errored) == sorted(str(d / f"p{i}.html") for i in range(len(specs)))
    assert (out / "indicators.parquet").exists() and (out / "checks.parquet").exists()
