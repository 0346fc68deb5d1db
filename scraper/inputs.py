"""Turn ``PATH...`` arguments into work items: saved pages, WARC files, the archive folder.

Folders are walked recursively in sorted order, so the same inputs always give the same rows
in the same order. A path that cannot be read becomes an ``InputError`` item (one row of
``errors.csv``) instead of stopping the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .models import PageSource

__all__ = ["PAGE_SUFFIXES", "MAX_FILE_BYTES", "Task", "iter_tasks", "read_task"]

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".txt", ".xhtml", ".jsp", ".asp", ".aspx", ".php")
WARC_SUFFIXES = (".warc", ".warc.gz")
MAX_FILE_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Task:
    """One page to parse: a file path (read in the worker) or a ready ``PageSource``."""

    location: str
    path: str | None = None
    source: PageSource | None = None
    error: InputError | None = None


def _is_page(p: Path) -> bool:
    return p.name.lower().endswith(PAGE_SUFFIXES) and not p.name.startswith(".")


def _is_warc(p: Path) -> bool:
    return p.name.lower().endswith(WARC_SUFFIXES)


def _walk(folder: Path) -> Iterator[Path]:
    """Sorted recursive walk that reports unreadable sub-folders instead of skipping them."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(f"cannot read folder: {exc.strerror or exc}", location=str(folder)) from exc
    for e in entries:
        p = Path(e.path)
        if e.is_dir(follow_symlinks=False) or e.is_file():
            yield p


def _from_records(p: Path, reader_name: str) -> Iterator[Task]:
    """Tasks from a WARC file or the archive folder; a broken record ends that input with an
    ``InputError`` row (the pages read before it are kept)."""
    from . import warcread

    try:
        for src in getattr(warcread, reader_name)(p):
            yield Task(src.location, source=src)
    except InputError as exc:
        yield Task(exc.location or str(p), error=exc)


def _from_warc(p: Path) -> Iterator[Task]:
    return _from_records(p, "iter_warc_sources")


def _from_archive(p: Path) -> Iterator[Task]:
    return _from_records(p, "iter_archive_sources")


def iter_tasks(paths: Sequence[str | Path]) -> Iterator[Task]:
    """Every page under ``paths``, in a deterministic order."""
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            yield Task(str(p), error=InputError("no such file or folder", location=str(p)))
        elif p.is_dir():
            yield from _iter_folder(p)
        elif _is_warc(p):
            yield from _from_warc(p)
        else:
            yield Task(str(p), path=str(p))


def _iter_folder(folder: Path) -> Iterator[Task]:
    if (folder / "catalogue.sqlite").exists():
        yield from _from_archive(folder)
        return
    stack = [folder]
    while stack:
        cur = stack.pop()
        try:
            children = list(_walk(cur))
        except InputError as exc:
            yield Task(str(cur), error=exc)
            continue
        subdirs = []
        for child in children:
            if child.is_dir():
                subdirs.append(child)
            elif _is_warc(child):
                yield from _from_warc(child)
            elif _is_page(child):
                yield Task(str(child), path=str(child))
        stack.extend(reversed(subdirs))


def read_task(task: Task) -> PageSource:
    """The page's bytes (read here, in the worker, so reading is parallel too)."""
    if task.error is not None:
        raise task.error
    if task.source is not None:
        return task.source
    assert task.path is not None
    try:
        size = os.path.getsize(task.path)
        if size > MAX_FILE_BYTES:
            raise InputError(f"file too large ({size} bytes > {MAX_FILE_BYTES})", location=task.path)
        with open(task.path, "rb") as fh:
            body = fh.read()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", location=task.path) from exc
    return PageSource(location=task.path, body=body, kind="file")
