"""Crash safety: ``kill -9`` a ``parse`` or ``update`` run at random moments, rerun, and the
outputs equal an uninterrupted run's; a killed run never leaves a torn output file (outputs
are replaced atomically) and the archive catalogue stays consistent.

The runs are real subprocesses (``python -m scraper …``) killed with SIGKILL at random points,
several times in a row, with a fixed seed so a failure can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from scraper.archive import Archive
from tests.fetchserver import FaultServer, Reply
from tests.mutate import fixture_pages

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("reports", "indicators", "checks")
KILLS = 4

pytestmark = pytest.mark.slow


def _good_pages() -> list[bytes]:
    return [p.read_bytes() for p in fixture_pages() if not {"negative", "crashes", "not-the-page"} & set(p.parts) and p.suffix == ".html"]


def _distinct_copy(page: bytes, i: int) -> bytes:
    """A copy whose body text differs (report_id hashes title + body text), so each copy is its
    own report; the comment makes the bytes differ even where the text is cut as chrome."""
    note = f"<!-- copy {i} --><p>（本页为第{i}号副本。）</p>".encode()
    low = page.lower()
    at = low.find(b"<table")
    if at < 0:
        at = low.rfind(b"</body>")
    if at < 0:
        return page + note
    return page[:at] + note + page[at:]


def _corpus(folder: Path, n: int) -> None:
    pages = _good_pages()
    for i in range(n):
        sub = folder / f"d{i // 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"p{i:04d}.html").write_bytes(_distinct_copy(pages[i % len(pages)], i))


def _cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "scraper", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}


def _run(cmd: list[str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=timeout)


def _kill_at(cmd: list[str], delay: float) -> bool:
    """Start ``cmd``, SIGKILL its whole process group after ``delay`` s; True if it was still running."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    time.sleep(delay)
    alive = proc.poll() is None
    if alive:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return alive


def _outputs(out: Path) -> dict[str, object]:
    got: dict[str, object] = {}
    for name in TABLES:
        got[f"{name}.csv"] = (out / f"{name}.csv").read_bytes()
        got[f"{name}.parquet"] = pq.read_table(out / f"{name}.parquet")
    got["errors.csv"] = (out / "errors.csv").read_bytes()
    return got


def _assert_equal_outputs(a: Path, b: Path) -> None:
    oa, ob = _outputs(a), _outputs(b)
    for key in oa:
        if key.endswith(".parquet"):
            assert oa[key].equals(ob[key]), f"{key} differs"
        else:
            assert oa[key] == ob[key], f"{key} differs"


def _assert_whole_or_absent(out: Path, reference: Path) -> None:
    """After a kill: each final output file is absent (first run) or whole and equal to a
    complete run's — never torn (they are only ever replaced by rename)."""
    if not out.exists():
        return
    for name in TABLES:
        for fmt in ("csv", "parquet"):
            p = out / f"{name}.{fmt}"
            if not p.exists():
                continue
            ref = reference / f"{name}.{fmt}"
            if fmt == "csv":
                assert p.read_bytes() == ref.read_bytes(), f"torn or stale {p.name}"
            else:
                assert pq.read_table(p).equals(pq.read_table(ref)), f"torn or stale {p.name}"


def _timed(cmd: list[str]) -> float:
    started = time.monotonic()
    res = _run(cmd)
    assert res.returncode == 0, res.stderr
    return time.monotonic() - started


def test_parse_killed_at_random_points_then_rerun_equals_uninterrupted(tmp_path) -> None:
    pages = tmp_path / "pages"
    _corpus(pages, 300)
    reference, killed = tmp_path / "reference", tmp_path / "killed"
    full = _timed(_cmd("parse", str(pages), "--out", str(reference), "--jobs", "2", "-q"))
    with (reference / "reports.csv").open(encoding="utf-8-sig") as fh:
        assert sum(1 for _ in fh) - 1 >= 250, "copies must be distinct reports"
    rng = random.Random(20261125)
    landed = 0
    for k in range(KILLS):
        # the first kill may hit start-up; later ones spread over the run, some near the end
        delay = rng.uniform(0.3, full * (0.95 if k else 0.5))
        landed += _kill_at(_cmd("parse", str(pages), "--out", str(killed), "--jobs", "2", "-q"), delay)
        _assert_whole_or_absent(killed, reference)
        if k == 1:  # a complete run between kills: later kills must leave *its* outputs whole
            assert _run(_cmd("parse", str(pages), "--out", str(killed), "--jobs", "2", "-q")).returncode == 0
    assert landed >= KILLS - 1, "the kills should land while the run is going"
    res = _run(_cmd("parse", str(pages), "--out", str(killed), "--jobs", "2", "-q"))
    assert res.returncode == 0, res.stderr
    _assert_equal_outputs(killed, reference)
    assert not [p.name for p in killed.iterdir() if ".tmp-" in p.name], "temp files swept"


# ------------------------------------------------------------------------------------- update


def _site(server: FaultServer, n: int) -> None:
    pages = _good_pages()
    links = "".join(f'<a href="/r/{i}.html">第{i}号 2019年政府信息公开工作年度报告</a>' for i in range(n))
    server.add("/ndbg/index.html", Reply(body=f"<html><body>{links}</body></html>".encode()))
    for i in range(n):
        # a small pause per page so a run lasts long enough to be killed mid-fetch
        server.add(f"/r/{i}.html", Reply(body=_distinct_copy(pages[i % len(pages)], i), content_type="text/html",
                                         pause=0.04))


def _sources(server: FaultServer, n: int) -> str:  # noqa: ARG001 - n pages on one listing
    return f"""
[fetch]
delay = 0
retries = 1
backoff = 0.01
timeout = 5

[[source]]
name = "loopback-city"
listings = ["{server.url("/ndbg/index.html")}"]
pages = 1
delay = 0
attachments = false
"""


def _catalogue(archive_dir: Path) -> dict[str, str]:
    with Archive(archive_dir, readonly=True) as archive:
        return {r.url: r.sha256 for r in archive.latest_per_url() if r.sha256}


def test_update_killed_at_random_points_then_rerun_equals_uninterrupted(tmp_path) -> None:
    n = 60
    with FaultServer() as server:
        _site(server, n)
        config = tmp_path / "sources.toml"
        config.write_text(_sources(server, n), encoding="utf-8")
        if _run(_cmd("update", "--help")).returncode != 0:
            pytest.skip("update command not available")

        def update(archive: Path, out: Path) -> list[str]:
            return _cmd("update", "--config", str(config), "--archive", str(archive), "--out", str(out),
                        "--allow-private", "--jobs", "2")

        ref_archive, ref_out = tmp_path / "ref-archive", tmp_path / "ref-out"
        started = time.monotonic()
        res = _run(update(ref_archive, ref_out))
        assert res.returncode == 0, res.stderr
        full = time.monotonic() - started
        ref_catalogue = _catalogue(ref_archive)
        assert len(ref_catalogue) >= n

        archive, out = tmp_path / "archive", tmp_path / "out"
        rng = random.Random(7)
        landed = 0
        for k in range(KILLS):
            # a rerun only fetches what is missing, so later runs are shorter: kill them sooner
            landed += _kill_at(update(archive, out), rng.uniform(0.3, full * 0.8 * 0.6**k))
            if (archive / "catalogue.sqlite").exists():
                # consistent after any kill: every catalogued capture is readable, none torn
                cat = _catalogue(archive)
                assert set(cat.items()) <= set(ref_catalogue.items())
            _assert_whole_or_absent(out, ref_out)
        assert landed >= 2, "the kills should land while the run is going"
        res = _run(update(archive, out))
        assert res.returncode == 0, res.stderr
        if not (out / "reports.csv").exists():  # the last kill landed after the fetch finished
            res = _run(update(archive, out) + ["--reparse"])
            assert res.returncode == 0, res.stderr
    assert _catalogue(archive) == ref_catalogue
    _assert_equal_outputs(out, ref_out)
    from tests.test_archive import warcio_check

    assert warcio_check(archive.glob("*.warc.gz")).returncode == 0


def test_a_worker_killed_from_outside_does_not_hang_the_run(tmp_path, monkeypatch) -> None:
    """The OOM killer (here: SIGKILL) takes one worker mid-page: its pages become WorkerLost
    rows after the batch deadline, every other page is written, the run ends."""
    import multiprocessing as mp
    import threading

    import scraper.pipeline as pipeline

    monkeypatch.setattr(pipeline, "BATCH", 1)
    monkeypatch.setattr(pipeline, "WORKER_SLACK_S", 1.0)
    d = tmp_path / "pages"
    d.mkdir()
    head = "<html><head><title>示例县2019年政府信息公开工作年度报告</title></head><body>"
    for k in range(6):
        rows = "".join(f"<tr><td>{i}.其他事项{i}页{k}</td><td>条</td><td>{i}</td></tr>" for i in range(4000))
        (d / f"p{k}.html").write_text(
            head + "<table><tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>" + rows + "</table></body></html>",
            encoding="utf-8")
    killed: list[int] = []

    def kill_one_worker() -> None:
        time.sleep(0.8)
        children = mp.active_children()
        if children:
            os.kill(children[0].pid, signal.SIGKILL)
            killed.append(children[0].pid)

    threading.Thread(target=kill_one_worker, daemon=True).start()
    started = time.monotonic()
    summary = pipeline.parse_paths([d], tmp_path / "out", jobs=2,
                                   options=pipeline.Options(page_timeout=8.0))
    assert killed, "a worker was killed"
    assert time.monotonic() - started < 120
    assert summary.pages == 6
    errors = (tmp_path / "out" / "errors.csv").read_text("utf-8-sig")
    assert summary.failed >= 1 and "WorkerLost" in errors and "worker process lost" in errors
    assert summary.ok == 6 - summary.failed
