"""``xxgk panel``: the tidy tables turned wide, one row per report and one column per indicator.

Researchers comparing regions and years want ``region × year × indicator`` in one sheet. The
tidy ``indicators`` table stays the source of truth; the panel is derived from
``reports.parquet`` + ``indicators.parquet`` and can be rebuilt at any time.

Row key: (region, publisher, report_year). The same report is often saved from several places
(a government site, a mirror, a web-archive capture, a Traditional copy) and those copies get
different ``report_id``s when their text differs even slightly. When several reports share a
key, exactly one is kept by the **duplicate rule** (``DUPLICATE_RULE``) and every dropped one is
listed in ``panel_conflicts.csv`` with the indicator values that differ from the kept report's.
Reports whose region or year is unknown are never merged (nothing says they are the same).

Columns: one float64 column per ``indicator_id``; when one id is read under several ``column``
headers (era-1 aggregated tables: the same row for 本级 / 旗县 …), each gets ``<id>[<column>]``.
Columns follow the catalogue's order (era 1, then era 2), unknown ids after, alphabetically.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, WriteError
from .schema import PANEL, PANEL_CONFLICTS, SCHEMA_VERSION
from .write import neutralize

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["DUPLICATE_RULE", "Panel", "build_panel", "load_tables", "panel_key", "run_panel", "write_panel"]

DUPLICATE_RULE = (
    "When several reports have the same (region, publisher, report_year), the panel keeps the one "
    "with the most values (non-null indicator values), then the one with the fewest failed "
    "checks (reports.n_checks_failed), then the one with the smallest report_id. Reports with "
    "an unknown region or year are never merged. When one report holds the same indicator "
    "twice (a table printed twice), the first value printed is used."
)

_KEY = ("region", "publisher", "report_year")
_REPORT_COLS = ["report_id", "source", "region", "publisher", "report_year", "template", "n_checks_failed"]
_INDICATOR_COLS = ["report_id", "table_no", "row_no", "indicator_id", "row_path", "column", "unit", "value"]
_TMP_MARK = ".tmp-"


@dataclass(frozen=True, slots=True)
class Panel:
    """The wide table, its conflicts and a description of each indicator column."""

    table: pd.DataFrame  # PANEL columns + one float64 column per indicator key
    conflicts: pd.DataFrame  # PANEL_CONFLICTS columns
    descriptions: dict[str, str]  # indicator key → "row path | column (unit)"
    parser_version: str = ""

    @property
    def indicator_columns(self) -> list[str]:
        return list(self.descriptions)


def panel_key(indicator_id: str, column: str | None, multi: bool) -> str:
    """Panel column name: the id, or ``id[column]`` when the id is read under several columns."""
    return f"{indicator_id}[{column}]" if multi and column else indicator_id


@lru_cache(maxsize=1)
def _catalogue_order() -> dict[str, int]:
    """indicator id → position in the shipped catalogues (era 1 first), for a stable column order."""
    order: dict[str, int] = {}
    data = resources.files("parsers") / "data"
    for name, col in (("catalogue_era1.csv", "indicator_id"), ("catalogue_era2.csv", "cell_id")):
        try:
            text = (data / name).read_text(encoding="utf-8")
        except (FileNotFoundError, OSError):
            continue
        lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
        for row in csv.DictReader(lines):
            ident = (row.get(col) or "").strip()
            if ident and ident not in order:
                order[ident] = len(order)
    return order


def load_tables(in_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """``reports`` and ``indicators`` (the columns the panel needs) and the parser version."""
    import pyarrow.parquet as pq

    paths = {name: Path(in_dir) / f"{name}.parquet" for name in ("reports", "indicators")}
    for path in paths.values():
        if not path.is_file():
            raise ConfigError(f"{path} not found: run `xxgk parse … --out {in_dir}` first", location=str(path))
    reports_t = pq.read_table(paths["reports"], columns=_REPORT_COLS)
    indicators_t = pq.read_table(paths["indicators"], columns=_INDICATOR_COLS)
    meta = reports_t.schema.metadata or {}
    version = meta.get(b"xxgk.parser_version", b"").decode()
    return _to_pandas(reports_t), _to_pandas(indicators_t), version


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """Plain object strings (no categoricals) and nullable ints, so keys compare simply."""
    import pandas as pd
    import pyarrow as pa

    arrays = []
    for field, col in zip(table.schema, table.columns):
        if pa.types.is_dictionary(field.type):
            col = col.cast(pa.string())
        arrays.append(col)
    df = pa.Table.from_arrays(arrays, names=table.column_names).to_pandas(
        types_mapper={pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype()}.get
    )
    for name in df.columns:
        if df[name].dtype == object:
            df[name] = df[name].astype(object).where(df[name].notna(), None)
    return df


def _indicator_keys(ind: pd.DataFrame) -> pd.Series:
    """Panel column name of each indicator row."""
    cols = ind["column"].fillna("\x00")
    n_columns = cols.groupby(ind["indicator_id"]).transform("nunique")
    multi = n_columns > 1
    keys = ind["indicator_id"].where(~(multi & ind["column"].notna()),
                                     ind["indicator_id"] + "[" + ind["column"].fillna("") + "]")
    return keys


def _ordered(keys: Iterable[str]) -> list[str]:
    """Catalogue order of the ids (unknown ids after, alphabetically); the ``[column]`` variants
    of one id in the order they are first printed."""
    order = _catalogue_order()
    big = len(order) + 1
    first_seen = {k: i for i, k in reversed(list(enumerate(keys)))}

    def sort_key(k: str) -> tuple[int, int, str, int]:
        base = k.split("[", 1)[0]
        return (0 if base in order else 1, order.get(base, big), base, first_seen[k])

    return sorted(first_seen, key=sort_key)


def build_panel(reports: pd.DataFrame, indicators: pd.DataFrame, parser_version: str = "") -> Panel:
    """The wide table and its conflicts from the tidy tables (pure; no I/O)."""
    import pandas as pd

    ind = indicators[indicators["indicator_id"].notna()].copy()
    ind["key"] = _indicator_keys(ind) if len(ind) else pd.Series(dtype=object)
    ind = ind.sort_values(["report_id", "table_no", "row_no"], kind="stable")
    keys = _ordered(ind["key"].tolist())
    descriptions = _describe(ind, keys)

    # first printed non-null value per (report, key); a key whose every value is null stays null
    first = ind.dropna(subset=["value"]).drop_duplicates(["report_id", "key"], keep="first")
    wide = first.pivot(index="report_id", columns="key", values="value") if len(first) else pd.DataFrame()
    wide = wide.reindex(index=reports["report_id"].tolist(), columns=keys).astype("float64")
    wide.columns.name = None

    rep = reports.set_index("report_id", drop=False)
    n_values = wide.notna().sum(axis=1)
    n_failed = rep["n_checks_failed"].fillna(0).astype("int64")

    kept_ids, conflict_rows = _choose(rep, wide, n_values, n_failed)
    fixed = [c.name for c in PANEL]
    table = rep.loc[kept_ids, fixed].reset_index(drop=True)
    table = pd.concat([table, wide.loc[kept_ids].reset_index(drop=True)], axis=1)
    table = _sort_rows(table)
    conflicts = pd.DataFrame(conflict_rows, columns=[c.name for c in PANEL_CONFLICTS])
    return Panel(table, conflicts, descriptions, parser_version)


def _describe(ind: pd.DataFrame, keys: Sequence[str]) -> dict[str, str]:
    """key → "row path | column (unit)" from the first row carrying it."""
    first = ind.drop_duplicates("key", keep="first").set_index("key")
    out: dict[str, str] = {}
    for k in keys:
        row = first.loc[k]
        text = str(row["row_path"] or k)
        if not _isna(row["column"]):
            text += f" | {row['column']}"
        if not _isna(row["unit"]):
            text += f" ({row['unit']})"
        out[k] = text
    return out


def _sort_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(
        ["region", "publisher", "report_year", "report_id"], na_position="last", kind="stable"
    ).reset_index(drop=True)


def _choose(rep: pd.DataFrame, wide: pd.DataFrame, n_values: pd.Series, n_failed: pd.Series
            ) -> tuple[list[str], list[tuple]]:
    """Apply the duplicate rule; return the kept report ids and the conflict rows."""
    groups: dict[tuple, list[str]] = {}
    for rid, region, publisher, year in zip(rep["report_id"], rep["region"], rep["publisher"], rep["report_year"]):
        year = None if _isna(year) else int(year)
        if region is None or year is None:
            groups[("\x00unmerged", rid)] = [rid]
        else:
            groups.setdefault((region, publisher, year), []).append(rid)
    kept: list[str] = []
    rows: list[tuple] = []
    for members in groups.values():
        ranked = sorted(members, key=lambda r: (-int(n_values[r]), int(n_failed[r]), r))
        winner = ranked[0]
        kept.append(winner)
        for loser in ranked[1:]:
            rows.extend(_conflict_rows(rep, wide, winner, loser,
                                       _reason(winner, loser, n_values, n_failed)))
    return kept, rows


def _reason(winner: str, loser: str, n_values: pd.Series, n_failed: pd.Series) -> str:
    if n_values[winner] != n_values[loser]:
        return f"more values ({n_values[winner]} > {n_values[loser]})"
    if n_failed[winner] != n_failed[loser]:
        return f"same number of values, fewer failed checks ({n_failed[winner]} < {n_failed[loser]})"
    return "same number of values and failed checks; smaller report_id"


def _conflict_rows(rep: pd.DataFrame, wide: pd.DataFrame, winner: str, loser: str, reason: str) -> list[tuple]:
    k, d = rep.loc[winner], rep.loc[loser]
    head = (k["region"], k["publisher"], None if _isna(k["report_year"]) else int(k["report_year"]),
            winner, k["source"], loser, d["source"], reason)
    import numpy as np

    a, b = wide.loc[winner].to_numpy(dtype="float64"), wide.loc[loser].to_numpy(dtype="float64")
    differs = ~((a == b) | (np.isnan(a) & np.isnan(b)))
    rows = [
        (*head, col, None if np.isnan(x) else float(x), None if np.isnan(y) else float(y))
        for col, x, y in zip(wide.columns[differs], a[differs], b[differs])
    ]
    return rows or [(*head, None, None, None)]


def _isna(x: Any) -> bool:
    return x is None or (isinstance(x, float) and x != x) or str(x) in ("<NA>", "NaT")


# --- writing ----------------------------------------------------------------------------------

def _arrow_type(col_type: str) -> pa.DataType:
    import pyarrow as pa

    return {
        "string": pa.string(), "dict": pa.dictionary(pa.int32(), pa.string()), "int16": pa.int16(),
        "int32": pa.int32(), "float64": pa.float64(), "date32": pa.date32(), "bool": pa.bool_(),
    }[col_type]


def panel_arrow(panel: Panel) -> pa.Table:
    """The panel as an Arrow table with typed fields, descriptions and versions in the metadata."""
    import pyarrow as pa

    fields, arrays = [], []
    for c in PANEL:
        values = [None if _isna(v) else v for v in panel.table[c.name].tolist()]
        if c.type == "int16":
            values = [None if v is None else int(v) for v in values]
        typ = _arrow_type(c.type)
        arr = pa.array(values, pa.string()).dictionary_encode() if c.type == "dict" else pa.array(values, typ)
        fields.append(pa.field(c.name, arr.type, nullable=c.nullable, metadata={"description": c.description}))
        arrays.append(arr)
    for key, desc in panel.descriptions.items():
        arrays.append(pa.array(panel.table[key].to_numpy(dtype="float64"), pa.float64(), from_pandas=True))
        fields.append(pa.field(key, pa.float64(), metadata={"description": desc}))
    schema = pa.schema(fields, metadata={
        "xxgk.schema_version": SCHEMA_VERSION, "xxgk.parser_version": panel.parser_version,
        "xxgk.table": "panel", "xxgk.duplicate_rule": DUPLICATE_RULE,
    })
    return pa.Table.from_arrays(arrays, schema=schema)


def _cell(value: Any, typ: str) -> str:
    if _isna(value):
        return ""
    if typ == "float64":
        f = float(value)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    if typ in ("int16", "int32"):
        return str(int(value))
    return neutralize(str(value))


def _write_csv(path: Path, header: Sequence[str], types: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([neutralize(h) for h in header])
        for r in rows:
            w.writerow([_cell(v, t) for v, t in zip(r, types)])
        fh.flush()
        os.fsync(fh.fileno())


def write_panel(panel: Panel, out: Path) -> list[Path]:
    """Write panel.parquet, panel.csv and panel_conflicts.csv; all renamed into place at the end."""
    import pyarrow.parquet as pq

    out = Path(out)
    finals = {name: out / name for name in ("panel.parquet", "panel.csv", "panel_conflicts.csv")}
    tmps = {name: out / f".{name}{_TMP_MARK}{os.getpid()}" for name in finals}
    try:
        out.mkdir(parents=True, exist_ok=True)
        pq.write_table(panel_arrow(panel), str(tmps["panel.parquet"]), compression="zstd")
        header = [c.name for c in PANEL] + panel.indicator_columns
        types = [c.type for c in PANEL] + ["float64"] * len(panel.indicator_columns)
        _write_csv(tmps["panel.csv"], header, types, panel.table[header].itertuples(index=False, name=None))
        _write_csv(tmps["panel_conflicts.csv"], [c.name for c in PANEL_CONFLICTS],
                   [c.type for c in PANEL_CONFLICTS], panel.conflicts.itertuples(index=False, name=None))
        for name, tmp in tmps.items():
            os.replace(tmp, finals[name])
    except OSError as exc:
        for tmp in tmps.values():
            tmp.unlink(missing_ok=True)
        raise WriteError(f"cannot write the panel into {out}: {exc}", location=str(out)) from exc
    return list(finals.values())


def run_panel(in_dir: Path, out: Path) -> tuple[Panel, list[Path]]:
    """Load, build and write; returns the panel and the files written."""
    reports, indicators, version = load_tables(Path(in_dir))
    panel = build_panel(reports, indicators, version)
    return panel, write_panel(panel, Path(out))
