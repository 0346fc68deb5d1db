"""The process pool: input order whatever --jobs, flat in-flight window, progress, summary."""

from __future__ import annotations

import io
from pathlib import Path

from scraper import pipeline
from scraper.errors import InputError
from scraper.inputs import Task
from scraper.models import PageError
from scraper.pipeline import Options, _results, count_pages, parse_paths
from scraper.progress import Progress

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_jobs_do_not_change_outputs(tmp_path) -> None:
    paths = [FIXTURES / "era2", FIXTURES / "seed", FIXTURES / "negative"]
    one = parse_paths(paths, tmp_path / "one", jobs=1)
    two = parse_paths(paths, tmp_path / "two", jobs=2)
    assert (one.pages, one.ok, one.values) == (two.pages, two.ok, two.values)
    for name in ("reports", "indicators", "checks", "errors"):
        assert (tmp_path / "one" / f"{name}.csv").read_bytes() == (tmp_path / "two" / f"{name}.csv").read_bytes()


def test_results_keep_input_order_across_many_batches(monkeypatch) -> None:
    """Cheap tasks (input errors) through the pool: far more than one in-flight window."""
    monkeypatch.setattr(pipeline, "BATCH", 3)
    monkeypatch.setattr(pipeline, "IN_FLIGHT_PER_JOB", 2)
    tasks = [Task(f"p{i}", error=InputError("gone", location=f"p{i}")) for i in range(200)]
    out = [r for batch in _results(iter(tasks), Options(page_timeout=0), jobs=2) for r in batch.pages]
    assert all(isinstance(r, PageError) for r in out)
    assert [r.source for r in out] == [f"p{i}" for i in range(200)]


def test_results_pull_inputs_lazily(monkeypatch) -> None:
    """The pool never holds more than its window: the input generator is read as results go."""
    monkeypatch.setattr(pipeline, "BATCH", 2)
    monkeypatch.setattr(pipeline, "IN_FLIGHT_PER_JOB", 2)
    pulled = 0

    def gen():
        nonlocal pulled
        for i in range(100):
            pulled += 1
            yield Task(f"p{i}", error=InputError("gone", location=f"p{i}"))

    it = _results(gen(), Options(page_timeout=0), jobs=2)
    assert len(next(it).pages) == 2  # batches of BATCH pages
    assert pulled <= 2 * 2 * 2 + 2
    assert sum(len(b.pages) for b in it) == 98


def test_count_pages(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.html").write_text("x")
    (tmp_path / "a" / "y.TXT").write_text("y")
    (tmp_path / "a" / ".hidden.html").write_text("z")
    (tmp_path / "a" / "notes.md").write_text("z")
    single = tmp_path / "b.htm"
    single.write_text("b")
    assert count_pages([tmp_path / "a", single]) == 3
    (tmp_path / "a" / "crawl.warc.gz").write_bytes(b"")
    assert count_pages([tmp_path / "a"]) is None


def test_progress_line(monkeypatch) -> None:
    buf = io.StringIO()
    buf.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stderr", buf)
    p = Progress(enabled=True, total=100)
    p.started -= 10  # as if the run had lasted 10 s
    p.update(50, 2)
    p.close()
    line = buf.getvalue()
    assert "50/100 pages" in line and "5 pages/s" in line and "2 errors" in line and "ETA" in line
    quiet = Progress(enabled=False, total=100)
    quiet.update(50, 2)
    assert not quiet.shown


def test_cli_summary_line(tmp_path, capsys) -> None:
    from scraper.cli import main

    assert main(["parse", str(FIXTURES / "seed"), "--out", str(tmp_path), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "pages:" in err and "pages/s" in err and err.count("\n") == 1
