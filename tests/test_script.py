"""Traditional → Simplified: the shortcut that skips OpenCC must never change a result."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import opencc
import pytest

from parsers import script
from parsers.script import to_simplified

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _slow(text: str) -> tuple[str, str]:
    """to_simplified without the shortcut."""
    converted = script._converter().convert(text)
    if converted == text:
        return text, "simplified"
    return _full(text, converted)


def _full(text: str, converted: str) -> tuple[str, str]:
    pairs = zip(text, converted) if len(converted) == len(text) else zip(text[:20000], converted[:20000])
    changed = sum(1 for a, b in pairs if a != b)
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text)) or 1
    if changed >= 5 and changed / cjk >= script.TRADITIONAL_SHARE:
        return converted, "traditional"
    return text, "simplified"


@pytest.mark.parametrize(
    "text",
    [
        "2019年政府信息公开工作年度报告",
        "二〇一九年政府資訊公開工作年度報告，依據《條例》規定編製。",
        "深沈的意志消沈",  # changes only as a phrase
        "回覆 瞭解 衹得 想像 堃",
        "乾隆 著作 穿著",
        "𠀾" * 3,
        "",
        "plain ascii <p>only</p>",
    ],
)
def test_same_result_as_opencc(text: str) -> None:
    assert to_simplified(text) == _slow(text)


def test_fixture_pages_same_result() -> None:
    for path in sorted(FIXTURES.rglob("*.html")):
        text = path.read_bytes().decode("utf-8", "replace")
        assert to_simplified(text) == _slow(text), path.name


def test_shortcut_only_where_opencc_is_identity() -> None:
    for text in ("报告", "報告", "回覆", "深沈", "想像"):
        if script._unchanged(text):
            assert script._converter().convert(text) == text


def _dump(name: str) -> list[tuple[str, str]]:
    clib = Path(opencc.__file__).parent / "clib"
    tool = clib / "bin" / "opencc_dict"
    src = clib / "share" / "opencc" / f"{name}.ocd2"
    if not tool.exists() or not src.exists():
        pytest.skip("opencc_dict or the dictionaries are not installed")
    out = subprocess.run(
        [str(tool), "-i", str(src), "-o", "/dev/stdout", "-f", "ocd2", "-t", "text"],
        capture_output=True, check=False, env={**os.environ, "LD_LIBRARY_PATH": str(clib / "lib64")},
    )
    if out.returncode != 0 or not out.stdout:
        pytest.skip("opencc_dict could not dump the dictionary")
    rows = []
    for line in out.stdout.decode("utf-8").splitlines():
        key, _, values = line.partition("\t")
        rows.append((key, values.split(" ")[0]))
    return rows


@pytest.mark.skipif(getattr(opencc, "__version__", None) != script._CHECKED_VERSION, reason="shortcut off for this OpenCC")
@pytest.mark.parametrize("name", ["CJK_Compatibility_Ideographs", "TSPhrases", "TSCharactersExt", "TSCharacters"])
def test_every_changing_entry_is_caught(name: str) -> None:
    """Every t2s dictionary entry that changes text holds a character of the pre-test class."""
    pattern = script._changeable()
    assert pattern is not None
    missed = [key for key, value in _dump(name) if value != key and not pattern.search(key)]
    assert missed == []
