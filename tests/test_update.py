"""``xxgk update``: sources.toml, lock, discover → fetch → parse, idempotent reruns, exit codes."""

from __future__ import annotations

import hashlib
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from scraper.archive import Archive
from scraper.cli_fetch import main
from scraper.errors import ConfigError, LockedError
from scraper.update import archive_lock, load_sources, run_update
from scraper.warcread import iter_archive_sources
from tests.fetchserver import FaultServer, Reply, html_page
from tests.test_fetch import FAST

DOC_EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "fetching.md"


def sources_toml(server: FaultServer, extra: str = "") -> str:
    return f"""
[fetch]
delay = 0
retries = 1
backoff = 0.01
timeout = 2

[[source]]
name = "example-city"
listings = ["{server.url("/ndbg/index.html")}"]
urls = ["{server.url("/direct/2015.html")}"]
pages = 3
delay = 0
{extra}
"""


def build_site(server: FaultServer) -> None:
    listing = (
        '<a href="/r/2019.html">2019年政府信息公开工作年度报告</a>'
        '<a href="/r/2018.html">2018年政府信息公开工作年度报告</a><a href="/about.html">关于我们</a>'
    ).encode()
    server.add("/ndbg/index.html", Reply(body=listing))
    server.add(
        "/r/2019.html",
        Reply(
            body=html_page("2019年政府信息公开工作年度报告", '<a href="/f/2019.pdf">附件</a>'), etag='"19"'
        ),
    )
    server.add("/r/2018.html", Reply(body=html_page("2018年政府信息公开工作年度报告")))
    server.add("/direct/2015.html", Reply(body=html_page("2015年政府信息公开工作年度报告")))
    server.add("/f/2019.pdf", Reply(body=b"%PDF-1.4 attachment", content_type="application/pdf"))


@dataclass
class FakeSummary:
    pages: int
    ok: int
    failed: int = 0
    skipped: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


@pytest.fixture
def fake_parser(monkeypatch):
    """Stand-in for scraper.pipeline.parse_paths: writes the archive's URLs and digests."""
    calls: list[list[str]] = []

    def parse_paths(paths, out, *, jobs=None, quiet=True):
        calls.append([str(p) for p in paths])
        sources = [s for p in paths for s in iter_archive_sources(Path(p))]
        out.mkdir(parents=True, exist_ok=True)
        (out / "pages.txt").write_text("".join(f"{s.url} {s.sha256}\n" for s in sources), encoding="utf-8")
        return FakeSummary(pages=len(sources), ok=len(sources))

    monkeypatch.setitem(sys.modules, "scraper.pipeline", types.SimpleNamespace(parse_paths=parse_paths))
    return calls


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix not in (".log", ".lock") and "catalogue.sqlite" not in p.name
    }


def catalogue_rows(archive_dir: Path) -> list[tuple]:
    with Archive(archive_dir, readonly=True) as archive:
        return [(r.url, r.sha256, r.warc_file, r.warc_offset, r.reason) for r in archive.rows()]


def test_update_twice_second_run_changes_nothing(tmp_path, fake_parser) -> None:
    archive_dir, out = tmp_path / "archive", tmp_path / "out"
    config_path = tmp_path / "sources.toml"
    with FaultServer() as server:
        build_site(server)
        config_path.write_text(sources_toml(server), encoding="utf-8")
        config = load_sources(config_path, FAST)
        first = run_update(config, archive_dir, out)
        assert (first.stats.stored, first.stats.attachments, first.stats.failed, first.exit_code) == (
            4,
            1,
            0,
            0,
        )
        assert first.parsed and len(fake_parser) == 1
        assert (out / "pages.txt").read_text().count("\n") == 3  # the PDF is archived, not parsed
        archive_before, out_before, rows_before = (
            snapshot(archive_dir),
            snapshot(out),
            catalogue_rows(archive_dir),
        )
        report_hits = {p: n for p, n in server.hits.items() if p.startswith(("/r/", "/f/", "/direct/"))}

        second = run_update(config, archive_dir, out)
        assert (second.stats.stored, second.stats.failed, second.exit_code, second.parsed) == (0, 0, 0, False)
        assert second.stats.known == 4 and len(fake_parser) == 1
        assert {
            p: n for p, n in server.hits.items() if p.startswith(("/r/", "/f/", "/direct/"))
        } == report_hits
    assert snapshot(archive_dir) == archive_before and snapshot(out) == out_before
    assert catalogue_rows(archive_dir) == rows_before
    log = (archive_dir / "update.log").read_text(encoding="utf-8")
    assert log.count("update started") == 2 and "nothing new: outputs kept" in log


def test_run_killed_before_parse_is_parsed_next_time(tmp_path, fake_parser, monkeypatch) -> None:
    archive_dir, out = tmp_path / "archive", tmp_path / "out"
    with FaultServer() as server:
        build_site(server)
        (tmp_path / "s.toml").write_text(sources_toml(server), encoding="utf-8")
        config = load_sources(tmp_path / "s.toml", FAST)
        real = sys.modules["scraper.pipeline"].parse_paths

        def crash(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(sys.modules["scraper.pipeline"], "parse_paths", crash)
        with pytest.raises(KeyboardInterrupt):
            run_update(config, archive_dir, out)
        monkeypatch.setattr(sys.modules["scraper.pipeline"], "parse_paths", real)
        again = run_update(config, archive_dir, out)
    assert again.stats.stored == 0 and again.parsed and (out / "pages.txt").exists()


def test_failed_urls_give_exit_1_and_are_recorded(tmp_path, fake_parser) -> None:
    with FaultServer() as server:
        build_site(server)
        server.add("/direct/2015.html", Reply(500))
        (tmp_path / "s.toml").write_text(sources_toml(server), encoding="utf-8")
        code = main(["update", "--config", str(tmp_path / "s.toml"), "--archive", str(tmp_path / "a"),
                     "--out", str(tmp_path / "o"), "--allow-private"])  # fmt: skip
    assert code == 1
    failures = [r for r in catalogue_rows(tmp_path / "a") if r[4]]
    assert len(failures) == 1 and "HTTP 500" in failures[0][4]


def test_lock_keeps_runs_apart(tmp_path, capsys) -> None:
    config = tmp_path / "s.toml"
    config.write_text('[[source]]\nname = "x"\nurls = ["http://127.0.0.1:9/never"]\n', encoding="utf-8")
    with archive_lock(tmp_path / "a"):
        with pytest.raises(LockedError), archive_lock(tmp_path / "a"):
            pass
        code = main(
            [
                "update",
                "--config",
                str(config),
                "--archive",
                str(tmp_path / "a"),
                "--out",
                str(tmp_path / "o"),
            ]
        )
        fetch_code = main(["fetch", "http://127.0.0.1:9/x", "--archive", str(tmp_path / "a")])
    assert code == fetch_code == 4
    assert "holds the lock" in capsys.readouterr().err
    with archive_lock(tmp_path / "a"):  # released again
        pass


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[source]]\nname = 'a'\nurl = ['x']\n", "unknown keys ['url']"),
        ("[[source]]\nname = 'a'\nurls = 'http://x/'\ndelay = 'fast'\n", "delay must be float"),
        ("[fetch]\ndelay = 1\n", "no [[source]] tables"),
        ("[[source]]\nname = 'a'\n", "needs listings, urls or wayback"),
        (
            "[[source]]\nname = 'a'\nurls = ['http://x/']\n[[source]]\nname = 'a'\nurls = ['http://y/']\n",
            "unique",
        ),
        ("[[source]]\nname = 'a'\nwayback = ['x']\nmatch = 'fuzzy'\n", "match must be"),
        ("[fetch]\nretries = -1\n[[source]]\nname = 'a'\nurls = ['http://x/']\n", "must not be negative"),
        ("not toml at all [", "cannot read sources file"),
    ],
)
def test_bad_sources_toml(tmp_path, text, message) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_sources(path)


def test_bad_config_exit_code_2(tmp_path, capsys) -> None:
    code = main(["update", "--config", str(tmp_path / "missing.toml"), "--archive", str(tmp_path / "a")])
    assert code == 2 and "cannot read sources file" in capsys.readouterr().err
    assert main(["fetch", "--archive", str(tmp_path / "a")]) == 2


def test_documented_example_parses(tmp_path) -> None:
    text = DOC_EXAMPLE.read_text(encoding="utf-8")
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "s.toml").write_text(example, encoding="utf-8")
    config = load_sources(tmp_path / "s.toml")
    assert config.sources and config.fetch.delay_s > 0
    assert any(s.wayback for s in config.sources) and any(s.listings for s in config.sources)


def _real_pipeline_available() -> bool:
    try:
        from scraper.pipeline import parse_paths  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _real_pipeline_available(), reason="scraper.pipeline.parse_paths not written yet")
def test_update_with_the_real_parser(tmp_path) -> None:
    table = (
        "<table><tr><td>指标</td><td>单位</td><td>数量</td></tr>"
        "<tr><td>（一）主动公开政府信息数</td><td>条</td><td>120</td></tr></table>"
    )
    page = html_page("包头市2017年政府信息公开工作年度报告", f"<p>一、概述</p>{table}")
    archive_dir, out = tmp_path / "archive", tmp_path / "out"
    with FaultServer() as server:
        server.add("/r/2017.html", Reply(body=page))
        (tmp_path / "s.toml").write_text(
            f'[fetch]\ndelay = 0\n[[source]]\nname = "real"\nurls = ["{server.url("/r/2017.html")}"]\n',
            encoding="utf-8",
        )
        config = load_sources(tmp_path / "s.toml", FAST)
        first = run_update(config, archive_dir, out, jobs=1)
        outputs = snapshot(out)
        second = run_update(config, archive_dir, out, jobs=1)
    assert first.parsed and first.stats.stored == 1 and outputs
    assert not second.parsed and snapshot(out) == outputs


def test_update_with_a_wayback_source(tmp_path, fake_parser) -> None:
    from tests.test_wayback import SITE, wayback_site

    with FaultServer() as server:
        wayback_site(server)
        (tmp_path / "s.toml").write_text(
            f'[fetch]\ndelay = 0\n[wayback]\nbase_url = "{server.url("")}"\ncdx_rate = 0\nmemento_rate = 0\n'
            f'[[source]]\nname = "old"\nwayback = ["{SITE}"]\nmatch = "prefix"\nfrom = "2019"\n',
            encoding="utf-8",
        )
        config = load_sources(tmp_path / "s.toml", FAST)
        first = run_update(config, tmp_path / "a", tmp_path / "o")
        second = run_update(config, tmp_path / "a", tmp_path / "o")
    assert (first.stats.stored, first.exit_code, second.stats.stored, second.parsed) == (4, 0, 0, False)
    assert (tmp_path / "o" / "pages.txt").read_text().count("\n") == 2
    with Archive(tmp_path / "a", readonly=True) as archive:
        assert {r.source for r in archive.rows()} == {"wayback:old"}
