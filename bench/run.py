"""The benchmark of issue 5, in one run, side by side (``make bench`` / ``python -m bench.run``).

(a) floor: read the file + ``selectolax.lexbor`` parse + body text, per page;
(b) xxgk's per-page function (``scraper.pipeline.process_task``: read + parse + normalise);
(c) the peer pipeline a user might write instead: ``trafilatura.extract`` + ``pandas.read_html``;
(d) ``xxgk parse`` end to end on the N-file corpus with 1 and with all cores, beside the
    floor's own batch over the same files in a pool of 2 processes and of all cores;
(e) peak memory of each end-to-end run's process tree (``bench/rss.py``);
plus the start-up time of ``xxgk --help``. (a)-(c) run on one copy of each fixture page (the
corpus's first pages), every page timed over several rounds. Results go to
``bench/results/<N>[-only].json``; a Markdown table is printed.

    python -m bench.run                       # 10,000 pages, everything
    python -m bench.run --pages 100000 --only e2e --jobs all   # the big memory run
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from . import corpus as corpus_mod

ROOT = corpus_mod.ROOT
RESULTS = ROOT / "results"
XXGK = Path(sys.executable).with_name("xxgk")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        return os.cpu_count() or 1


# --- per-page functions ---------------------------------------------------------------------

def floor_page(path: str) -> int:
    from selectolax.lexbor import LexborHTMLParser

    with open(path, "rb") as fh:
        data = fh.read()
    tree = LexborHTMLParser(data)
    node = tree.body or tree.root
    return len(node.text(separator="\n")) if node is not None else 0


def xxgk_page(path: str) -> int:
    from scraper.inputs import Task
    from scraper.pipeline import Options, process_task

    r = process_task(Task(path, path=path), Options(page_timeout=0))
    return len(getattr(r, "indicators", ()))


def clear_result_caches() -> None:
    """Empty the parser's bounded result memos (label keys, cell texts, value parses …).

    They pay off because real reports share their forms' labels and cells across sites and
    years; the per-page timing re-parses the same pages every round, so it sees them warmer
    than a real corpus does. (b') clears them before every page: an upper bound on a corpus
    where nothing repeats. One-time builders (catalogues, regexes: ``maxsize`` 1 or none)
    stay."""
    import functools

    for name, mod in list(sys.modules.items()):
        if not name.startswith("parsers") or mod is None:
            continue
        for obj in vars(mod).values():
            if isinstance(obj, functools._lru_cache_wrapper):
                size = obj.cache_parameters()["maxsize"]
                if size is not None and size > 1:
                    obj.cache_clear()
    from parsers.catalogue import era1_catalogue

    memo = getattr(era1_catalogue(), "_memo", None)
    if isinstance(memo, dict):
        memo.clear()


def xxgk_page_cold(path: str) -> int:
    clear_result_caches()
    return xxgk_page(path)


def peer_page(path: str) -> int:
    import pandas as pd
    import trafilatura

    with open(path, "rb") as fh:
        data = fh.read()
    text = trafilatura.extract(data) or ""
    try:
        tables = pd.read_html(io.BytesIO(data), flavor="lxml")
    except ValueError:  # "No tables found"
        tables = []
    return len(text) + sum(t.size for t in tables)


def _time_per_page(fn, paths: list[str], rounds: int) -> dict:
    for p in paths:  # warm up: imports, caches, catalogue
        fn(p)
    per_round = []
    for _ in range(rounds):
        t = time.perf_counter()
        for p in paths:
            fn(p)
        per_round.append((time.perf_counter() - t) / len(paths))
    return {"ms_per_page": statistics.median(per_round) * 1000, "rounds": rounds, "pages": len(paths)}


# --- batches ----------------------------------------------------------------------------------

def _list_pages(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))


def floor_batch(root: Path, jobs: int) -> dict:
    """The floor's own batch: list the files, then read + lexbor + text in a pool of ``jobs``."""
    t = time.perf_counter()
    paths = _list_pages(root)
    ctx = mp.get_context("fork")
    with ctx.Pool(jobs) as pool:
        for _ in pool.imap(floor_page, paths, chunksize=64):
            pass
    secs = time.perf_counter() - t
    return {"jobs": jobs, "seconds": secs, "pages_per_s": len(paths) / secs}


def xxgk_batch(root: Path, jobs: int, *, engine: str = "local") -> dict:
    """``xxgk parse`` as a user runs it (a subprocess), with the tree's peak memory."""
    from .rss import TreeMemory

    out = Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    cmd = [str(XXGK), "parse", str(root), "--out", str(out), "--jobs", str(jobs), "--quiet"]
    if engine != "local":
        cmd += ["--engine", engine]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    with TreeMemory(proc.pid) as mem:
        _, err = proc.communicate()
    secs = time.perf_counter() - t
    sizes = {p.name: p.stat().st_size for p in out.iterdir()}
    shutil.rmtree(out, ignore_errors=True)
    summary = next((line for line in err.splitlines() if " pages: " in line), err.strip()[-300:])
    return {
        "jobs": jobs, "engine": engine, "seconds": secs, "exit": proc.returncode, "summary": summary,
        "peak_rss_mb": mem.peak_rss / 2**20, "peak_pss_mb": mem.peak_pss / 2**20,
        "processes": mem.peak_procs, "output_bytes": sizes,
        "peak_parent_rss_mb": mem.peak_parent_rss / 2**20, "peak_worker_rss_mb": mem.peak_worker_rss / 2**20,
    }


def startup(args: list[str], runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([str(XXGK), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# --- report -----------------------------------------------------------------------------------

def _table(res: dict) -> str:
    lines = []
    pp = res.get("per_page")
    if pp:
        fl = pp["floor"]["ms_per_page"]
        lines += ["| per page (one copy of each fixture) | ms/page | × floor |", "|---|---:|---:|"]
        for key, name in (("floor", "(a) floor: lexbor parse + body text"),
                          ("xxgk", "(b) xxgk process_task (read+parse+normalise)"),
                          ("xxgk_cold", "(b') the same, result memos emptied before each page"),
                          ("peer", "(c) peer: trafilatura.extract + pandas.read_html")):
            if key in pp:
                ms = pp[key]["ms_per_page"]
                lines.append(f"| {name} | {ms:.2f} | {ms / fl:.1f} |")
        if "peer" in pp:
            lines.append(f"| peer ÷ xxgk | | **{pp['peer']['ms_per_page'] / pp['xxgk']['ms_per_page']:.2f}×** |")
            if "xxgk_cold" in pp:
                lines.append(f"| peer ÷ xxgk, memos emptied | | "
                             f"{pp['peer']['ms_per_page'] / pp['xxgk_cold']['ms_per_page']:.2f}× |")
        lines.append("")
    n = res["pages"]
    lines += [f"| end to end, {n:,} files | s | pages/s | peak RSS (tree) | peak PSS (tree) | × floor batch |",
              "|---|---:|---:|---:|---:|---:|"]
    floors = {b["jobs"]: b for b in res.get("floor_batch", [])}
    for b in res.get("floor_batch", []):
        lines.append(f"| floor batch, {b['jobs']} processes | {b['seconds']:.1f} | {b['pages_per_s']:,.0f} | | | 1.0 |")
    for b in res.get("xxgk_batch", []):
        fb = floors.get(b["jobs"])
        ratio = f"{b['seconds'] / fb['seconds']:.1f}" if fb else ""
        lines.append(
            f"| xxgk parse --jobs {b['jobs']} ({b['engine']}) | {b['seconds']:.1f} | {n / b['seconds']:,.0f} | "
            f"{b['peak_rss_mb']:,.0f} MB | {b['peak_pss_mb']:,.0f} MB | {ratio} |")
    if "startup" in res:
        lines += ["", "| start-up | s |", "|---|---:|"]
        lines += [f"| `xxgk {k}` | {v:.3f} |" for k, v in res["startup"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10_000, help="corpus size (default 10,000)")
    ap.add_argument("--only", choices=("per-page", "e2e", "startup"), action="append",
                    help="run only these parts (repeatable)")
    ap.add_argument("--jobs", default="1,all", help="xxgk parse --jobs values, comma-separated ('all' = cores)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of the per-page timings")
    ap.add_argument("--dask", action="store_true", help="also run xxgk parse --engine dask (local cluster, all cores)")
    ap.add_argument("--keep-corpus", action="store_true", help="keep a corpus larger than 10,000 pages")
    args = ap.parse_args(argv)
    parts = set(args.only or ("per-page", "e2e", "startup"))
    cores = _cores()
    jobs = sorted({cores if j == "all" else int(j) for j in args.jobs.split(",")})
    warnings.filterwarnings("ignore")

    root = corpus_mod.build(args.pages)
    res: dict = {
        "pages": args.pages, "cores": cores, "python": platform.python_version(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "loadavg_before": os.getloadavg(),
    }
    if "per-page" in parts:
        sample = [str(p) for p in sorted((root / "d000").iterdir())[: len(corpus_mod.fixture_pages())]]
        res["per_page"] = {
            "floor": _time_per_page(floor_page, sample, args.rounds * 4),
            "xxgk": _time_per_page(xxgk_page, sample, args.rounds),
            "xxgk_cold": _time_per_page(xxgk_page_cold, sample, args.rounds),
            "peer": _time_per_page(peer_page, sample, args.rounds),
        }
        print(json.dumps(res["per_page"]), file=sys.stderr)
    if "e2e" in parts:
        res["floor_batch"] = [floor_batch(root, j) for j in sorted({2, cores})]
        print(json.dumps(res["floor_batch"]), file=sys.stderr)
        res["xxgk_batch"] = []
        for j in jobs:
            res["xxgk_batch"].append(xxgk_batch(root, j))
            print(json.dumps(res["xxgk_batch"][-1]), file=sys.stderr)
        if args.dask:
            res["xxgk_batch"].append(xxgk_batch(root, cores, engine="dask"))
            print(json.dumps(res["xxgk_batch"][-1]), file=sys.stderr)
    if "startup" in parts:
        res["startup"] = {"--help": startup(["--help"]), "parse --help": startup(["parse", "--help"])}
    res["loadavg_after"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    name = f"{args.pages}" + ("" if parts == {"per-page", "e2e", "startup"} else "-" + "-".join(sorted(parts)))
    (RESULTS / f"{name}.json").write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n")
    print(_table(res))
    if args.pages > 10_000 and not args.keep_corpus:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
