"""``xxgk parse --engine dask``: the same pure parse step, mapped over a Dask cluster.

Why this shape: the parse of one page (``pipeline.process_task``) is pure and never raises, so
it can run anywhere; what must stay in one place is the part that makes outputs deterministic
(input order, duplicate detection, atomic files). So the client lists the inputs, sends them
to the cluster in batches, takes the results back **in input order** and feeds them to the
very same writer as a local run. The output folder is therefore byte-for-byte the same kind of
output as ``--engine local`` (the same rows in the same order), not a new format to learn.

* Memory stays flat on the client: at most ``IN_FLIGHT_PER_WORKER`` batches per worker are
  submitted and not yet written.
* File inputs travel as paths and are read by the workers, so the workers must see the same
  file system (an NFS/Lustre share on a cluster; trivially true for a local cluster). Pages
  from WARC files and the archive folder are read by the client and travel as bytes.
* The per-page time limit (SIGALRM) needs a main thread; Dask runs tasks in worker threads,
  so there the limit is off and a pathological page holds one worker thread until done.
* The client writes at several thousand pages per second, far above what a few dozen parsing
  cores produce, so one writer is not the bottleneck for the cluster sizes this targets.

``dask[distributed]`` is optional (``pip install 'xxgk[dask]'``); without it this module
raises a ``ConfigError`` that says so.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator

from .errors import ConfigError
from .inputs import Task
from .pipeline import Batch, Options
from .pipeline import parse_batch as _parse_batch

__all__ = ["BATCH", "dask_results", "parse_batch"]

#: pages per Dask task (one scheduler round trip costs ~1 ms; a page ~10-30 ms)
BATCH = 32
#: batches submitted and not yet written, per worker thread
IN_FLIGHT_PER_WORKER = 4


def parse_batch(tasks: list[Task], options: Options) -> Batch:
    """Runs on a Dask worker: the local pipeline's own batch function (pages parsed, their
    rows as CSV text and Arrow record batches, as a local worker process returns them)."""
    return _parse_batch(tasks, options)


def _client(scheduler: str | None, jobs: int):
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ConfigError(
            "--engine dask needs the dask extra: pip install 'xxgk[dask]' (dask[distributed])"
        ) from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except OSError as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    cluster = LocalCluster(
        n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
        host="127.0.0.1",
    )
    return Client(cluster), cluster


def dask_results(
    tasks: Iterable[Task], options: Options, *, scheduler: str | None = None, jobs: int = 1,
) -> Iterator[Batch]:
    """Results in input order, parsed on the cluster at ``scheduler`` (or a local one)."""
    client, cluster = _client(scheduler, jobs)
    in_flight: deque = deque()
    try:
        threads = sum(client.nthreads().values()) or jobs
        limit = max(2, threads * IN_FLIGHT_PER_WORKER)
        it = iter(tasks)
        while batch := list(itertools.islice(it, BATCH)):
            in_flight.append(client.submit(parse_batch, batch, options, pure=False))
            while len(in_flight) >= limit:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
    finally:
        for fut in in_flight:
            fut.cancel()
        client.close()
        if cluster is not None:
            cluster.close()
