"""Value cells: the leading number is read, everything else is kept, nothing is invented."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.values import is_value_text, parse_value


@pytest.mark.parametrize(
    ("text", "state", "number", "unit", "note"),
    [
        ("54835", "number", 54835.0, None, None),
        ("45478(政府热线)", "number", 45478.0, None, "政府热线"),
        ("45478（政府热线）", "number", 45478.0, None, "政府热线"),
        ("10个,昆区、青山区、东河区", "number", 10.0, "个", "昆区、青山区、东河区"),
        ("251000元", "number", 251000.0, "元", None),
        ("11.876", "number", 11.876, None, None),
        ("１２３", "number", 123.0, None, None),
        ("+2", "number", 2.0, None, None),
        ("-1", "number", -1.0, None, None),
        ("0", "number", 0.0, None, None),
        ("-", "na", None, None, None),
        ("—", "na", None, None, None),
        ("/", "na", None, None, None),
        ("无", "na", None, None, None),
        ("", "blank", None, None, None),
        ("\u00a0 ", "blank", None, None, None),
        ("是", "yesno", 1.0, "是/否", None),
        ("否", "yesno", 0.0, "是/否", None),
        ("是/否", "na", None, "是/否", None),
        ("不详", "text", None, None, "不详"),
    ],
)
def test_parse_value(text, state, number, unit, note) -> None:
    v = parse_value(text)
    assert (v.state, v.number, v.unit, v.note) == (state, number, unit, note)


def test_raw_text_is_kept_with_space_collapsed() -> None:
    assert parse_value("  45478 (政府热线) ").raw == "45478 (政府热线)"
    assert parse_value("").raw == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("54835", True),
        ("45478(政府热线)", True),
        ("10个,昆区、青山区", True),
        ("-", True),
        ("1.政府公报公开政府信息数", False),
        ("2017年度政府信息公开工作统计表", False),
        ("（一）收到申请数", False),
        ("统计指标", False),
    ],
)
def test_is_value_text(text, expected) -> None:
    assert is_value_text(text) is expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_value_never_raises(text: str) -> None:
    v = parse_value(text)
    assert v.state in {"number", "blank", "na", "yesno", "text"}
    assert (v.number is not None) == (v.state in {"number", "yesno"})
