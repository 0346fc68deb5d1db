"""The loading examples of output/README.md run for real (pandas, DuckDB, Polars), against the
bundled fixtures parsed into a temporary ``output/`` — or, while the parser cannot import, against
a synthetic run written with the real writers — and the documented types hold in each tool.
Also the end-to-end path a user takes: parse → panel → report → inspect on ``fixtures/``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from scraper.cli import main
from scraper.docs import data_dictionary
from scraper.panel import run_panel
from scraper.schema import TABLES
from tests.test_panel import write_demo_output

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

try:
    from parsers import parse_report  # noqa: F401

    PARSER_ERROR = None
except ImportError as exc:  # pragma: no cover - parser modules still being written
    PARSER_ERROR = f"parser does not import yet: {exc}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder holding ``output/`` as ``make demo`` + ``xxgk panel`` leave it."""
    root = tmp_path_factory.mktemp("demo")
    out = root / "output"
    if PARSER_ERROR is None:
        from scraper.pipeline import parse_paths

        parse_paths([FIXTURES], out, jobs=1)
    else:
        write_demo_output(out)
    run_panel(out, out)
    return root


def _python_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", data_dictionary(), re.S)


def _run(code: str):
    """Execute an example; return the value of its last expression (what a notebook shows)."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    env: dict = {}
    exec(compile(tree, "<README example>", "exec"), env)  # noqa: S102 - our own documentation
    return eval(compile(ast.Expression(last.value), "<README example>", "eval"), env) if last else None


def _n_rows(result) -> int:
    if hasattr(result, "fetchall"):  # DuckDB relation
        return len(result.fetchall())
    if hasattr(result, "height"):  # Polars
        return result.height
    return len(result)


def test_readme_has_examples_for_each_tool() -> None:
    text = data_dictionary()
    examples = _python_examples()
    assert any("import pandas" in e for e in examples)
    assert any("import duckdb" in e for e in examples)
    assert any("import polars" in e for e in examples)
    assert "library(arrow)" in text


@pytest.mark.parametrize("index", range(len(_python_examples())))
def test_readme_loading_example_runs(workdir, monkeypatch, index) -> None:
    monkeypatch.chdir(workdir)
    code = _python_examples()[index]
    result = _run(code)
    assert result is not None, code
    assert _n_rows(result) > 0, f"example returned no rows:\n{code}"


def test_documented_types_in_pyarrow(workdir) -> None:
    for name in ("reports", "indicators", "checks"):
        schema = pq.read_schema(workdir / "output" / f"{name}.parquet")
        for col in TABLES[name]:
            field = schema.field(col.name)
            assert field.metadata[b"description"].decode() == col.description
    meta = pq.read_schema(workdir / "output" / "indicators.parquet").metadata
    assert b"xxgk.schema_version" in meta and b"xxgk.parser_version" in meta


def test_documented_types_in_duckdb(workdir, monkeypatch) -> None:
    duckdb = pytest.importorskip("duckdb")
    monkeypatch.chdir(workdir)
    types = dict(duckdb.sql("select column_name, column_type from (describe select * from 'output/reports.parquet')").fetchall())
    assert types["report_year"] == "SMALLINT" and types["publish_date"] == "DATE"
    assert types["n_values"] == "INTEGER" and types["report_id"] == "VARCHAR"
    types = dict(duckdb.sql("select column_name, column_type from (describe select * from 'output/indicators.parquet')").fetchall())
    assert types["value"] == "DOUBLE" and types["table_no"] == "SMALLINT"
    # the query, with region and year taken from reports (indicators hold report_id)
    rows = duckdb.sql(
        "select r.region, r.report_year, i.value from 'output/indicators.parquet' i "
        "join 'output/reports.parquet' r using (report_id) where i.indicator_id = 'requests.received'"
    ).fetchall()
    assert rows and all(isinstance(v, float) for _, _, v in rows if v is not None)
    rows = duckdb.sql('select region, report_year, "requests.received" from \'output/panel.parquet\'').fetchall()
    assert rows


def test_documented_types_in_polars(workdir) -> None:
    pl = pytest.importorskip("polars")
    reports = pl.read_parquet(workdir / "output" / "reports.parquet")
    assert reports.schema["report_year"] == pl.Int16
    assert reports.schema["publish_date"] == pl.Date
    assert reports.schema["template"] in (pl.Categorical, pl.Enum) or str(reports.schema["template"]).startswith("Categorical")
    ind = pl.read_parquet(workdir / "output" / "indicators.parquet")
    assert ind.schema["value"] == pl.Float64
    panel = pl.read_parquet(workdir / "output" / "panel.parquet")
    assert panel.schema["report_year"] == pl.Int16 and panel.schema["requests.received"] == pl.Float64


def test_documented_types_in_pandas(workdir) -> None:
    import pandas as pd

    ind = pd.read_parquet(workdir / "output" / "indicators.parquet")
    assert str(ind["value"].dtype) == "float64"
    assert str(ind["unit"].dtype) == "category"


@pytest.mark.skipif(PARSER_ERROR is not None, reason=PARSER_ERROR or "")
def test_end_to_end_on_fixtures(tmp_path, capsys) -> None:
    """What the README shows: parse the fixtures, then panel, report and inspect work on them."""
    out = tmp_path / "output"
    assert main(["parse", str(FIXTURES), "--out", str(out), "--jobs", "1", "--quiet"]) in (0, 1)
    assert main(["panel", "--in", str(out)]) == 0
    first = (out / "panel.parquet").read_bytes(), (out / "panel.csv").read_bytes()
    assert main(["panel", "--in", str(out)]) == 0
    assert first == ((out / "panel.parquet").read_bytes(), (out / "panel.csv").read_bytes())
    assert main(["report", "--in", str(out), "--out", str(tmp_path / "report.html")]) == 0
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count('class="plot"') == 2 and "<script" not in html.lower()
    page = next(p for p in sorted(FIXTURES.rglob("*.htm*")) if (p.with_suffix(".json")).is_file()
                and '"error"' not in p.with_suffix(".json").read_text(encoding="utf-8"))
    capsys.readouterr()
    assert main(["inspect", str(page)]) == 0
    assert "table 1" in capsys.readouterr().out
