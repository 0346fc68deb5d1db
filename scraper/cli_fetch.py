"""``xxgk fetch``, ``xxgk discover`` and ``xxgk update``: the network side of the CLI.

Only the argument parsers live here (they import nothing heavy, so ``xxgk --help`` starts
fast); the commands themselves are in ``scraper.fetch_commands``, imported when one runs.
Every command ends with one summary line on stderr and a documented exit code
(0 ok, 1 some URLs failed, 2 usage/config, 3 archive/write fatal, 4 locked).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from scraper.defaults import (
    DEFAULT_ARCHIVE_DIR,
    DEFAULT_DELAY_S,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_PAGES,
    DEFAULT_OUT_DIR,
    DEFAULT_PER_HOST,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_S,
)

__all__ = ["add_commands", "main"]


def _lazy(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from scraper import fetch_commands

        return int(getattr(fetch_commands, name)(args))

    run.__name__ = name
    return run


cmd_fetch, cmd_discover, cmd_update = _lazy("cmd_fetch"), _lazy("cmd_discover"), _lazy("cmd_update")


def add_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``fetch``, ``discover`` and ``update`` on the ``xxgk`` argparse CLI."""
    fetch = subparsers.add_parser(
        "fetch",
        help="fetch URLs politely into the WARC archive (no parsing)",
        description="Fetch pages (and the PDF/DOC/XLS they link) into WARC files plus catalogue.sqlite. "
        "Unchanged pages are not stored again (conditional GET, sha256).",
        epilog="Example: xxgk fetch --urls report_urls.txt --archive output/archive/ --delay 2",
    )
    fetch.add_argument("urls", nargs="*", metavar="URL")
    fetch.add_argument(
        "--urls", dest="urls_file", metavar="FILE", help="file with one URL per line (# comments)"
    )
    fetch.add_argument(
        "--archive",
        default=str(DEFAULT_ARCHIVE_DIR),
        metavar="DIR",
        help="archive folder (default output/archive/)",
    )
    fetch.add_argument("--source", default="cli", help="label stored in the catalogue's source column")
    fetch.add_argument("--no-attachments", action="store_true", help="do not follow PDF/DOC/XLS links")
    fetch.add_argument("--skip-known", action="store_true", help="do not re-request URLs already archived")
    _network_options(fetch)
    fetch.set_defaults(func=cmd_fetch)

    disc = subparsers.add_parser(
        "discover",
        help="print annual-report URLs found on listing pages",
        description="Read listing pages (with pagination) and print the URLs whose titles look like "
        "政府信息公开工作年度报告, one per line.",
        epilog="Example: xxgk discover http://www.example.gov.cn/xxgk/ndbg/index.html --pages 5 > urls.txt",
    )
    disc.add_argument("listings", nargs="+", metavar="LISTING_URL")
    disc.add_argument(
        "--pages",
        type=int,
        default=DEFAULT_MAX_PAGES,
        metavar="N",
        help=f"listing pages to read per listing (default {DEFAULT_MAX_PAGES})",
    )
    disc.add_argument("--titles", action="store_true", help="print URL<TAB>title")
    _network_options(disc)
    disc.set_defaults(func=cmd_discover)

    upd = subparsers.add_parser(
        "update",
        help="cron run: discover, fetch new pages, parse, rewrite outputs",
        description="Run every source of sources.toml: discover → fetch new → parse the archive → rewrite "
        "the tables. A lock keeps runs apart (exit 4). See docs/fetching.md.",
        epilog="Example: xxgk update --config sources.toml --archive output/archive/ --out output/",
    )
    upd.add_argument("--config", required=True, metavar="FILE", help="sources.toml")
    upd.add_argument(
        "--archive",
        default=str(DEFAULT_ARCHIVE_DIR),
        metavar="DIR",
        help="archive folder (default output/archive/)",
    )
    upd.add_argument(
        "--out",
        default=str(DEFAULT_OUT_DIR),
        metavar="DIR",
        help="output folder for the tables (default output/)",
    )
    upd.add_argument("--log", metavar="FILE", help="log file (default ARCHIVE/update.log)")
    upd.add_argument("--reparse", action="store_true", help="parse even when nothing new was stored")
    upd.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="parser worker processes")
    upd.add_argument(
        "--allow-private", action="store_true", help="allow loopback/private addresses (testing only)"
    )
    upd.set_defaults(func=cmd_update)


def _network_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--delay",
        type=float,
        default=DEFAULT_DELAY_S,
        metavar="SECONDS",
        help=f"minimum interval between requests to one host (default {DEFAULT_DELAY_S})",
    )
    parser.add_argument(
        "--per-host",
        type=int,
        default=DEFAULT_PER_HOST,
        metavar="N",
        help=f"parallel requests per host (default {DEFAULT_PER_HOST})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"connect/read timeout (default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=DEFAULT_RETRIES,
        metavar="N",
        help=f"retries on timeouts, connection errors, 429, 5xx (default {DEFAULT_RETRIES})",
    )
    parser.add_argument(
        "--max-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES, metavar="N", help="largest body accepted"
    )
    parser.add_argument("--user-agent", default=None, help="User-Agent (default names xxgk; add a contact)")
    parser.add_argument(
        "--allow-private", action="store_true", help="allow loopback/private/link-local hosts (testing only)"
    )




def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry point (``python -m scraper.cli_fetch``) with just these commands."""
    parser = argparse.ArgumentParser(prog="xxgk")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
