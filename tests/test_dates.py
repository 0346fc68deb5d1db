"""Dates as printed on report pages, and report years in titles."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.dates import find_year, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018年03月22日", date(2018, 3, 22)),
        ("2018年3月22日", date(2018, 3, 22)),
        ("2018 年 3 月 22 日", date(2018, 3, 22)),
        ("2018-03-22", date(2018, 3, 22)),
        ("2018-3-22", date(2018, 3, 22)),
        ("2026-09-30 17:18", date(2026, 9, 30)),
        ("2019-05-28 00:00:00", date(2019, 5, 28)),
        ("2018/03/22", date(2018, 3, 22)),
        ("2018/3/2", date(2018, 3, 2)),
        ("2026.08.08", date(2026, 8, 8)),
        ("[2018-03-22]", date(2018, 3, 22)),
        ("２０１８年３月２２日", date(2018, 3, 22)),
        ("发布时间:2020-01-10", date(2020, 1, 10)),
        ("2018年3月22日 星期四", date(2018, 3, 22)),
        ("2018年3月22日星期四", date(2018, 3, 22)),
        ("二〇一八年三月二十二日", date(2018, 3, 22)),
        ("二○一一年二月二十八日", date(2011, 2, 28)),  # U+25CB for 〇
        ("二00八年九月七日", date(2008, 9, 7)),  # ASCII zeros
        ("二O一八年十月一日", date(2018, 10, 1)),  # Latin O
        ("二零一八年十二月三十一日", date(2018, 12, 31)),
        ("二〇二〇年元月十日", date(2020, 1, 10)),
        ("包头市人民政府办公厅\u00a0\u00a0\u00a0二〇一八年三月二十二日", date(2018, 3, 22)),
        ("20180322", date(2018, 3, 22)),
        # 年 / 月 dropped by Word pasting (formats.md §6 "Text damage").
        ("201711日至20171231日", date(2017, 1, 1)),
        ("20171231日", date(2017, 12, 31)),
        ("2017年1231日", date(2017, 12, 31)),
        ("2017210日", date(2017, 2, 10)),
    ],
)
def test_parse_date_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "无",
        "2018-02-30",
        "2018年13月01日",
        "2019-02-29",
        "二〇一八年二月三十日",
        "011536003/2018-00124",  # an index number is not a date
        "国发〔2018〕43号",
        "2017111日",  # 1-11 or 11-1: ambiguous, refuse
        "0000-01-01",
    ],
)
def test_parse_date_refuses(text: str) -> None:
    assert parse_date(text) is None


def test_parse_date_leap_day() -> None:
    assert parse_date("2020-02-29") == date(2020, 2, 29)


@given(st.text())
def test_parse_date_never_raises(text: str) -> None:
    result = parse_date(text)
    assert result is None or isinstance(result, date)


@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789年月日-/. 二〇○O零一三十九元号")),
        max_size=30,
    )
)
def test_parse_date_never_raises_on_date_like_text(text: str) -> None:
    result = parse_date(text)
    assert result is None or isinstance(result, date)


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("包头市2017年政府信息公开工作年度报告", 2017),
        ("包头市 2017年政府信息公开工作年度报告", 2017),
        ("2019年包头市教育局政府信息公开工作年度报告", 2019),
        ("二〇一九年度包头市政府信息公开工作年度报告", 2019),
        ("二○二〇年度政府信息公开工作年度报告", 2020),
        ("国家统计局2020年度政府信息公开工作年度报告", 2020),
        ("包头市2017政府信息公开工作年度报告", 2017),  # 年 dropped
        ("政府信息公开工作年度报告", None),
        ("", None),
        ("1999年政府信息公开工作年度报告", None),
    ],
)
def test_find_year(title: str, year: int | None) -> None:
    assert find_year(title) == year
