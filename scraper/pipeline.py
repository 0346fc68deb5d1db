"""The parse run: inputs → (process pool) parse + normalise → streaming writers.

This is the only place with a per-page try/except. Each page is isolated: an expected failure
(``XxgkError``) or a bug (any other exception) becomes one ``errors.csv`` row and the batch goes
on; a per-page time limit turns a pathological page into a ``timeout`` row instead of a hang.
Results come back in input order whatever ``--jobs`` is, so outputs are deterministic.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from parsers import parse_report, report_id
from parsers.errors import NotAReport, XxgkError

from .errors import ConfigError
from .inputs import PAGE_SUFFIXES, WARC_SUFFIXES, Task, iter_tasks, read_task
from .models import PageError
from .normalize import PageRows, to_rows
from .progress import Progress
from .write import RunWriter, arrow_rows, format_csv

__all__ = [
    "DEFAULT_PAGE_TIMEOUT_S", "Batch", "PageDone", "RunSummary", "Options", "count_pages", "encode_batch",
    "parse_batch", "parse_paths", "process_task",
]

DEFAULT_PAGE_TIMEOUT_S = 60.0
#: pages sent to a worker in one round trip (amortises pickling and queue overhead)
BATCH = 8
#: batches queued per worker at most (bounds memory: pages and results in flight)
IN_FLIGHT_PER_JOB = 4


class PageTimeout(XxgkError):
    """Parsing one page took longer than the per-page limit."""


@dataclass(frozen=True, slots=True)
class Options:
    blank_as_zero: bool = False
    page_timeout: float = DEFAULT_PAGE_TIMEOUT_S
    debug: bool = False


@dataclass(slots=True)
class RunSummary:
    pages: int = 0
    ok: int = 0
    skipped: int = 0  # NotAReport and duplicates
    failed: int = 0
    values: int = 0
    out: Path | None = None
    by_kind: Counter = field(default_factory=Counter)
    elapsed_s: float = 0.0

    @property
    def exit_code(self) -> int:
        """0: every page read or skipped for a reason; 1: some pages failed (outputs written)."""
        return 1 if self.failed else 0

    def line(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in self.by_kind.most_common(4))
        extra = f" ({kinds})" if kinds else ""
        return (
            f"{self.pages} pages: {self.ok} ok, {self.skipped} skipped, {self.failed} failed{extra}; "
            f"{self.values} values → {self.out}"
        )


def _on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    raise PageTimeout("page took too long to parse (per-page time limit)")


def process_task(task: Task, options: Options) -> PageRows | PageError:
    """Parse one page in the current process; never raises (except KeyboardInterrupt)."""
    location = task.location
    stage = "input"
    # SIGALRM works only in a main thread: a Dask worker runs tasks in threads (no limit there)
    use_alarm = (
        options.page_timeout > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if use_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, options.page_timeout)
    try:
        source = read_task(task)
        stage = "parse"
        report = parse_report(source.body, url=source.url, headers=source.headers, location=location)
        stage = "normalize"
        rid = report_id(report.title, report.body_text)
        return to_rows(report, source, rid, blank_as_zero=options.blank_as_zero)
    except PageTimeout as exc:
        return PageError(_source_of(task), "timeout", "PageTimeout", f"{exc.message} ({options.page_timeout:g} s)")
    except NotAReport as exc:
        return PageError(_source_of(task), stage, "NotAReport", exc.reason)
    except XxgkError as exc:
        return PageError(_source_of(task), stage, type(exc).__name__, exc.message)
    except RecursionError:
        return PageError(_source_of(task), stage, "RecursionError", "page nesting too deep to read", True)
    except MemoryError:
        return PageError(_source_of(task), stage, "MemoryError", "page too large to read in memory", True)
    except Exception as exc:  # noqa: BLE001 - a bug on one page must not stop the batch
        if options.debug:
            raise
        msg = f"unexpected {type(exc).__name__}: {exc}"
        return PageError(_source_of(task), stage, type(exc).__name__, msg[:500], True)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _source_of(task: Task) -> str:
    return task.source.source if task.source is not None else task.location


@dataclass(frozen=True, slots=True)
class PageDone:
    """A parsed page as the writer needs it: its id and source (duplicates), row counts, and
    its rows as CSV text; the Parquet side of its rows is a slice of its batch's Arrow data."""

    report_id: str
    source: str
    counts: tuple[int, int, int]  # reports, indicators, checks rows
    csv: tuple[str, str, str]


ROW_TABLES = ("reports", "indicators", "checks")


@dataclass(frozen=True, slots=True)
class Batch:
    """Consecutive pages' results, encoded where they were parsed: per page a ``PageDone`` or
    a ``PageError``, and per output table one Arrow record batch holding the rows of all the
    parsed pages in order. Converting rows to Arrow and CSV was the parent's main cost per
    page; done in the workers it runs in parallel, and a record batch crosses the process
    boundary as a few buffers instead of thousands of pickled objects."""

    pages: list
    arrow: tuple  # one pyarrow.RecordBatch per ROW_TABLES entry


def encode_batch(results: Sequence[PageRows | PageError]) -> Batch:
    pages: list = []
    rows: tuple[list, list, list] = ([], [], [])
    for r in results:
        if isinstance(r, PageError):
            pages.append(r)
            continue
        parts = ([r.report], r.indicators, r.checks)
        for acc, part in zip(rows, parts):
            acc.extend(part)
        pages.append(PageDone(
            r.report_id, r.report[1], tuple(len(p) for p in parts),  # type: ignore[arg-type]
            tuple(format_csv(name, part) for name, part in zip(ROW_TABLES, parts)),  # type: ignore[arg-type]
        ))
    return Batch(pages, tuple(arrow_rows(name, acc) for name, acc in zip(ROW_TABLES, rows)))


def parse_batch(tasks: list[Task], options: Options) -> Batch:
    """Parse and encode a batch of pages (what a worker process or a Dask task runs)."""
    return encode_batch([process_task(t, options) for t in tasks])


def _worker_batch(args: tuple[list[Task], Options]) -> Batch:
    tasks, options = args
    return parse_batch(tasks, options)


def _batched(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    it = iter(tasks)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _results(tasks: Iterable[Task], options: Options, jobs: int) -> Iterator[Batch]:
    """Results in input order, with bounded memory and no idle cores.

    Tasks go to the pool in small batches (one round trip per ``BATCH`` pages); at most
    ``IN_FLIGHT_PER_JOB`` batches per worker are queued at any moment, so a 100,000-page run
    holds no more pages or results in memory than a 1,000-page one. The head of the queue is
    waited for first (input order) while the workers keep going on the rest: a sliding
    window, not windows that drain before the next one starts.
    """
    if jobs <= 1:  # one process: the same batches, parsed here
        for batch in _batched(tasks, BATCH):
            yield parse_batch(batch, options)
        return
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else None)
    in_flight: deque = deque()
    limit = jobs * IN_FLIGHT_PER_JOB
    # Workers are forked once, here, while this process is still small, and never replaced:
    # a replacement would be forked from the writer as it is by then and soon copy much of its
    # heap (the allocator reuses the parent's freed blocks), so every worker would grow to the
    # writer's size. The parser keeps no state between pages (a worker's RSS stays flat over
    # thousands of pages), so there is nothing for replacement to free.
    with ctx.Pool(jobs) as pool:
        for batch in _batched(tasks, BATCH):
            in_flight.append((pool.apply_async(_worker_batch, ((batch, options),)), batch))
            while len(in_flight) >= limit:
                yield _collect(*in_flight.popleft(), options)
        while in_flight:
            yield _collect(*in_flight.popleft(), options)


#: extra time a batch may take beyond its pages' time limits before its worker counts as lost
WORKER_SLACK_S = 60.0


def _collect(pending, batch: list[Task], options: Options) -> Batch:
    """The head batch's results. A worker killed from outside (OOM killer, ``kill -9``) loses
    its batch and ``Pool`` never reports it: without a deadline the run would wait forever.
    The head batch has started (FIFO queue), and each of its pages is bounded by the page
    time limit, so past ``BATCH × limit + slack`` its pages become error rows and the run goes
    on (the pool has already replaced the worker)."""
    timeout = len(batch) * options.page_timeout + WORKER_SLACK_S if options.page_timeout > 0 else None
    try:
        return pending.get(timeout=timeout)
    except mp.TimeoutError:
        message = (f"worker process lost while parsing this batch of {len(batch)} pages (killed, out of "
                   f"memory, or stuck for {timeout:g} s); rerun these pages")
        return encode_batch([PageError(_source_of(t), "worker", "WorkerLost", message, True) for t in batch])


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def count_pages(paths: Sequence[str | Path]) -> int | None:
    """How many pages ``paths`` hold, when that is cheap to know (plain files and folders:
    a listing, no reading); ``None`` for WARC files and the archive folder (counting their
    records means reading them), so the progress display then shows no total and no ETA."""
    n = 0
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            if (p / "catalogue.sqlite").exists():
                return None
            for _dirpath, _dirs, files in os.walk(p):
                for name in files:
                    low = name.lower()
                    if low.endswith(WARC_SUFFIXES):
                        return None
                    if low.endswith(PAGE_SUFFIXES) and not name.startswith("."):
                        n += 1
        elif p.name.lower().endswith(WARC_SUFFIXES):
            return None
        else:
            n += 1
    return n


def parse_paths(
    paths: Sequence[str | Path],
    out: Path,
    *,
    jobs: int | None = None,
    quiet: bool = True,
    options: Options | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> RunSummary:
    """Parse every page under ``paths`` and (re)write the tables in ``out`` atomically.

    ``engine="local"`` parses in a process pool of ``jobs`` workers; ``engine="dask"`` maps the
    same ``process_task`` over a Dask cluster (``scheduler`` address, or a local cluster of
    ``jobs`` workers) and writes the same files in the same order.
    """
    options = options or Options()
    jobs = default_jobs() if jobs is None else max(1, jobs)
    out = Path(out)
    summary = RunSummary(out=out)
    started = time.monotonic()
    progress = Progress(enabled=not quiet)
    if progress.enabled:
        progress.total = count_pages(paths)
    tasks = iter_tasks(paths)
    if engine == "dask":
        from .dask_engine import dask_results

        results = dask_results(tasks, options, scheduler=scheduler, jobs=jobs)
    elif engine == "local":
        results = _results(tasks, options, jobs)
    else:
        raise ConfigError(f"unknown engine {engine!r} (local or dask)")
    writer = RunWriter(out)
    seen: dict[str, str] = {}
    try:
        for batch in results:
            offsets = [0, 0, 0]
            for result in batch.pages:
                summary.pages += 1
                if isinstance(result, PageError):
                    _record_error(summary, writer, result)
                    progress.update(summary.pages, summary.failed)
                    continue
                starts = list(offsets)
                for i, n in enumerate(result.counts):
                    offsets[i] += n
                if result.report_id in seen:
                    dup = PageError(result.source, "duplicate", "DuplicateReport",
                                    f"same report as {seen[result.report_id]} (kept that one)")
                    summary.skipped += 1
                    summary.by_kind["duplicate"] += 1
                    writer.add("errors", [(dup.source, dup.stage, dup.error, dup.message)])
                else:
                    seen[result.report_id] = result.source
                    summary.ok += 1
                    summary.values += result.counts[1]
                    for i, name in enumerate(ROW_TABLES):
                        writer.add_batch(name, batch.arrow[i], result.csv[i], result.counts[i], starts[i])
                progress.update(summary.pages, summary.failed)
    except BaseException:
        writer.abort()
        progress.close()
        close = getattr(results, "close", None)
        if close is not None:
            close()
        raise
    writer.close()
    progress.close()
    summary.elapsed_s = time.monotonic() - started
    return summary


def _record_error(summary: RunSummary, writer: RunWriter, err: PageError) -> None:
    if err.error == "NotAReport":
        summary.skipped += 1
    else:
        summary.failed += 1
    summary.by_kind[f"{err.stage}/{err.error}"] += 1
    writer.add("errors", [(err.source, err.stage, err.error, err.message)])
