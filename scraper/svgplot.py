"""Two small hand-written SVG plots for ``xxgk report`` (no plotting library, no network assets).

* ``line_chart``: one line per series (a region) over years.
* ``distribution``: a histogram of one value per region, with every region as a dot beneath
  (hover shows its name and value), so a reader sees the spread and the outliers.

Every piece of text is XML-escaped: region names come from web pages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["PALETTE", "distribution", "line_chart", "nice_ticks"]

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
)
_FONT = 'font-family="Noto Sans CJK SC, Noto Sans SC, WenQuanYi Micro Hei, sans-serif"'


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (1, 2, 5 × 10^k steps)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < hi:
        ticks.append(round(start + len(ticks) * step, 10))
    return ticks


def _fmt(v: float) -> str:
    if abs(v) >= 1e4 and float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:g}"


def _svg(width: int, height: int, body: list[str], title: str, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" role="img" aria-label="{escape(label)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {_FONT} font-size="12">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        + "".join(body)
        + "</svg>"
    )


def _empty(width: int, height: int, title: str, message: str) -> str:
    body = [f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#666">{escape(message)}</text>']
    return _svg(width, height, body, title, title)


def line_chart(series: Mapping[str, Sequence[tuple[int, float]]], *, title: str, y_label: str = "",
               width: int = 820, height: int = 380) -> str:
    """One line per series over integer years; a legend on the right."""
    points = [(x, y) for pts in series.values() for x, y in pts]
    if not points:
        return _empty(width, height, title, "no values to plot")
    left, right, top, bottom = 64, 190, 34, 40
    pw, ph = width - left - right, height - top - bottom
    xs = sorted({x for x, _ in points})
    x0, x1 = xs[0], xs[-1]
    yt = nice_ticks(min(0.0, min(y for _, y in points)), max(y for _, y in points))
    y0, y1 = yt[0], yt[-1]

    def px(x: float) -> float:
        return left + (pw / 2 if x1 == x0 else (x - x0) / (x1 - x0) * pw)

    def py(y: float) -> float:
        return top + ph - (y - y0) / ((y1 - y0) or 1) * ph

    body = [f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    for t in yt:
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{py(t):.1f}" y2="{py(t):.1f}" stroke="#e5e5e5"/>')
        body.append(f'<text x="{left - 6}" y="{py(t) + 4:.1f}" text-anchor="end" fill="#444">{_fmt(t)}</text>')
    step = max(1, math.ceil(len(xs) / 12))
    for x in xs[::step]:
        body.append(f'<text x="{px(x):.1f}" y="{top + ph + 18}" text-anchor="middle" fill="#444">{x}</text>')
    body.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#444"/>')
    if y_label:
        body.append(f'<text x="14" y="{top + ph / 2}" transform="rotate(-90 14 {top + ph / 2})" '
                    f'text-anchor="middle" fill="#444">{escape(y_label)}</text>')
    for i, (name, pts) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        pts = sorted(pts)
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        body.append(f'<g class="series" data-name="{escape(name)}">')
        if len(pts) > 1:
            body.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in pts:
            body.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{color}">'
                        f"<title>{escape(name)} {x}: {_fmt(y)}</title></circle>")
        ly = top + 8 + i * 18
        if ly < height - 10:
            body.append(f'<rect x="{left + pw + 16}" y="{ly - 9}" width="12" height="12" fill="{color}"/>')
            body.append(f'<text x="{left + pw + 34}" y="{ly + 1}">{escape(_short(name, 14))}</text>')
        body.append("</g>")
    return _svg(width, height, body, title, title)


def distribution(values: Sequence[tuple[str, float]], *, title: str, x_label: str = "",
                 width: int = 820, height: int = 340) -> str:
    """Histogram of the values, and one dot per region on a strip beneath it."""
    if not values:
        return _empty(width, height, title, "no values to plot")
    left, right, top, bottom = 64, 30, 34, 92
    pw, ph = width - left - right, height - top - bottom
    nums = [v for _, v in values]
    xt = nice_ticks(min(0.0, min(nums)), max(nums), 6)
    x0, x1 = xt[0], xt[-1]
    bins = 2 * (len(xt) - 1)  # two bins per tick interval: bin edges fall on round numbers
    width_bin = (x1 - x0) / bins or 1.0
    counts = [0] * bins
    for v in nums:
        counts[min(bins - 1, int((v - x0) / width_bin))] += 1
    yt = nice_ticks(0, max(counts), min(5, max(counts)) or 1)
    ymax = yt[-1] or 1

    def px(x: float) -> float:
        return left + (x - x0) / ((x1 - x0) or 1) * pw

    body = [f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    for t in yt:
        y = top + ph - t / ymax * ph
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#444">{_fmt(t)}</text>')
    body.append('<g class="bars">')
    for i, c in enumerate(counts):
        if not c:
            continue
        bx, bw = px(x0 + i * width_bin), pw / bins
        bh = c / ymax * ph
        lo_edge, hi_edge = x0 + i * width_bin, x0 + (i + 1) * width_bin
        body.append(f'<rect x="{bx + 1:.1f}" y="{top + ph - bh:.1f}" width="{bw - 2:.1f}" height="{bh:.1f}" '
                    f'fill="#4c78a8"><title>{_fmt(lo_edge)}–{_fmt(hi_edge)}: {c}</title></rect>')
    body.append("</g>")
    base = top + ph
    body.append(f'<line x1="{left}" x2="{left + pw}" y1="{base}" y2="{base}" stroke="#444"/>')
    for t in xt:
        body.append(f'<text x="{px(t):.1f}" y="{base + 16}" text-anchor="middle" fill="#444">{_fmt(t)}</text>')
    strip = base + 44
    body.append(f'<text x="{left - 6}" y="{strip + 4}" text-anchor="end" fill="#444">regions</text>')
    body.append(f'<line x1="{left}" x2="{left + pw}" y1="{strip}" y2="{strip}" stroke="#ccc"/>')
    opacity = max(0.15, min(0.75, 40 / len(values)))  # many regions: lighter dots show density
    body.append('<g class="dots">')
    for i, (name, v) in enumerate(values):
        jitter = ((i * 7) % 11 - 5) * 2.2  # deterministic spread so equal values stay visible
        body.append(f'<circle cx="{px(v):.1f}" cy="{strip + jitter:.1f}" r="4" fill="#e45756" '
                    f'fill-opacity="{opacity:.2f}">'
                    f"<title>{escape(name)}: {_fmt(v)}</title></circle>")
    body.append("</g>")
    if x_label:
        body.append(f'<text x="{left + pw / 2}" y="{height - 8}" text-anchor="middle" fill="#444">{escape(x_label)}</text>')
    return _svg(width, height, body, title, title)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
