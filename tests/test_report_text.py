"""Plain-text pages: stripping stray tags over the whole page gives the line-by-line result."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from parsers import report
from parsers.text import normalize_space

_TAGS = re.compile(r"<[^>\n]{0,200}>")
_ALPHABET = st.sampled_from(list("<>ab 报告\n\r\v\f\x1c\x85\u2028") + ["<p>", "<b x='1'>", "\r\n"])


def _lines_by_line(text: str) -> list[str]:
    lines = [normalize_space(_TAGS.sub("", line)) for line in text.splitlines()]
    return [line for line in lines if line]


def _lines_by_page(text: str) -> list[str]:
    lines = [normalize_space(line) for line in report._TEXT_TAGS.sub("", text).splitlines()]
    return [line for line in lines if line]


@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_tags_removed_page_wide_as_line_by_line(text: str) -> None:
    assert _lines_by_page(text) == _lines_by_line(text)


def test_two_reports_titles() -> None:
    lines = ["某市2019年政府信息公开工作年度报告", "正文", "某县 2020 年政府信息公开工作 年度报告"]
    assert report._two_reports(lines, []) != []
    assert report._two_reports(lines[:2], []) == []
