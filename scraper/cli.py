"""The ``xxgk`` command line (also ``python -m scraper``).

Exit codes: 0 every page read (or skipped for a stated reason); 1 some pages failed, outputs
still written (see errors.csv); 2 usage or configuration error; 3 an output could not be
written; 4 another run holds the lock (``update``). No traceback reaches the user unless
``--debug`` is given.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

EXIT_OK, EXIT_PAGES_FAILED, EXIT_USAGE, EXIT_WRITE, EXIT_LOCKED = 0, 1, 2, 3, 4


def _cmd_parse(args: argparse.Namespace) -> int:
    from .errors import ConfigError
    from .pipeline import Options, parse_paths

    opts = Options(blank_as_zero=args.blank_as_zero, page_timeout=args.page_timeout, debug=args.debug)
    if args.scheduler and args.engine != "dask":
        raise ConfigError("--scheduler needs --engine dask")
    summary = parse_paths(args.paths, Path(args.out), jobs=args.jobs, quiet=args.quiet, options=opts,
                          engine=args.engine, scheduler=args.scheduler)
    rate = summary.pages / summary.elapsed_s if summary.elapsed_s > 0 else 0.0
    print(f"{summary.line()} in {summary.elapsed_s:.1f} s ({rate:,.0f} pages/s)", file=sys.stderr)
    if summary.failed or summary.skipped:
        print(f"see {Path(args.out) / 'errors.csv'} for the reason of each page not read", file=sys.stderr)
    return summary.exit_code


def _cmd_inspect(args: argparse.Namespace) -> int:
    from .inspect import inspect_page

    return inspect_page(args.page, as_json=args.json)


def _cmd_schema(args: argparse.Namespace) -> int:
    from .docs import data_dictionary

    text = data_dictionary()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


#: commands defined in this module; running one of them needs no fetch-side imports
_CORE_COMMANDS = frozenset({"parse", "inspect", "schema"})


def build_parser(*, core_only: bool = False) -> argparse.ArgumentParser:
    """The whole CLI; ``core_only`` leaves out the fetch and research commands, whose modules
    import the network stack (httpx, asyncio, warcio: ~0.15 s) that ``xxgk parse`` never needs."""
    p = argparse.ArgumentParser(
        prog="xxgk",
        description="Turn 政府信息公开工作年度报告 pages into tidy CSV and Parquet tables.",
        epilog="Example: xxgk parse fixtures/ --out output/",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    sp = sub.add_parser(
        "parse",
        help="parse saved pages (files, folders, WARC files, the archive folder) into tables",
        description="Parse saved report pages and (re)write reports/indicators/checks (.csv + .parquet) "
        "and errors.csv into --out, atomically.",
        epilog="Example: xxgk parse saved_pages/ more/page.html --out output/ --jobs 2",
    )
    sp.add_argument("paths", nargs="+", metavar="PATH", help=".html .htm .shtml .txt files, folders (recursive), .warc(.gz)")
    sp.add_argument("--out", "-o", default="output", metavar="DIR", help="output folder (default: output/)")
    sp.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="worker processes (default: all cores)")
    sp.add_argument("--quiet", "-q", action="store_true", help="no progress display")
    sp.add_argument("--blank-as-zero", action="store_true",
                    help="read blank cells of 2019+ matrix tables as 0 (they use blanks for zero); off by default")
    sp.add_argument("--page-timeout", type=float, default=60.0, metavar="SECONDS",
                    help="per-page time limit; a slower page becomes an errors.csv row (default 60)")
    sp.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="local: a process pool on this machine (default); dask: a Dask cluster "
                    "(pip install 'xxgk[dask]'), same outputs")
    sp.add_argument("--scheduler", metavar="ADDRESS", default=None,
                    help="with --engine dask: the scheduler to use, e.g. tcp://10.0.0.5:8786 "
                    "(default: a local cluster of --jobs workers)")
    sp.set_defaults(func=_cmd_parse)

    si = sub.add_parser(
        "inspect", help="show what the parser reads from one page",
        epilog="Example: xxgk inspect fixtures/seed/baotou-2017-mirror.txt --json",
    )
    si.add_argument("page", metavar="PAGE")
    si.add_argument("--json", action="store_true", help="print JSON instead of a readable summary")
    si.set_defaults(func=_cmd_inspect)

    ss = sub.add_parser(
        "schema", help="print the data dictionary (output/README.md) generated from the schema",
        epilog="Example: xxgk schema --write output/README.md",
    )
    ss.add_argument("--write", metavar="FILE", help="write it to FILE instead of stdout")
    ss.set_defaults(func=_cmd_schema)

    if core_only:
        return p
    try:
        from .cli_fetch import add_commands
    except ImportError:  # pragma: no cover - fetch side not installed
        pass
    else:
        add_commands(sub)
    try:
        from .cli_research import add_commands as add_research_commands
    except ImportError:  # pragma: no cover - research commands not installed
        pass
    else:
        add_research_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(core_only=command in _CORE_COMMANDS)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from parsers.errors import XxgkError

    from .errors import ConfigError, LockedError, WriteError

    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("xxgk: interrupted; outputs left as they were before this run", file=sys.stderr)
        return 130
    except ConfigError as exc:
        _fail(args, exc)
        return EXIT_USAGE
    except LockedError as exc:
        _fail(args, exc)
        return EXIT_LOCKED
    except WriteError as exc:
        _fail(args, exc)
        return EXIT_WRITE
    except XxgkError as exc:
        _fail(args, exc)
        return EXIT_PAGES_FAILED
    except Exception as exc:  # noqa: BLE001 - one line for users, traceback with --debug
        if args.debug:
            raise
        print(f"xxgk: unexpected {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return EXIT_WRITE


def _fail(args: argparse.Namespace, exc: Exception) -> None:
    if args.debug:
        raise exc
    print(f"xxgk: {exc}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

