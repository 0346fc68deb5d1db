"""Contracts that keep the project honest: schema == data dictionary, pure parsers,
documented CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scraper.cli import build_parser
from scraper.docs import data_dictionary
from scraper.schema import TABLES, arrow_schema

ROOT = Path(__file__).resolve().parent.parent


def test_output_readme_is_generated_from_the_schema() -> None:
    readme = (ROOT / "output" / "README.md").read_text(encoding="utf-8")
    assert readme == data_dictionary(), "run: xxgk schema --write output/README.md"


@pytest.mark.parametrize("name", list(TABLES))
def test_arrow_schema_follows_column_order(name) -> None:
    assert [f.name for f in arrow_schema(name)] == [c.name for c in TABLES[name]]


def test_issue_column_names_are_kept() -> None:
    """Column names spelled out in the issues are a contract with users' scripts."""
    reports = [c.name for c in TABLES["reports"]]
    assert reports[:20] == [
        "report_id", "source", "source_sha256", "title", "region", "report_year", "template",
        "index_no", "category", "publish_date", "keywords", "publisher", "doc_no", "encoding",
        "script", "body_text", "spam_links_removed", "n_values", "warnings", "parser_version",
    ]
    assert [c.name for c in TABLES["indicators"]][:12] == [
        "report_id", "table_no", "table_title", "row_no", "indicator_id", "row_path", "label",
        "column", "unit", "value", "value_text", "note",
    ]
    assert [c.name for c in TABLES["checks"]][:6] == ["report_id", "check", "expected", "actual", "ok", "detail"]
    assert [c.name for c in TABLES["errors"]] == ["source", "stage", "error", "message"]


_FORBIDDEN_IMPORTS = {"scraper", "httpx", "requests", "urllib.request", "socket", "sqlite3", "warcio"}
_FORBIDDEN_CALLS = {"open", "now", "today", "time", "write_text", "write_bytes", "urlopen"}


@pytest.mark.parametrize("path", sorted((ROOT / "parsers").glob("*.py")), ids=lambda p: p.name)
def test_parsers_are_pure(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for n in names:
            assert n.split(".")[0] not in _FORBIDDEN_IMPORTS and n not in _FORBIDDEN_IMPORTS, f"{path.name} imports {n}"
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            assert name not in _FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {name}()"


def test_every_cli_command_has_an_example() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert {"parse", "inspect", "schema"} <= set(sub.choices)
    for name, p in sub.choices.items():
        assert "Example:" in (p.epilog or ""), f"xxgk {name} --help has no Example"
