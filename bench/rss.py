"""Peak memory of a whole process tree (the parent and every worker it forks).

Method: a thread polls the tree every ``interval`` seconds with psutil and keeps the peak of
the *sum* over all live processes of RSS (an upper bound: pages shared copy-on-write after
fork are counted once per process) and of PSS (shared pages split between the processes that
share them: the honest "memory this run costs"), read from /proc/PID/smaps_rollup.
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

    def _sample(self) -> None:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        rss = pss = 0
        for p in procs:
            try:
                info = p.memory_full_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
            if p.pid == self.root.pid:
                self.peak_parent_rss = max(self.peak_parent_rss, info.rss)
            else:
                self.peak_worker_rss = max(self.peak_worker_rss, info.rss)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_procs = max(self.peak_procs, len(procs))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(self.interval)
