"""``xxgk fetch``, ``xxgk discover`` and ``xxgk update``: the network side of the CLI.

Thin by design: flags become a FetchConfig, the work happens in ``update``/``discover``, and
every command ends with one summary line on stderr and a documented exit code
(0 ok, 1 some URLs failed, 2 usage/config, 3 archive/write fatal, 4 locked).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from scraper.archive import Archive
from scraper.discover import DEFAULT_MAX_PAGES, discover
from scraper.errors import ArchiveError, ConfigError, LockedError, WriteError
from scraper.fetch import (
    DEFAULT_DELAY_S,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_PER_HOST,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_S,
    FetchConfig,
    Fetcher,
)
from scraper.netguard import UrlGuard
from scraper.update import (
    DEFAULT_ARCHIVE_DIR,
    DEFAULT_OUT_DIR,
    EXIT_ARCHIVE,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    archive_lock,
    harvest,
    load_sources,
    run_update,
)

__all__ = ["add_commands", "main"]


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


def fetch_config(args: argparse.Namespace) -> FetchConfig:
    """Flags → FetchConfig; negative numbers are usage errors."""
    for name in ("delay", "per_host", "timeout", "retries", "max_bytes"):
        if getattr(args, name) < 0 or (
            name in ("per_host", "timeout", "max_bytes") and getattr(args, name) == 0
        ):
            raise ConfigError(f"--{name.replace('_', '-')} must be positive")
    config = FetchConfig(
        delay_s=args.delay,
        per_host=args.per_host,
        timeout_s=args.timeout,
        retries=args.retries,
        max_body_bytes=args.max_bytes,
        guard=UrlGuard(allow_private=args.allow_private),
    )
    return replace(config, user_agent=args.user_agent) if args.user_agent else config


def _read_urls(args: argparse.Namespace) -> list[str]:
    urls = list(args.urls)
    if args.urls_file:
        try:
            text = Path(args.urls_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read URL list: {exc}", location=args.urls_file) from exc
        urls.extend(
            line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
        )
    if not urls:
        raise ConfigError("give URLs or --urls FILE")
    return urls


def _guarded(run: object) -> int:
    """Map fatal errors to exit codes and one stderr line (the main CLI does the same)."""
    try:
        return int(run())  # type: ignore[operator]
    except ConfigError as exc:
        print(f"xxgk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LockedError as exc:
        print(f"xxgk: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (ArchiveError, WriteError) as exc:
        print(f"xxgk: {exc}", file=sys.stderr)
        return EXIT_ARCHIVE


def cmd_fetch(args: argparse.Namespace) -> int:
    def run() -> int:
        urls = _read_urls(args)
        config = fetch_config(args)
        archive_dir = Path(args.archive)
        with archive_lock(archive_dir), Archive(archive_dir) as archive:
            stats = asyncio.run(_fetch(urls, archive, config, args))
        print(f"fetch: {stats.line()} → {archive_dir}", file=sys.stderr)
        return EXIT_FAILED if stats.failures else EXIT_OK

    return _guarded(run)


async def _fetch(urls: list[str], archive: Archive, config: FetchConfig, args: argparse.Namespace):  # noqa: ANN202
    async with Fetcher(config) as fetcher:
        return await harvest(
            urls,
            archive,
            fetcher,
            source=args.source,
            attachments=not args.no_attachments,
            skip_known=args.skip_known,
        )


def cmd_discover(args: argparse.Namespace) -> int:
    def run() -> int:
        if args.pages < 1:
            raise ConfigError("--pages must be at least 1")
        config = fetch_config(args)
        failed = asyncio.run(_discover(args, config))
        return EXIT_FAILED if failed else EXIT_OK

    return _guarded(run)


async def _discover(args: argparse.Namespace, config: FetchConfig) -> int:
    failed = found = pages = 0
    async with Fetcher(config) as fetcher:
        for listing in args.listings:
            result = await discover(fetcher, listing, max_pages=args.pages)
            pages += len(result.pages)
            for link in result.reports:
                found += 1
                print(f"{link.url}\t{link.title}" if args.titles else link.url, flush=True)
            for page, reason in result.errors:
                failed += 1
                print(f"xxgk: {page}: {reason}", file=sys.stderr)
    print(f"discover: {found} report links on {pages} listing pages, {failed} pages failed", file=sys.stderr)
    return failed


def cmd_update(args: argparse.Namespace) -> int:
    def run() -> int:
        base = FetchConfig(guard=UrlGuard(allow_private=args.allow_private))
        config = load_sources(Path(args.config), base)
        summary = run_update(
            config,
            Path(args.archive),
            Path(args.out),
            log_file=Path(args.log) if args.log else None,
            reparse=args.reparse,
            jobs=args.jobs,
        )
        print(summary.line(), file=sys.stderr)
        return summary.exit_code

    return _guarded(run)


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry (``python -m scraper.cli_fetch fetch …``) while the main CLI grows."""
    parser = argparse.ArgumentParser(prog="xxgk")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="xxgk: %(message)s")
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
