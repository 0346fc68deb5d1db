"""Streaming, atomic CSV + Parquet writers.

Rows arrive in batches while the run goes on; each table is written to a hidden temp file in
the output folder (Parquet in row groups, CSV appended) and only renamed over the final name
when the run finishes (``os.replace`` is atomic on one file system). A crash or kill at any
moment leaves the previous outputs whole, never a torn file; stale temp files are swept at the
next run. Memory stays flat: at most one row group per table is buffered.

The seven files of a run are replaced as a group: the renames are written to a journal
(``.xxgk-commit``, itself put in place by one rename) before the first of them, and removed
after the last. A run killed between two renames leaves the journal, and the next writer into
that folder finishes the renames (roll forward) before anything else, so the folder never
stays a mix of two runs' files. (A reader looking in during those milliseconds can still see
the mix; nothing short of swapping a whole folder avoids that, and the file names are the
contract.)
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .errors import WriteError
from .schema import TABLES, Column, arrow_schema

__all__ = [
    "RunWriter", "TableSink", "arrow_rows", "commit_group", "format_csv", "neutralize", "roll_forward",
    "sweep_temp_files",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: rows buffered per Parquet row group, per table (bounded memory)
ROW_GROUP_ROWS = {"reports": 2000, "indicators": 50_000, "checks": 25_000, "errors": 10_000}
_TMP_MARK = ".tmp-"
_JOURNAL = ".xxgk-commit"


def neutralize(text: str) -> str:
    """CSV-injection guard for spreadsheet users: a cell that starts like a formula
    (= + - @, tab, CR) gets a leading apostrophe, which Excel and LibreOffice hide."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_cell(value: Any, col: Column) -> str:
    if value is None:
        return ""
    if col.type == "float64":
        f = float(value)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    if col.type == "bool":
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if col.type in ("string", "dict"):
        return neutralize(str(value))
    return str(value)


def _fast_string(v: Any) -> str:
    if v is None:
        return ""
    if type(v) is str:
        return "'" + v if v.startswith(_FORMULA_START) else v
    return neutralize(v.isoformat() if isinstance(v, dt.date) else str(v))


def _fast_float(v: Any) -> str:
    if v is None:
        return ""
    f = float(v)
    return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)


def _fast_int(v: Any) -> str:
    return "" if v is None else str(v)


def _formatter(col: Column):
    """One column's CSV formatter, chosen once per table instead of per cell (the writer
    formats every cell of every row in the parent process, so this loop bounds throughput);
    each gives exactly what ``_csv_cell`` gives."""
    if col.type in ("string", "dict"):
        return _fast_string
    if col.type == "float64":
        return _fast_float
    if col.type in ("int16", "int32"):
        return _fast_int
    return lambda v: _csv_cell(v, col)


def format_csv(name: str, rows: Sequence[tuple]) -> str:
    """CSV lines of ``rows`` of table ``name``, exactly as the sink writes them. Workers call
    this so the formatting (the parent's main cost per page) runs in parallel."""
    buf = io.StringIO()
    fmts = [_formatter(c) for c in TABLES[name]]
    csv.writer(buf).writerows([f(v) for f, v in zip(fmts, r)] for r in rows)
    return buf.getvalue()


def _plain_type(col: Column):
    """The Arrow type a column travels in between processes: dictionary columns as plain
    strings (each worker's dictionary would differ; the writer encodes once per row group)."""
    import pyarrow as pa

    return {
        "string": pa.string(), "dict": pa.string(), "int16": pa.int16(), "int32": pa.int32(),
        "float64": pa.float64(), "date32": pa.date32(), "bool": pa.bool_(),
    }[col.type]


def arrow_rows(name: str, rows: Sequence[tuple]):
    """``rows`` of table ``name`` as one Arrow record batch (dictionary columns as strings).

    Workers call this on a whole batch of pages: building Arrow columns from Python objects
    was the parent's main cost per page, and a record batch crosses the process boundary as a
    few buffers instead of thousands of pickled objects."""
    import pyarrow as pa

    cols = TABLES[name]
    columns = list(zip(*rows)) if rows else [()] * len(cols)
    return pa.RecordBatch.from_arrays(
        [pa.array(v, _plain_type(c)) for v, c in zip(columns, cols)], names=[c.name for c in cols])


def _fsync_dir(path: Path) -> None:
    """Make renames in ``path`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def commit_group(out: Path, pairs: Sequence[tuple[Path, Path]]) -> None:
    """Rename each finished temp file over its final name, all or (after a kill, once the next
    writer rolls forward) none: journal first, then the renames, then drop the journal."""
    journal = out / _JOURNAL
    tmp_journal = out / f"{_JOURNAL}{_TMP_MARK}{os.getpid()}"
    with open(tmp_journal, "w", encoding="utf-8") as fh:
        json.dump([[t.name, f.name] for t, f in pairs], fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp_journal, journal)
    _fsync_dir(out)
    for tmp, final in pairs:
        os.replace(tmp, final)
    _fsync_dir(out)
    journal.unlink()


def roll_forward(out: Path) -> bool:
    """Finish the group of renames a killed run had begun (its journal is still there); the
    temp files it names were complete and fsynced before the journal was written. Returns
    whether there was anything to finish."""
    journal = out / _JOURNAL
    try:
        pairs = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):  # unreadable: cannot happen (the journal lands by rename)
        pairs = []
    for tmp_name, final_name in pairs:
        tmp = out / Path(tmp_name).name
        if tmp.exists():
            os.replace(tmp, out / Path(final_name).name)
    _fsync_dir(out)
    journal.unlink(missing_ok=True)
    return True


def sweep_temp_files(out: Path) -> None:
    """Finish a killed run's commit (``roll_forward``), then remove the temp files a killed
    run left behind."""
    if not out.is_dir():
        return
    roll_forward(out)
    for p in out.iterdir():
        if p.name.startswith(".") and _TMP_MARK in p.name:
            with contextlib.suppress(OSError):
                p.unlink()


class TableSink:
    """One output table written as CSV and/or Parquet, finalised atomically."""

    def __init__(self, out: Path, name: str, formats: Sequence[str] = ("csv", "parquet")) -> None:
        self.out, self.name, self.formats = out, name, tuple(formats)
        self.columns = TABLES[name]
        self.buffer: list[list] = []  # [record batch, start, rows]: at most one row group
        self.buffered = 0
        self.rows = 0
        self._tmp: dict[str, Path] = {}
        self._csv_file = None
        self._pq = None
        pid = os.getpid()
        for fmt in self.formats:
            self._tmp[fmt] = out / f".{name}.{fmt}{_TMP_MARK}{pid}"
        try:
            if "csv" in self.formats:
                # UTF-8 with a BOM (Excel needs it to read UTF-8), written by hand: the
                # "utf-8-sig" codec encodes through a pure-Python wrapper on every write
                self._csv_file = open(  # noqa: SIM115
                    self._tmp["csv"], "w", encoding="utf-8", newline="", buffering=1 << 20)
                self._csv_file.write("\ufeff")
                csv.writer(self._csv_file).writerow([c.name for c in self.columns])
            if "parquet" in self.formats:
                import pyarrow.parquet as pq

                self._pq = pq.ParquetWriter(
                    str(self._tmp["parquet"]), arrow_schema(name), compression="zstd",
                    write_statistics=True, store_schema=True,
                )
        except OSError as exc:
            raise WriteError(f"cannot write {name} into {out}: {exc}", location=str(out)) from exc

    def add(self, rows: Iterable[tuple], csv_text: str | None = None) -> None:
        """Append rows. ``csv_text``: the same rows already formatted by ``format_csv`` (in a
        worker process, so the parent only copies text); CSV is written at once, in call
        order, and Parquet rows are buffered up to one row group."""
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return
        if csv_text is None and self._csv_file is not None:
            csv_text = format_csv(self.name, rows)
        batch = arrow_rows(self.name, rows) if self._pq is not None else None
        self.add_batch(batch, csv_text, len(rows))

    def add_batch(self, batch, csv_text: str | None, n: int | None = None, start: int = 0) -> None:
        """Append rows ``start:start+n`` of an Arrow record batch made by ``arrow_rows`` and
        their CSV text (``format_csv``), both made in a worker process. Consecutive ranges of
        one batch are buffered as one range (a table of a thousand 100-row slices costs more
        to assemble than the rows themselves)."""
        n = batch.num_rows - start if n is None else n
        if not n:
            return
        try:
            if self._csv_file is not None and csv_text:
                self._csv_file.write(csv_text)
        except OSError as exc:
            raise WriteError(f"cannot write {self.name}: {exc}", location=str(self.out)) from exc
        self.rows += n
        if self._pq is not None and batch is not None:
            last = self.buffer[-1] if self.buffer else None
            if last is not None and last[0] is batch and last[1] + last[2] == start:
                last[2] += n
            else:
                self.buffer.append([batch, start, n])
            self.buffered += n
            if self.buffered >= ROW_GROUP_ROWS.get(self.name, 10_000):
                self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        batches, self.buffer, self.buffered = self.buffer, [], 0
        try:
            if self._pq is not None:
                self._pq.write_table(self._arrow(batches))
        except OSError as exc:
            raise WriteError(f"cannot write {self.name}: {exc}", location=str(self.out)) from exc

    def _arrow(self, ranges: list):
        """One row group: the buffered row ranges as one table of the output schema
        (dictionary columns encoded here, once per row group)."""
        import pyarrow as pa

        schema = arrow_schema(self.name)
        batches = [b.slice(start, n) for b, start, n in ranges] or [arrow_rows(self.name, [])]
        table = pa.Table.from_batches(batches).combine_chunks()
        arrays = []
        for i, field in enumerate(schema):
            col = table.column(i).combine_chunks()
            arrays.append(col.dictionary_encode() if pa.types.is_dictionary(field.type) else col)
        return pa.Table.from_arrays(arrays, schema=schema)

    def finish(self) -> list[tuple[Path, Path]]:
        """Flush, fsync and close the temp files; returns (temp, final) pairs to rename."""
        self.flush()
        try:
            if self._csv_file is not None:
                self._csv_file.flush()
                os.fsync(self._csv_file.fileno())
                self._csv_file.close()
            if self._pq is not None:
                if self.rows == 0:
                    self._pq.write_table(self._arrow([]))
                self._pq.close()
        except OSError as exc:
            raise WriteError(f"cannot finalise {self.name}: {exc}", location=str(self.out)) from exc
        return [(tmp, self.out / f"{self.name}.{fmt}") for fmt, tmp in self._tmp.items()]

    def close(self) -> list[Path]:
        """Flush, fsync and rename the temp files over the final names."""
        pairs = self.finish()
        try:
            for tmp, final in pairs:
                os.replace(tmp, final)
        except OSError as exc:
            raise WriteError(f"cannot finalise {self.name}: {exc}", location=str(self.out)) from exc
        return [final for _, final in pairs]

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            if self._csv_file is not None:
                self._csv_file.close()
            if self._pq is not None:
                self._pq.close()
        for tmp in self._tmp.values():
            with contextlib.suppress(OSError):
                tmp.unlink()


class RunWriter:
    """The four sinks of a parse run; ``close`` renames them all at the end."""

    def __init__(self, out: Path) -> None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"cannot create output folder {out}: {exc}", location=str(out)) from exc
        sweep_temp_files(out)
        self.out = out
        self.sinks: dict[str, TableSink] = {}
        try:
            self.sinks["reports"] = TableSink(out, "reports")
            self.sinks["indicators"] = TableSink(out, "indicators")
            self.sinks["checks"] = TableSink(out, "checks")
            self.sinks["errors"] = TableSink(out, "errors", formats=("csv",))
        except WriteError:
            self.abort()
            raise

    def add(self, name: str, rows: Iterable[tuple], csv_text: str | None = None) -> None:
        self.sinks[name].add(rows, csv_text)

    def add_batch(self, name: str, batch, csv_text: str | None, n: int | None = None, start: int = 0) -> None:
        self.sinks[name].add_batch(batch, csv_text, n, start)

    def close(self) -> list[Path]:
        """Finish every sink, then replace all the output files as one group (``commit_group``)."""
        pairs: list[tuple[Path, Path]] = []
        for sink in self.sinks.values():
            pairs.extend(sink.finish())
        try:
            commit_group(self.out, pairs)
        except OSError as exc:
            raise WriteError(f"cannot finalise the outputs in {self.out}: {exc}", location=str(self.out)) from exc
        return [final for _, final in pairs]

    def abort(self) -> None:
        for sink in self.sinks.values():
            sink.abort()
