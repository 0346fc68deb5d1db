"""``xxgk report``: one self-contained HTML page summarising a parse run.

For the person who just ran ``xxgk parse`` and wants to know, before any analysis, what was read
and whether to trust it: pages read / skipped / failed and why, templates and years covered,
failed checks by report, spam removed, warnings, and two plots of one indicator (across years per
region, across regions for one year). Plots are inline SVG (``svgplot.py``); the page loads
nothing from the network and carries no timestamp, so the same run gives the same file.
Every page-derived string is HTML-escaped: titles can hold injected spam or markup.
"""

from __future__ import annotations

import csv
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, WriteError
from .panel import DUPLICATE_RULE, Panel, _isna, _to_pandas, build_panel, load_tables
from .schema import SCHEMA_VERSION
from .svgplot import distribution, line_chart

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RunData", "choose_indicator", "choose_year", "load_run", "render_report", "write_report"]

_REPORT_COLS = [
    "report_id", "source", "title", "region", "report_year", "template", "publisher", "encoding",
    "encoding_source", "script", "spam_links_removed", "n_values", "warnings", "n_checks_failed",
]
_SKIP_ERRORS = {"NotAReport", "DuplicateReport"}
MAX_LIST_ROWS = 300  # long lists are cut (the CSV files hold everything)


@dataclass(frozen=True, slots=True)
class RunData:
    in_dir: Path
    reports: pd.DataFrame
    checks: pd.DataFrame
    errors: list[dict[str, str]]
    panel: Panel


def _unneutralize(text: str) -> str:
    """Undo the CSV formula guard for display (``'-`` → ``-``)."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def _read_errors(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k: _unneutralize(v or "") for k, v in row.items()} for row in csv.DictReader(fh)]


def load_run(in_dir: Path) -> RunData:
    """Everything the report needs from a run's output folder."""
    import pandas as pd
    import pyarrow.parquet as pq

    in_dir = Path(in_dir)
    reports_i, indicators, version = load_tables(in_dir)
    reports = _to_pandas(pq.read_table(in_dir / "reports.parquet", columns=_REPORT_COLS))
    checks_path = in_dir / "checks.parquet"
    if checks_path.is_file():
        checks = _to_pandas(pq.read_table(checks_path, columns=["report_id", "check", "ok", "detail"]))
    else:
        checks = pd.DataFrame(columns=["report_id", "check", "ok", "detail"])
    panel = build_panel(reports_i, indicators, version)
    return RunData(in_dir, reports, checks, _read_errors(in_dir / "errors.csv"), panel)


def choose_indicator(panel: Panel, wanted: str | None) -> str | None:
    """The panel column to plot: ``wanted`` (an id or a panel column), else the one most rows have."""
    cols = panel.indicator_columns
    if wanted:
        if wanted in cols:
            return wanted
        variants = [c for c in cols if c.startswith(wanted + "[")]
        if variants:
            return variants[0]
        common = ", ".join(_most_common(panel, 5))
        raise ConfigError(f"indicator {wanted!r} has no values in this run; most common: {common or 'none'}")
    best = _most_common(panel, 1)
    return best[0] if best else None


def _most_common(panel: Panel, n: int) -> list[str]:
    cols = panel.indicator_columns
    if not cols:
        return []
    counts = panel.table[cols].notna().sum()
    ranked = sorted(cols, key=lambda c: (-int(counts[c]), cols.index(c)))
    return [c for c in ranked[:n] if counts[c] > 0]


def choose_year(panel: Panel, column: str | None, wanted: int | None) -> int | None:
    """The year of the across-regions plot: ``wanted``, else the one with most values (latest on ties)."""
    if wanted is not None or column is None:
        return wanted
    t = panel.table
    years = t.loc[t[column].notna() & t["report_year"].notna(), "report_year"].astype(int)
    if years.empty:
        return None
    counts = Counter(years.tolist())
    return max(counts, key=lambda y: (counts[y], y))


def _series_names(t: pd.DataFrame) -> list[str]:
    """Region, plus the publisher where one region has reports from several publishers."""
    pubs: dict[Any, set] = defaultdict(set)
    for r, p in zip(t["region"], t["publisher"]):
        pubs[r].add(p)
    names = []
    for r, p in zip(t["region"], t["publisher"]):
        name = "(region unknown)" if _isna(r) else str(r)
        if len(pubs[r]) > 1 and not _isna(p):
            name += f" · {p}"
        names.append(name)
    return names


def plot_data(panel: Panel, column: str, year: int | None, max_series: int
              ) -> tuple[dict[str, list[tuple[int, float]]], int, list[tuple[str, float]]]:
    """(series drawn, series left out, per-region values of ``year``)."""
    t = panel.table
    names = _series_names(t)
    series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for name, y, v in zip(names, t["report_year"], t[column]):
        if not _isna(y) and not _isna(v):
            series[name].append((int(y), float(v)))
    ranked = sorted(series, key=lambda n: (-len(series[n]), n))
    drawn = {n: sorted(series[n]) for n in ranked[:max_series]}
    one_year = sorted(
        ((n, float(v)) for n, y, v in zip(names, t["report_year"], t[column])
         if not _isna(y) and year is not None and int(y) == year and not _isna(v)),
        key=lambda nv: (nv[1], nv[0]),
    )
    return drawn, len(ranked) - len(drawn), one_year


# --- HTML -------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","WenQuanYi Micro Hei",system-ui,sans-serif;
margin:24px auto;max-width:1100px;color:#222;line-height:1.45;padding:0 16px}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd}
.meta{color:#666;font-size:13px}.cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:22px}.card.bad b{color:#c0392b}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top;white-space:pre-line}
th{background:#f5f5f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
.small{font-size:12px;color:#555}code{background:#f3f3f3;padding:0 3px}
svg.plot{display:block;margin:12px 0;border:1px solid #eee}
"""


def _td(value: Any, numeric: bool = False) -> str:
    if _isna(value):
        text = ""
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    cls = ' class="n"' if numeric else ""
    return f"<td{cls}>{escape(text)}</td>"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for i, r in enumerate(rows):
        if i >= MAX_LIST_ROWS:
            body.append(f'<tr><td colspan="{len(header)}" class="small">… more rows in the CSV files</td></tr>')
            break
        body.append("<tr>" + "".join(_td(v, j in numeric) for j, v in enumerate(r)) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _card(label: str, value: Any, bad: bool = False) -> str:
    cls = "card bad" if bad and value else "card"
    return f'<div class="{cls}"><b>{escape(str(value))}</b>{escape(label)}</div>'


def _section(ident: str, title: str, *parts: str) -> str:
    return f'<section id="{ident}"><h2>{escape(title)}</h2>{"".join(parts)}</section>'


def _p(text: str, cls: str = "") -> str:
    return f'<p class="{cls}">{escape(text)}</p>' if cls else f"<p>{escape(text)}</p>"


def render_report(run: RunData, *, indicator: str | None = None, year: int | None = None,
                  max_regions: int = 12) -> str:
    """The whole HTML page as a string."""
    reps, checks, errors, panel = run.reports, run.checks, run.errors, run.panel
    skipped = [e for e in errors if e.get("error") in _SKIP_ERRORS]
    failed = [e for e in errors if e.get("error") not in _SKIP_ERRORS]
    n_failed_checks = int((checks["ok"] == False).sum()) if len(checks) else 0  # noqa: E712 - nullable bool
    spam_total = int(reps["spam_links_removed"].fillna(0).sum()) if len(reps) else 0
    column = choose_indicator(panel, indicator)
    year = choose_year(panel, column, year)

    cards = "".join([
        _card("pages", len(reps) + len(errors)),
        _card("reports read", len(reps)),
        _card("skipped", len(skipped)),
        _card("failed", len(failed), bad=True),
        _card("values", int(reps["n_values"].fillna(0).sum()) if len(reps) else 0),
        _card("failed checks", n_failed_checks, bad=True),
        _card("spam links removed", spam_total),
        _card("panel rows", len(panel.table)),
    ])
    head = (
        "<h1>xxgk run report</h1>"
        + _p(f"from {run.in_dir} · parser {panel.parser_version or '?'} · schema {SCHEMA_VERSION}", "meta")
        + f'<div class="cards">{cards}</div>'
    )
    parts = [
        head,
        _plots_section(panel, column, year, max_regions),
        _pages_section(skipped, failed),
        _duplicates_section(panel),
        _coverage_section(reps),
        _checks_section(reps, checks),
        _spam_section(reps),
        _warnings_section(reps),
    ]
    title = "xxgk run report"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        + "".join(parts)
        + "</body></html>\n"
    )


def _plots_section(panel: Panel, column: str | None, year: int | None, max_regions: int) -> str:
    if column is None:
        return _section("plots", "Plots", _p("No indicator values in this run, so nothing to plot."))
    desc = panel.descriptions.get(column, "")
    drawn, left_out, one_year = plot_data(panel, column, year, max_regions)
    chart = line_chart(drawn, title=f"{column} by year", y_label=column)
    note = _p(f"{left_out} more regions not drawn (use --regions N).", "small") if left_out else ""
    dist = distribution(one_year, title=f"{column} across regions, {year}", x_label=column)
    table_rows = [(name, y, v) for name, pts in drawn.items() for y, v in pts]
    values = (
        "<details><summary>values plotted</summary>"
        + _table(["region", "report_year", column], table_rows, numeric=(1, 2))
        + "</details>"
    )
    return _section(
        "plots", "Plots",
        _p(f"Indicator {column}: {desc}"),
        _p("One value per panel row (region, publisher, year); duplicates resolved by the panel's rule. "
           + DUPLICATE_RULE, "small"),
        chart, note, dist, values,
    )


def _pages_section(skipped: list[dict[str, str]], failed: list[dict[str, str]]) -> str:
    by_reason = Counter((e.get("stage", ""), e.get("error", "")) for e in failed + skipped)
    summary = _table(["stage", "error", "pages"], [(s, e, n) for (s, e), n in sorted(by_reason.items())],
                     numeric=(2,))
    cols = ["source", "stage", "error", "message"]
    parts = [_p(f"{len(failed)} pages failed, {len(skipped)} skipped (not a report, or a duplicate).")]
    if by_reason:
        parts.append(summary)
    if failed:
        parts += ["<h3>Failed</h3>", _table(cols, ([e.get(c, "") for c in cols] for e in failed))]
    if skipped:
        parts += ["<h3>Skipped</h3>", _table(cols, ([e.get(c, "") for c in cols] for e in skipped))]
    return _section("pages", "Pages not read", *parts)


def _duplicates_section(panel: Panel) -> str:
    c = panel.conflicts
    if not len(c):
        return _section("duplicates", "Duplicate reports", _p("No two reports share (region, publisher, year)."))
    first = c.drop_duplicates("dropped_report_id")
    n_diff = c.groupby("dropped_report_id")["indicator"].count()
    rows = [(r["region"], r["report_year"], r["kept_source"], r["dropped_source"], r["reason"],
             int(n_diff.get(r["dropped_report_id"], 0))) for _, r in first.iterrows()]
    return _section(
        "duplicates", "Duplicate reports",
        _p(f"{len(first)} reports left out of the panel because another report has the same "
           "(region, publisher, year); the values that differ are in panel_conflicts.csv (xxgk panel)."),
        _table(["region", "year", "kept", "left out", "why", "values differing"], rows, numeric=(1, 5)),
    )


def _coverage_section(reps: pd.DataFrame) -> str:
    if not len(reps):
        return _section("coverage", "Templates and years", _p("No reports."))
    years = sorted({int(y) for y in reps["report_year"] if not _isna(y)})
    cols = [*years, "unknown"]
    counts: Counter = Counter()
    for tpl, y in zip(reps["template"], reps["report_year"]):
        counts[(tpl, "unknown" if _isna(y) else int(y))] += 1
    templates = sorted({t for t, _ in counts})
    rows = [[t, *[counts.get((t, y), "") for y in cols], sum(counts[(t, y)] for y in cols)] for t in templates]
    rows.append(["all", *[sum(counts[(t, y)] for t in templates) or "" for y in cols], len(reps)])
    regions = reps["region"].dropna().nunique()
    enc = Counter(f"{e} ({s})" for e, s in zip(reps["encoding"], reps["encoding_source"]))
    enc_rows = [(k, n) for k, n in enc.most_common()]
    script = Counter(reps["script"])
    return _section(
        "coverage", "Templates and years",
        _p(f"{len(reps)} reports from {regions} regions, years {years[0]}–{years[-1]}." if years
           else f"{len(reps)} reports; no year known."),
        _table(["template", *[str(c) for c in cols], "total"], rows, numeric=tuple(range(1, len(cols) + 2))),
        _p("Encodings (and where they came from); scripts: "
           + ", ".join(f"{k} {n}" for k, n in sorted(script.items())), "small"),
        _table(["encoding (source)", "reports"], enc_rows, numeric=(1,)),
    )


def _label(row: Any) -> tuple[Any, Any, Any]:
    return row["region"], row["report_year"], row["title"]


def _checks_section(reps: pd.DataFrame, checks: pd.DataFrame) -> str:
    if not len(checks):
        return _section("checks", "Checks failed by report", _p("No checks were run."))
    failed = checks[checks["ok"] == False]  # noqa: E712 - nullable bool column
    run = Counter(checks["report_id"])
    by_report: dict[str, list[str]] = defaultdict(list)
    for rid, name, detail in zip(failed["report_id"], failed["check"], failed["detail"]):
        by_report[rid].append(f"{name}: {detail}")
    info = reps.set_index("report_id")
    rows = []
    for rid in sorted(by_report, key=lambda r: (-len(by_report[r]), r)):
        region, year, title = _label(info.loc[rid]) if rid in info.index else (None, None, None)
        rows.append((region, year, title, rid, f"{len(by_report[rid])} / {run[rid]}", "\n".join(by_report[rid])))
    names = Counter(failed["check"])
    return _section(
        "checks", "Checks failed by report",
        _p(f"{len(failed)} of {len(checks)} checks failed, in {len(by_report)} of {len(run)} reports "
           "(a failed check means printed numbers do not add up; values are never altered)."),
        _table(["check", "failed"], names.most_common(), numeric=(1,)) if names else "",
        _table(["region", "year", "title", "report_id", "failed / run", "checks"], rows, numeric=(1,))
        if rows else "",
    )


def _spam_section(reps: pd.DataFrame) -> str:
    spam = reps[reps["spam_links_removed"].fillna(0) > 0] if len(reps) else reps
    spam = spam.sort_values(["spam_links_removed", "report_id"], ascending=[False, True])
    rows = [(r["region"], r["report_year"], r["title"], r["source"], r["spam_links_removed"])
            for _, r in spam.iterrows()]
    return _section(
        "spam", "Spam removed",
        _p(f"{int(spam['spam_links_removed'].sum()) if len(spam) else 0} injected links/tokens removed "
           f"from {len(spam)} reports."),
        _table(["region", "year", "title", "source", "links removed"], rows, numeric=(1, 4)) if rows else "",
    )


def _warnings_section(reps: pd.DataFrame) -> str:
    rows, kinds = [], Counter()
    for _, r in reps.iterrows():
        lines = [w for w in str(r["warnings"] or "").splitlines() if w.strip()]
        for w in lines:
            kinds[w.split(":", 1)[0][:60]] += 1
        if lines:
            rows.append((r["region"], r["report_year"], r["source"], len(lines), "\n".join(lines[:5])))
    return _section(
        "warnings", "Warnings",
        _p(f"{len(rows)} reports have warnings."),
        _table(["warning", "count"], kinds.most_common(20), numeric=(1,)) if kinds else "",
        _table(["region", "year", "source", "warnings", "first warnings"], rows, numeric=(1, 3)) if rows else "",
    )


def write_report(in_dir: Path, out: Path, *, indicator: str | None = None, year: int | None = None,
                 max_regions: int = 12) -> str:
    """Render and write atomically; returns a one-line description."""
    run = load_run(in_dir)
    html = render_report(run, indicator=indicator, year=year, max_regions=max_regions)
    out = Path(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"cannot write {out}: {exc}", location=str(out)) from exc
    column = choose_indicator(run.panel, indicator)
    return (f"{len(run.reports)} reports, {len(run.errors)} pages not read; "
            f"plots of {column or 'nothing'} (year {choose_year(run.panel, column, year)})")
