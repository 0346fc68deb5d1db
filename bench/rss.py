"""Peak memory of a whole process tree (the parent and every worker it forks).

Method: a thread polls the tree every ``interval`` seconds with psutil and keeps the peak of
the *sum* over all live processes of RSS (an upper bound: pages shared copy-on-write after
fork are counted once per process) and of PSS (shared pages split between the processes that
share them: the honest "memory this run costs"; read from /proc/PID/smaps_rollup every fifth
poll, as it costs more), plus the peak RSS of the parent alone and of the largest worker.
"""

from __future__ import annotations

import threading
import time

import psutil


class TreeMemory:
    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self.peak_parent_rss = 0
        self.peak_worker_rss = 0  # the largest single worker
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self, full: bool) -> None:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        rss = pss = 0
        for p in procs:
            try:
                info = p.memory_full_info() if full else p.memory_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss) if full else 0
            if p.pid == self.root.pid:
                self.peak_parent_rss = max(self.peak_parent_rss, info.rss)
            else:
                self.peak_worker_rss = max(self.peak_worker_rss, info.rss)
        self.peak_rss = max(self.peak_rss, rss)
        if full:
            self.peak_pss = max(self.peak_pss, pss)
        self.peak_procs = max(self.peak_procs, len(procs))

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            # RSS (/proc/PID/statm) is cheap; PSS (smaps_rollup) costs a page-table walk, so
            # it is read every 5th sample to keep the poller's own CPU out of the timings
            self._sample(full=n % 5 == 0)
            n += 1
            time.sleep(self.interval)
