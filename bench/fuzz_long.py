"""The on-demand long fuzz run of the parser (the in-suite run in tests/test_fuzz.py is bounded).

    .venv/bin/python bench/fuzz_long.py --minutes 35 --out bench/fuzz_findings

A mutation loop over the fixture pages (tests/mutate.py: truncation, dropped tags, garbled and
hostile attributes, mixed encodings, NUL bytes, lone surrogates, splices of two reports, deep
nesting, one-line pages), plus random bytes and, every few hundred cases, a pathological page
built in memory (deep nesting, huge tables, huge spans, one long line). Each case runs in a
worker process under a hard time limit; a finding is

* ``crash``: ``parse_report`` raised something that is not an ``XxgkError``;
* ``hang``: the case took longer than ``--limit`` seconds (the worker is killed);
* ``slow``: it took longer than ``--slow`` seconds (recorded, not fatal);
* ``memory``: the worker's peak RSS grew past ``--max-rss-mb``.

Every finding's input is saved beside ``findings.jsonl`` (name = sha256 prefix) with its seed
and mutator names, so it can be turned into a fixture under ``fixtures/crashes/``. The run
ends with a summary line and a JSON summary in ``summary.json``; bench/FUZZ.md records it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import random
import resource
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.mutate import fixture_pages, mutate, random_bytes  # noqa: E402


def pathological(rng: random.Random) -> tuple[bytes, str]:
    """A pathological page, smaller than the in-suite ones so the loop keeps moving."""
    kind = rng.choice(("nest", "rows", "spans", "line", "cells", "nested_tables"))
    head = "<html><head><title>2019年政府信息公开工作年度报告</title></head><body>".encode()
    if kind == "nest":
        n = rng.choice((2000, 10000, 20000))
        tag = rng.choice((b"div", b"table", b"td", b"span", b"li"))
        body = (b"<" + tag + b">") * n + "统计指标".encode() + (b"</" + tag + b">") * rng.choice((0, n))
    elif kind == "rows":
        n = rng.choice((5000, 20000, 50000))
        body = b"<table>" + "<tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>".encode() + b"".join(
            f"<tr><td>（{i}）主动公开</td><td>条</td><td>{i}</td></tr>".encode() for i in range(n)
        ) + b"</table>"
    elif kind == "spans":
        n = rng.choice((10, 200, 2000))
        body = b"<table>" + b"".join(
            f'<tr><td rowspan="{rng.choice((100000, 2**31, 10**20))}" colspan="{rng.choice((100000, 7))}">{i}</td>'
            f"<td>{i}</td></tr>".encode() for i in range(n)
        ) + b"</table>"
    elif kind == "line":
        n = rng.choice((10**6, 4 * 10**6))
        body = ("主动公开政府信息" * (n // 24)).encode() + b"x" * (n % 97)
    elif kind == "cells":
        n = rng.choice((1000, 20000))
        body = b"<table><tr>" + b"<td>1</td>" * n + b"</tr>" + b"<tr>" + b"<td colspan=64>2</td>" * n + b"</tr></table>"
    else:
        n = rng.choice((100, 1000, 3000))
        body = b"<table><tr><td>" * n + "申请人情况".encode() + b"</td></tr></table>" * n
    return head + body + b"</body></html>", f"pathological:{kind}"


def _case(seed: int, pages: list[bytes]) -> tuple[bytes, str]:
    rng = random.Random(seed)
    r = rng.random()
    if r < 0.05:
        return random_bytes(rng), "random_bytes"
    if r < 0.06:
        return pathological(rng)
    base_idx = rng.randrange(len(pages))
    data, names = mutate(pages[base_idx], rng)
    return data, f"fixture[{base_idx}]:" + ",".join(names)


def _worker(conn, seed: int, pages: list[bytes]) -> None:
    from parsers import parse_report
    from parsers.errors import XxgkError

    while True:
        msg = conn.recv()
        if msg is None:
            return
        seed = msg
        data, how = _case(seed, pages)
        started = time.monotonic()
        outcome, detail = "ok", ""
        try:
            parse_report(data, location=f"fuzz-{seed}")
        except XxgkError as exc:
            outcome, detail = type(exc).__name__, str(exc)[:200]
        except RecursionError as exc:
            outcome, detail = "crash", f"RecursionError: {exc}"
        except Exception as exc:  # noqa: BLE001 - that is what we hunt
            outcome, detail = "crash", "".join(traceback.format_exception(exc))[-3000:]
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        conn.send((seed, how, outcome, detail, time.monotonic() - started, rss_mb, len(data)))


class Runner:
    def __init__(self, args: argparse.Namespace, pages: list[bytes]) -> None:
        self.args, self.pages = args, pages
        self.ctx = mp.get_context("fork")
        self.proc = None
        self.conn = None

    def start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child, 0, self.pages), daemon=True)
        self.proc.start()
        self.conn = parent

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join()
        self.proc = None

    def run(self, seed: int):
        if self.proc is None:
            self.start()
        self.conn.send(seed)
        if self.conn.poll(self.args.limit):
            return self.conn.recv()
        self.stop()  # hang: kill the worker; the next case starts a fresh one
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=35.0)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "fuzz_findings")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--limit", type=float, default=60.0, help="hang limit per case (s)")
    ap.add_argument("--slow", type=float, default=10.0, help="record cases slower than this (s)")
    ap.add_argument("--max-rss-mb", type=float, default=2048.0)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    pages = [p.read_bytes() for p in fixture_pages()]
    findings = args.out / "findings.jsonl"
    runner = Runner(args, pages)
    deadline = time.monotonic() + args.minutes * 60
    stats: dict[str, int] = {}
    n = 0
    slowest = (0.0, "")
    max_rss = 0.0
    base = args.seed * 1_000_000
    started = time.time()
    with findings.open("a", encoding="utf-8") as log:
        while time.monotonic() < deadline:
            seed = base + n
            n += 1
            if n % 500 == 0:
                runner.stop()  # a fresh worker now and then: bounded leaks, picks up parser fixes
            res = runner.run(seed)
            if res is None:
                data, how = _case(seed, pages)
                kind, detail, elapsed, rss = "hang", f"no answer in {args.limit:g} s", args.limit, 0.0
            else:
                _, how, outcome, detail, elapsed, rss = res[:6]
                stats[outcome] = stats.get(outcome, 0) + 1
                max_rss = max(max_rss, rss)
                if elapsed > slowest[0]:
                    slowest = (elapsed, how)
                if outcome == "crash":
                    kind = "crash"
                elif elapsed > args.slow:
                    kind = "slow"
                elif rss > args.max_rss_mb:
                    kind = "memory"
                    runner.stop()
                else:
                    continue
                data, _ = _case(seed, pages)
            digest = hashlib.sha256(data).hexdigest()[:16]
            (args.out / f"{digest}.bin").write_bytes(data)
            rec = {"kind": kind, "seed": seed, "how": how, "elapsed_s": round(elapsed, 2), "rss_mb": round(rss),
                   "size": len(data), "file": f"{digest}.bin", "detail": detail}
            log.write(json.dumps(rec, ensure_ascii=False) + "\n")
            log.flush()
            stats[kind] = stats.get(kind, 0) + 1
            print(f"[{time.strftime('%H:%M:%S')}] {kind} seed={seed} {how} {elapsed:.1f}s", flush=True)
    runner.stop()
    summary = {
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "minutes": round((time.time() - started) / 60, 1),
        "seed": args.seed, "cases": n, "outcomes": stats,
        "slowest_s": round(slowest[0], 2), "slowest_case": slowest[1], "max_worker_rss_mb": round(max_rss),
        "pid": os.getpid(),
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary), flush=True)
    return 1 if stats.get("crash") or stats.get("hang") else 0


if __name__ == "__main__":
    raise SystemExit(main())
