"""The ``fetch``, ``discover`` and ``update`` commands (parsers in ``scraper.cli_fetch``).

Thin by design: flags become a FetchConfig, the work happens in ``update``/``discover``, and
every command ends with one summary line on stderr and a documented exit code
(0 ok, 1 some URLs failed, 2 usage/config, 3 archive/write fatal, 4 locked).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path

from scraper.archive import Archive
from scraper.discover import discover
from scraper.errors import ArchiveError, ConfigError, LockedError, WriteError
from scraper.fetch import (
    FetchConfig,
    Fetcher,
)
from scraper.netguard import UrlGuard
from scraper.update import (
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

__all__ = ["cmd_discover", "cmd_fetch", "cmd_update", "fetch_config"]


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


