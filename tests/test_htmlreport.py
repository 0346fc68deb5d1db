"""``xxgk report``: self-contained HTML, escaped page text, plots; rendered in headless Chromium."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from scraper.cli import main
from scraper.errors import ConfigError
from scraper.htmlreport import choose_indicator, choose_year, load_run, render_report, write_report
from scraper.svgplot import PALETTE, distribution, line_chart, nice_ticks
from scraper.write import RunWriter
from tests.test_panel import write_demo_output

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
LINE_RGB = bytes.fromhex(PALETTE[0][1:])  # first series of the line chart
BAR_RGB = bytes.fromhex("4c78a8")  # histogram bars


@pytest.fixture
def demo(tmp_path) -> Path:
    return write_demo_output(tmp_path / "output")


def test_defaults_pick_the_most_common_indicator_and_year(demo) -> None:
    run = load_run(demo)
    assert choose_indicator(run.panel, None) == "requests.received"
    assert choose_year(run.panel, "requests.received", None) == 2017
    assert choose_indicator(run.panel, "nm.approval_items") == "nm.approval_items[本级]"
    with pytest.raises(ConfigError, match="requests.received"):
        choose_indicator(run.panel, "no.such.id")


def test_html_is_self_contained_and_escapes_page_text(demo) -> None:
    html = render_report(load_run(demo))
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="plot"') == 2
    assert "<script" not in html.lower()  # the spam title's script is text, not markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html  # error message from errors.csv
    assert not re.search(r"""(src|href)\s*=|<link|@import|url\(""", html, re.I)
    for section in ("plots", "pages", "duplicates", "coverage", "checks", "spam", "warnings"):
        assert f'<section id="{section}">' in html
    assert "e1.received_eq_channels" in html and "UndecodableError" in html
    assert "30 injected links/tokens removed from 1 reports" in html
    assert "包头市" in html and "2017" in html
    assert "2 reports left out of the panel" in html and "http://mirror.example/bt.html" in html


def test_indicator_and_year_options(demo) -> None:
    html = render_report(load_run(demo), indicator="t3.new_received.total", year=2020)
    assert "t3.new_received.total by year" in html
    assert "t3.new_received.total across regions, 2020" in html


def test_write_is_deterministic_and_cli(demo, tmp_path, capsys) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    write_report(demo, a)
    assert main(["report", "--in", str(demo), "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert "plots of requests.received (year 2017)" in capsys.readouterr().err
    assert main(["report", "--in", str(demo), "--out", str(b), "--indicator", "nope"]) == 2
    assert main(["report", "--in", str(tmp_path / "missing")]) == 2


def test_empty_run_still_renders(tmp_path) -> None:
    out = tmp_path / "o"
    RunWriter(out).close()
    html = render_report(load_run(out))
    assert "nothing to plot" in html and "No reports." in html


def test_svg_helpers() -> None:
    assert nice_ticks(0, 90) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 81)[-1] >= 81 and nice_ticks(3, 3)[0] <= 3
    svg = line_chart({"<a&b>": [(2017, 1.0), (2018, 2.0)]}, title="t<")
    assert "&lt;a&amp;b&gt;" in svg and "<polyline" in svg and "t&lt;" in svg
    assert "no values" in distribution([], title="x")
    svg = distribution([("甲", 1.0), ("乙", 1.0), ("丙", 9.0)], title="d")
    assert svg.count("<circle") == 3 and "<rect" in svg


# --- headless Chromium: the page renders, with its plots -------------------------------------

def _chromium(tmp_path: Path, url: str, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--window-size=1200,1600", *extra, url,
    ]
    return subprocess.run(cmd, capture_output=True, timeout=120, check=False)


def _png_pixels(path: Path) -> tuple[int, int, int, bytes]:
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes): width, height, bytes per pixel, pixels."""
    import numpy as np

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", data[pos + 8:pos + 8 + n])
        elif kind == b"IDAT":
            idat.append(data[pos + 8:pos + 8 + n])
        pos += 12 + n
    width, height, depth, ctype = ihdr[:4]
    assert depth == 8 and ctype in (2, 6), f"unexpected PNG format {ihdr}"
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], np.zeros(stride, dtype=np.int32)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int32)
        if f == 0:
            cur = line
        elif f == 1:
            cur = line.reshape(-1, bpp).cumsum(axis=0).reshape(-1) % 256
        elif f == 2:
            cur = (line + prev) % 256
        else:  # average / Paeth: sequential within the row
            cur, p = line.tolist(), prev.tolist()
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                if f == 3:
                    cur[i] = (cur[i] + ((a + p[i]) >> 1)) & 255
                else:
                    b, c = p[i], (p[i - bpp] if i >= bpp else 0)
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            cur = np.array(cur, dtype=np.int32)
        rows.append(cur.astype(np.uint8))
        prev = cur
    return width, height, bpp, np.concatenate(rows).tobytes()


def _count_color(pixels: bytes, bpp: int, rgb: bytes) -> int:
    import numpy as np

    px = np.frombuffer(pixels, np.uint8).reshape(-1, bpp)[:, :3]
    return int(np.all(px == np.frombuffer(rgb, np.uint8), axis=1).sum())


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium; .ci/run does it)")
def test_report_renders_in_headless_chromium(demo, tmp_path) -> None:
    page = tmp_path / "report.html"
    write_report(demo, page)
    url = page.resolve().as_uri()

    png = tmp_path / "report.png"
    res = _chromium(tmp_path, url, f"--screenshot={png}")
    assert png.is_file(), f"no screenshot: {res.stderr.decode(errors='replace')[-2000:]}"
    assert png.stat().st_size > 20_000, "screenshot suspiciously small (blank page?)"
    width, height, bpp, pixels = _png_pixels(png)
    assert (width, height) == (1200, 1600)
    assert len(set(pixels)) > 50, "screenshot is (nearly) one colour"
    assert _count_color(pixels, bpp, LINE_RGB) > 100, "line chart not drawn"
    assert _count_color(pixels, bpp, BAR_RGB) > 1000, "histogram not drawn"

    res = _chromium(tmp_path, url, "--dump-dom")
    dom = res.stdout.decode("utf-8", errors="replace")
    assert dom.count('class="plot"') == 2, "SVG plots missing from the rendered DOM"
    assert "<polyline" in dom and "<circle" in dom and "<rect" in dom
    assert "<script" not in dom.lower()
    assert "包头市" in dom
