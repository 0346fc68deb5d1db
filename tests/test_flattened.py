"""Mirrors and saved copies flatten tables into one paragraph per cell. Every fixture whose
table has no empty cell (text loses empty cells) must read the same values when its tables are
flattened this way; pages with blanks must place nothing by guessing."""

from __future__ import annotations

import json
import re

import pytest

from parsers import parse_report
from parsers.decode import decode_html
from tests.goldens import FIXTURES, golden_files, indicator_rows

CASES = [
    g for g in golden_files()
    if "indicators" in json.loads(g.read_text("utf-8")) and g.with_suffix(".html").exists()
]


def _flatten(html: str) -> str:
    html = re.sub(r"<(/?)(table|tbody|thead|tr)\b[^>]*>", r"<\1div>", html, flags=re.I)
    return re.sub(r"<(/?)t[dh]\b[^>]*>", r"<\1p>", html, flags=re.I)


@pytest.mark.parametrize("golden", CASES, ids=[str(p.relative_to(FIXTURES)) for p in CASES])
def test_flattened_tables_read_the_same_values(golden) -> None:
    spec = json.loads(golden.read_text("utf-8"))
    want = {(r["row_path"], r["column"]): r["value"] for r in spec["indicators"]}
    has_blanks = any(r["value_text"] == "" for r in spec["indicators"])
    text = decode_html(golden.with_suffix(".html").read_bytes()).text
    got = {(r["row_path"], r["column"]): r["value"] for r in indicator_rows(parse_report(_flatten(text)))}
    wrong = {k: (v, got[k]) for k, v in want.items() if k in got and got[k] != v}
    assert not wrong, f"values placed wrongly: {list(wrong.items())[:5]}"
    if not has_blanks:
        missing = [k for k in want if k not in got]
        assert not missing, f"{len(missing)} cells not read, e.g. {missing[:3]}"
        assert not set(got) - set(want), f"extra cells: {list(set(got) - set(want))[:3]}"
