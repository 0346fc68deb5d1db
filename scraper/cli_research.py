"""``xxgk panel`` and ``xxgk report``: commands for the people who use the output.

Both read a finished run's tables (``--in``, default ``output/``) and never touch the pages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_commands"]


def _cmd_panel(args: argparse.Namespace) -> int:
    from .panel import run_panel

    out = Path(args.out) if args.out else Path(args.in_dir)
    panel, paths = run_panel(Path(args.in_dir), out)
    n_dropped = panel.conflicts["dropped_report_id"].nunique() if len(panel.conflicts) else 0
    print(
        f"panel: {len(panel.table)} rows × {len(panel.indicator_columns)} indicators; "
        f"{n_dropped} duplicate reports left out (see {out / 'panel_conflicts.csv'}) → "
        + ", ".join(str(p) for p in paths),
        file=sys.stderr,
    )
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .htmlreport import write_report

    in_dir = Path(args.in_dir)
    out = Path(args.out) if args.out else in_dir / "report.html"
    info = write_report(in_dir, out, indicator=args.indicator, year=args.year, max_regions=args.regions)
    print(f"report: {info} → {out}", file=sys.stderr)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``panel`` and ``report`` on the ``xxgk`` sub-command parser."""
    sp = sub.add_parser(
        "panel",
        help="wide table: one row per (region, publisher, report_year), one column per indicator",
        description="Build panel.parquet, panel.csv and panel_conflicts.csv from reports.parquet and "
        "indicators.parquet. Same (region, publisher, report_year) from several reports: the one with "
        "the most values is kept, then fewest failed checks, then smallest report_id; the others are "
        "listed in panel_conflicts.csv with the values that differ.",
        epilog="Example: xxgk panel --in output/ --out output/",
    )
    sp.add_argument("--in", dest="in_dir", default="output", metavar="DIR",
                    help="folder with reports.parquet and indicators.parquet (default: output/)")
    sp.add_argument("--out", "-o", default=None, metavar="DIR", help="output folder (default: the --in folder)")
    sp.set_defaults(func=_cmd_panel)

    sr = sub.add_parser(
        "report",
        help="one self-contained HTML page summarising a run, with plots",
        description="Write one HTML file (no network assets, inline SVG plots): pages read and failed, "
        "templates and years covered, failed checks by report, spam removed, an indicator across years "
        "per region and across regions for one year.",
        epilog="Example: xxgk report --in output/ --out report.html --indicator requests.received --year 2017",
    )
    sr.add_argument("--in", dest="in_dir", default="output", metavar="DIR",
                    help="folder of a parse run (default: output/)")
    sr.add_argument("--out", "-o", default=None, metavar="FILE", help="HTML file (default: <--in>/report.html)")
    sr.add_argument("--indicator", metavar="ID",
                    help="indicator id (or panel column) to plot (default: the one most reports have)")
    sr.add_argument("--year", type=int, metavar="YEAR",
                    help="year of the across-regions plot (default: the year with most values)")
    sr.add_argument("--regions", type=int, default=12, metavar="N",
                    help="regions drawn in the line chart, those with most years first (default 12)")
    sr.set_defaults(func=_cmd_report)
