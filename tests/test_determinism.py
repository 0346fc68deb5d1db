"""Determinism: the same inputs give identical rows (same order, same ids) across runs and
``--jobs`` values, and ``report_id`` is stable for the same report fetched twice or saved in two
files (even in two encodings)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from parsers import parse_report, report_id
from scraper.pipeline import Options, parse_paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PAGE = FIXTURES / "era1" / "trs-wanghai-2017.html"
TABLES = ("reports", "indicators", "checks")


def _files(out: Path) -> dict[str, object]:
    got: dict[str, object] = {f"{t}.csv": (out / f"{t}.csv").read_bytes() for t in (*TABLES, "errors")}
    got.update({f"{t}.parquet": pq.read_table(out / f"{t}.parquet") for t in TABLES})
    return got


def _same(a: dict[str, object], b: dict[str, object]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        if k.endswith(".parquet"):
            assert a[k].equals(b[k]), k
        else:
            assert a[k] == b[k], k


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict[str, object]]:
    base = tmp_path_factory.mktemp("det")
    out: dict[str, dict[str, object]] = {}
    for name, jobs in (("j1", 1), ("j2", 2), ("j3", 3), ("j2again", 2)):
        parse_paths([FIXTURES], base / name, jobs=jobs, options=Options())
        out[name] = _files(base / name)
    return out


def test_identical_across_jobs(runs) -> None:
    _same(runs["j1"], runs["j2"])
    _same(runs["j1"], runs["j3"])


def test_identical_across_runs(runs) -> None:
    _same(runs["j2"], runs["j2again"])


def test_rows_follow_input_order(runs) -> None:
    """Reports come in sorted-path order, whatever worker finished first."""
    reports = runs["j3"]["reports.parquet"].to_pydict()
    sources = [s for s in reports["source"]]
    assert sources == sorted(sources, key=lambda s: Path(s).parts)
    ids = reports["report_id"]
    assert len(ids) == len(set(ids))
    ind = runs["j3"]["indicators.parquet"].to_pydict()
    order = {rid: i for i, rid in enumerate(ids)}
    seen = [order[r] for r in ind["report_id"]]
    assert seen == sorted(seen), "indicator rows grouped per report in report order"


def test_report_id_same_report_in_two_encodings() -> None:
    utf8 = PAGE.read_bytes()
    assert b"charset=utf-8" in utf8.lower() or b'charset="utf-8"' in utf8.lower()
    text = utf8.decode("utf-8")
    gbk = text.replace("utf-8", "gb18030").replace("UTF-8", "gb18030").encode("gb18030")
    a, b = parse_report(utf8), parse_report(gbk)
    assert a.encoding.used != b.encoding.used
    assert report_id(a.title, a.body_text) == report_id(b.title, b.body_text)


def test_report_id_stable_across_parses_and_chrome_noise() -> None:
    """Fetched twice: same bytes give the same id; a page whose view counter moved between the
    fetches is still the same report."""
    page = PAGE.read_bytes()
    first, again = parse_report(page), parse_report(page)
    assert report_id(first.title, first.body_text) == report_id(again.title, again.body_text)
    marker = b"</body>"
    a = parse_report(page.replace(marker, "<div>浏览次数：12</div>".encode() + marker))
    b = parse_report(page.replace(marker, "<div>浏览次数：13</div>".encode() + marker))
    assert report_id(a.title, a.body_text) == report_id(b.title, b.body_text)


def test_same_report_in_two_files_is_one_report(tmp_path) -> None:
    d = tmp_path / "pages"
    d.mkdir()
    shutil.copy(PAGE, d / "a.html")
    text = PAGE.read_bytes().decode("utf-8")
    (d / "b.html").write_bytes(text.replace("utf-8", "gb18030").replace("UTF-8", "gb18030").encode("gb18030"))
    summary = parse_paths([d], tmp_path / "out", jobs=2)
    assert (summary.ok, summary.skipped) == (1, 1)
    errors = (tmp_path / "out" / "errors.csv").read_text("utf-8-sig")
    assert "DuplicateReport" in errors and "same report as" in errors and "a.html" in errors
