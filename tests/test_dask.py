"""``--engine dask`` against a real ``distributed.LocalCluster`` on loopback: same rows as local."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

distributed = pytest.importorskip("distributed")

from scraper.pipeline import parse_paths  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = [FIXTURES / "era1", FIXTURES / "era2", FIXTURES / "negative"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, silence_logs=50,
    ) as c:
        yield c


def test_dask_rows_equal_local_rows(tmp_path, cluster) -> None:
    local = parse_paths(PAGES, tmp_path / "local", jobs=1)
    dask = parse_paths(PAGES, tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address)
    assert (dask.pages, dask.ok, dask.skipped, dask.failed, dask.values) == (
        local.pages, local.ok, local.skipped, local.failed, local.values)
    assert local.ok > 10 and local.values > 1000
    for name in ("reports", "indicators", "checks"):
        a = pq.read_table(tmp_path / "local" / f"{name}.parquet")
        b = pq.read_table(tmp_path / "dask" / f"{name}.parquet")
        assert a.num_rows == b.num_rows
        assert a.equals(b), name
    for name in ("reports", "indicators", "checks", "errors"):
        assert (tmp_path / "local" / f"{name}.csv").read_bytes() == (tmp_path / "dask" / f"{name}.csv").read_bytes()


def test_scheduler_needs_dask_engine(tmp_path, capsys) -> None:
    from scraper.cli import main

    code = main(["parse", str(FIXTURES / "seed"), "--out", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2
    assert "--engine dask" in capsys.readouterr().err
