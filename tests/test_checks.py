"""Consistency checks: the seed's figures (Baotou 2017) and a Shanghai-2019-like 表三/表四 grid."""

from __future__ import annotations

import re

import pytest

from parsers.checks import CHECKS, run_checks
from parsers.model import Check, Fact, Value

_BLANK = object()


def value(v: object, note: str | None = None, unit: str | None = None) -> Value:
    if v is None or v is _BLANK:
        return Value(raw="", state="blank")
    if isinstance(v, str):
        return Value(raw=v, state="na" if v in ("-", "—", "/", "无") else "text")
    raw = f"{v}" + (f",{note}" if note else "")
    return Value(raw=raw, state="number", number=float(v), unit=unit, note=note)


def fact(iid: str, v: object, *, column: str | None = None, note: str | None = None,
         unit: str | None = None, table_no: int = 1, row_no: int = 0) -> Fact:
    return Fact(table_no=table_no, table_title=None, row_no=row_no, row_path=(iid,), label=iid,
                column=column, unit=unit, value=value(v, note, unit), indicator_id=iid)


def facts(pairs: dict[str, object], **kw: object) -> list[Fact]:
    return [fact(k, v, row_no=i + 1, **kw) for i, (k, v) in enumerate(pairs.items())]  # type: ignore[arg-type]


def by_name(checks: tuple[Check, ...]) -> dict[str, Check]:
    names = [c.check for c in checks]
    assert len(names) == len(set(names)), "check names must be unique within a report"
    return {c.check: c for c in checks}


def base(name: str) -> str:
    return re.sub(r"\[.*\]$", "", name)


# ---------------------------------------------------------------- the seed (2014 form + Inner Mongolia)

NAMES9 = "昆区、青山区、东河区、九原区、土右旗、石拐区、固阳县、达茂旗、白云区"
SEED: dict[str, object] = {
    "proactive.total": 54835, "proactive.total.normative_docs": 24, "proactive.normative_docs_issued": 24,
    "proactive.channels.gazette": 150, "proactive.channels.website": 42751, "proactive.channels.weibo": 2785,
    "proactive.channels.wechat": 9667, "proactive.channels.other": 4410,
    "response.hotspots": 45839, "response.channels.press_conferences": 25,
    "response.channels.press_conferences.by_principal": 19, "response.channels.online_interviews": 24,
    "response.channels.online_interviews.by_principal": 20, "response.channels.interpretation_articles": 312,
    "response.channels.weibo_wechat": 440, "response.channels.other": 45478,
    "requests.received": 81, "requests.received.in_person": 39, "requests.received.fax": 0,
    "requests.received.online": 8, "requests.received.letter": 34,
    "requests.closed": 81, "requests.closed.on_time": 77, "requests.closed.extended": 4,
    "requests.replies": 81, "requests.replies.already_public": 24, "requests.replies.granted": 27,
    "requests.replies.partially_granted": 4, "requests.replies.denied": 3,
    "requests.replies.denied.state_secret": 0, "requests.replies.denied.commercial_secret": 0,
    "requests.replies.denied.personal_privacy": 3, "requests.replies.denied.security_stability": 0,
    "requests.replies.denied.not_gov_info": 0, "requests.replies.denied.other_legal": 0,
    "requests.replies.not_this_agency": 11, "requests.replies.not_exist": 7,
    "requests.replies.asked_to_amend": 4, "requests.replies.other_channel": 1,
    "review.total": 3, "review.upheld": 3, "review.corrected": 0, "review.other": 0,
    "litigation.total": 2, "litigation.upheld": 2, "litigation.corrected": 0, "litigation.other": 0,
    "complaints.total": 0, "fees.request_fees_wan": 0,
    "capacity.dedicated_units": 1, "capacity.reading_points": 11, "capacity.staff": 65,
    "capacity.staff.full_time": 5, "capacity.staff.part_time": 60, "capacity.budget_wan": 10,
    "training.meetings": 18, "training.courses": 3, "training.trainees": 500,
    "nm.online_service.has_online_service": None, "nm.online_service.items": 593,
    "nm.service_system.approval_items": 113, "nm.service_system.approval_items.licensing": 113,
    "nm.service_system.approval_items.non_licensing": 0,
    "nm.service_system.items_in_center": 113, "nm.service_system.items_in_center.licensing": 113,
    "nm.service_system.items_in_center.non_licensing": 0,
    "nm.service_system.county_centers_built": 10, "nm.service_system.county_centers_building": 0,
    "nm.service_system.county_centers_none": 0, "nm.service_system.county_e_supervision": 10,
    "nm.service_system.township_offices": 265, "nm.service_system.township_offices.with_service_center": 182,
    "nm.service_system.villages": 656, "nm.service_system.villages.with_agency_point": 596,
}
LIST_IDS = ("nm.service_system.county_centers_built", "nm.service_system.county_e_supervision")


def seed_facts(**changes: object) -> list[Fact]:
    data = {**SEED, **changes}
    out = []
    for i, (k, v) in enumerate(data.items()):
        out.append(fact(k, v, row_no=i + 1, note=NAMES9 if k in LIST_IDS else None))
    return out


def test_seed_all_pass_except_name_count() -> None:
    checks = by_name(run_checks("2014-national", seed_facts()))
    failing = {n for n, c in checks.items() if c.ok is not True}
    assert failing == {f"nm.soft.count_eq_name_list[{i}]" for i in LIST_IDS}
    for i in LIST_IDS:
        c = checks[f"nm.soft.count_eq_name_list[{i}]"]
        assert (c.expected, c.actual, c.ok) == (10, 9, False)
    assert set(checks) >= {
        "e1.received_eq_channels", "e1.closed_eq_on_time_plus_extended", "e1.replies_eq_categories",
        "e1.denied_eq_reasons", "e1.review_eq_outcomes", "e1.litigation_eq_outcomes", "e1.staff_eq_full_plus_part",
        "e1.soft.normative_docs_le_issued", "e1.soft.channels_ge_proactive", "e1.soft.principal_le_press_conferences",
        "e1.soft.principal_le_online_interviews", "e1.soft.hotspots_le_channel_responses",
        "nm.approval_items_eq_parts", "nm.items_in_center_eq_parts", "nm.soft.items_in_center_le_approval_items",
        "nm.soft.townships_ge_service_centers", "nm.soft.villages_ge_agency_points",
    }


def test_seed_figures_and_details() -> None:
    checks = by_name(run_checks("2014-national", seed_facts()))
    rec = checks["e1.received_eq_channels"]
    assert (rec.expected, rec.actual, rec.ok) == (81, 81, True)
    assert rec.detail == "收到申请数 81 = 当面 39 + 传真 0 + 网络 8 + 信函 34"
    assert (checks["e1.closed_eq_on_time_plus_extended"].expected, checks["e1.closed_eq_on_time_plus_extended"].actual) == (81, 81)
    assert checks["e1.replies_eq_categories"].actual == 24 + 27 + 4 + 3 + 11 + 7 + 4 + 1
    assert checks["e1.denied_eq_reasons"].detail.startswith("不同意公开答复数 3 = 国家秘密 0 + 商业秘密 0 + 个人隐私 3")
    assert (checks["e1.staff_eq_full_plus_part"].expected, checks["e1.staff_eq_full_plus_part"].actual) == (65, 65)
    assert (checks["nm.approval_items_eq_parts"].expected, checks["nm.approval_items_eq_parts"].actual) == (113, 113)
    ch = checks["e1.soft.channels_ge_proactive"]
    assert (ch.expected, ch.actual, ch.ok) == (54835, 59763, True)
    assert "≤" in ch.detail
    hot = checks["e1.soft.hotspots_le_channel_responses"]
    assert (hot.expected, hot.actual, hot.ok) == (45839, 46279, True)
    assert checks["nm.soft.townships_ge_service_centers"].detail == "苏木乡镇街道办事处 265 ≥ 其中已建成便民服务中心 182"
    names = checks["nm.soft.count_eq_name_list[nm.service_system.county_centers_built]"]
    assert "10 ≠ 9 names" in names.detail


def test_every_emitted_check_is_described() -> None:
    for checks in (run_checks("2014-national", seed_facts()), run_checks("2019-trial", shanghai_2019()),
                   run_checks("2021", grid_2021()), run_checks("local", local_facts())):
        for c in checks:
            assert base(c.check) in CHECKS, c.check
    assert all(isinstance(v, str) and v for v in CHECKS.values())


@pytest.mark.parametrize(("change", "broken"), [
    ({"requests.received.in_person": 38}, "e1.received_eq_channels"),
    ({"requests.closed.extended": 5}, "e1.closed_eq_on_time_plus_extended"),
    ({"requests.replies.other_channel": 2}, "e1.replies_eq_categories"),
    ({"requests.replies.denied.other_legal": 1}, "e1.denied_eq_reasons"),
    ({"review.other": 1}, "e1.review_eq_outcomes"),
    ({"litigation.total": 3}, "e1.litigation_eq_outcomes"),
    ({"capacity.staff.part_time": 61}, "e1.staff_eq_full_plus_part"),
    ({"proactive.normative_docs_issued": 23}, "e1.soft.normative_docs_le_issued"),
    ({"response.channels.online_interviews.by_principal": 25}, "e1.soft.principal_le_online_interviews"),
    ({"response.hotspots": 46280}, "e1.soft.hotspots_le_channel_responses"),
    ({"nm.service_system.approval_items.non_licensing": 1}, "nm.approval_items_eq_parts"),
    ({"nm.service_system.villages.with_agency_point": 657}, "nm.soft.villages_ge_agency_points"),
])
def test_seed_broken_fails_exactly_that_identity(change: dict[str, object], broken: str) -> None:
    checks = run_checks("2014-national", seed_facts(**change))
    failing = {c.check for c in checks if c.ok is False} - {f"nm.soft.count_eq_name_list[{i}]" for i in LIST_IDS}
    assert failing == {broken}
    assert all(c.ok is True for c in checks if c.check not in failing and "count_eq_name_list" not in c.check)


def test_broken_detail_shows_both_sums() -> None:
    c = by_name(run_checks("2014-national", seed_facts(**{"requests.received.in_person": 38})))["e1.received_eq_channels"]
    assert (c.expected, c.actual, c.ok) == (81, 80, False)
    assert c.detail == "收到申请数 81 ≠ 当面 38 + 传真 0 + 网络 8 + 信函 34 (81 vs 80)"


# ---------------------------------------------------------------- blanks, NA, missing terms


def test_blank_addend_not_assessable_unless_blank_as_zero() -> None:
    fs = seed_facts(**{"requests.received.fax": None})
    c = by_name(run_checks("2014-national", fs))["e1.received_eq_channels"]
    assert (c.expected, c.actual, c.ok) == (81, None, None)
    assert c.detail == "not assessable (1 blank): 收到申请数 81 = 当面 39 + 传真 (blank) + 网络 8 + 信函 34"
    c = by_name(run_checks("2014-national", fs, blank_as_zero=True))["e1.received_eq_channels"]
    assert (c.expected, c.actual, c.ok) == (81, 81, True)
    assert "blank read as 0: 传真" in c.detail


def test_na_is_missing_even_with_blank_as_zero() -> None:
    fs = seed_facts(**{"requests.received.fax": "-"})
    for bz in (False, True):
        c = by_name(run_checks("2014-national", fs, blank_as_zero=bz))["e1.received_eq_channels"]
        assert c.ok is None and c.actual is None
        assert "传真 (na '-')" in c.detail


def test_missing_term_gives_none_and_no_terms_gives_nothing() -> None:
    fs = [f for f in seed_facts() if f.indicator_id != "requests.received.letter"]
    c = by_name(run_checks("2014-national", fs))["e1.received_eq_channels"]
    assert c.ok is None and c.expected == 81 and "信函 (missing)" in c.detail
    only_total = [fact("requests.received", 5)]
    assert [(c.check, c.ok) for c in run_checks("2014-national", only_total)] == [("e1.received_eq_channels", None)]
    assert run_checks("2014-national", [fact("training.courses", 3)]) == ()
    assert run_checks("2014-national", []) == ()


def test_text_value_not_assessable() -> None:
    c = by_name(run_checks("2014-national", seed_facts(**{"capacity.staff": "若干"})))["e1.staff_eq_full_plus_part"]
    assert c.ok is None and c.expected is None and c.actual == 65


def test_name_list_ending_in_deng_not_assessable() -> None:
    fs = [fact("nm.service_system.county_centers_built", 3, note="昆区、青山区等")]
    (c,) = run_checks("2014-national", fs)
    assert c.ok is None and "等" in c.detail
    fs = [fact("nm.service_system.county_centers_built", 2, note="昆区、青山区")]
    assert run_checks("2014-national", fs)[0].ok is True
    assert run_checks("2014-national", [fact("nm.service_system.county_centers_built", 2)]) == ()


def test_values_unchanged() -> None:
    fs = tuple(seed_facts(**{"requests.received.fax": None}))
    before = [(f, f.value) for f in fs]
    run_checks("2014-national", fs, blank_as_zero=True)
    assert [(f, f.value) for f in fs] == before
    assert all(a is b for a, b in zip(fs, [f for f, _ in before]))
    assert fs[[f.indicator_id for f in fs].index("requests.received.fax")].value.state == "blank"


def test_aggregated_table_checked_per_column() -> None:
    fs = [fact(k, v, column="区政府统计数") for k, v in SEED.items() if k.startswith("requests.closed")]
    fs += [fact("requests.closed", 10, column="乡镇街道统计数"), fact("requests.closed.on_time", 7, column="乡镇街道统计数"),
           fact("requests.closed.extended", 2, column="乡镇街道统计数")]
    checks = by_name(run_checks("2014-national", fs))
    assert checks["e1.closed_eq_on_time_plus_extended[区政府统计数]"].ok is True
    bad = checks["e1.closed_eq_on_time_plus_extended[乡镇街道统计数]"]
    assert bad.ok is False and bad.detail.startswith("乡镇街道统计数: 申请办结数 10 ≠")


def test_duplicate_id_uses_first_and_says_so() -> None:
    fs = seed_facts() + [fact("requests.received", 90, row_no=999)]
    c = by_name(run_checks("2014-national", fs))["e1.received_eq_channels"]
    assert c.ok is True and "more than once" in c.detail


# ---------------------------------------------------------------- local (Shanghai-coded) forms


def local_facts(**changes: object) -> list[Fact]:
    cur = {
        "e0.proactive.total": 120, "e0.proactive.total.full_text_electronic": 118,
        "e0.requests.received": 20, "e0.requests.received.in_person": 5, "e0.requests.received.fax": 0,
        "e0.requests.received.email": 3, "e0.requests.received.online": 9, "e0.requests.received.letter": 2,
        "e0.requests.received.other": 1,
        "e0.requests.replies": 18, "e0.requests.replies.granted": 10, "e0.requests.replies.partially_granted": 2,
        "e0.requests.replies.denied": 6,
        "e0.requests.replies.denied.not_gov_info": 1, "e0.requests.replies.denied.not_exist": 2,
        "e0.requests.replies.denied.not_held": 1, "e0.requests.replies.denied.unclear": 0,
        **{f"e0.requests.replies.denied.exempt_{i}": (1 if i == 3 else 0) for i in range(1, 7)},
        "e0.requests.replies.denied.other": 1,
        "e0.appeal.total": 1, "e0.appeal.first_handling_dissatisfied": 1,
    }
    cum = {k: (v * 3 if isinstance(v, int) else v) for k, v in cur.items()}
    for k, v in changes.items():
        col, iid = k.split(":")
        (cur if col == "本期实际" else cum)[iid] = v
    return facts(cur, column="本期实际") + facts(cum, column="本年累计")


def test_local_checks_per_column() -> None:
    checks = by_name(run_checks("local", local_facts()))
    for col in ("本期实际", "本年累计"):
        for name in ("e0.received_eq_channels", "e0.replies_eq_outcomes", "e0.denied_eq_reasons",
                     "e0.soft.full_text_le_proactive", "e0.soft.first_handling_le_appeals"):
            assert checks[f"{name}[{col}]"].ok is True, checks[f"{name}[{col}]"]
    assert checks["e0.received_eq_channels[本期实际]"].detail == (
        "本期实际: 申请总数 20 = 当面 5 + 传真 0 + 电子邮件 3 + 网上 9 + 信函 2 + 其他形式 1")
    broken = run_checks("local", local_facts(**{"本年累计:e0.requests.replies.denied.exempt_6": 1}))
    assert {c.check for c in broken if c.ok is False} == {"e0.denied_eq_reasons[本年累计]"}
    # e1 ids are not checked under the local template, nor e0 under 2014-national
    assert run_checks("2014-national", local_facts()) == ()


# ---------------------------------------------------------------- 2019 trial format (Shanghai 2019-like)

COLS = ("natural_person", "legal.commercial", "legal.research", "legal.public_interest",
        "legal.legal_services", "legal.other", "total")
LEAVES_COMMON = (
    "t3.results.granted", "t3.results.partial",
    *(f"t3.results.denied.{x}" for x in ("state_secret", "law_forbidden", "security_stability", "third_party",
                                          "internal_affairs", "process_info", "enforcement_file", "admin_query")),
    *(f"t3.results.unable.{x}" for x in ("not_held", "needs_creation", "unclear")),
    *(f"t3.results.not_processed.{x}" for x in ("petition", "repeat", "publication", "excessive", "confirmation")),
)
LEAVES_2019 = (*LEAVES_COMMON, "t3.results.other")
LEAVES_2021 = (*LEAVES_COMMON, "t3.results.other.no_amendment", "t3.results.other.fee_unpaid", "t3.results.other.other")

# Shanghai 2019 自然人: 258 + 3 + (14 + 5 + 3 + 10) + (252 + 44 + 25) + (148 + 5) + 0 = 767
NATURAL = {
    "t3.new_received": 821, "t3.carried_over": 18,
    "t3.results.granted": 258, "t3.results.partial": 3,
    "t3.results.denied.law_forbidden": 14, "t3.results.denied.third_party": 5,
    "t3.results.denied.process_info": 3, "t3.results.denied.admin_query": 10,
    "t3.results.unable.not_held": 252, "t3.results.unable.needs_creation": 44, "t3.results.unable.unclear": 25,
    "t3.results.not_processed.petition": 148, "t3.results.not_processed.repeat": 5,
    "t3.results.total": 767, "t3.carried_forward": 72,
}
# 商业企业: 12 + 1 + 2 + 12 + 3 + 1 + 4 = 35
COMMERCIAL = {
    "t3.new_received": 35, "t3.results.granted": 12, "t3.results.partial": 1,
    "t3.results.denied.third_party": 2, "t3.results.unable.not_held": 12, "t3.results.unable.needs_creation": 3,
    "t3.results.unable.unclear": 1, "t3.results.not_processed.petition": 4, "t3.results.total": 35,
}
LEGAL_SERVICES = {"t3.new_received": 2, "t3.results.granted": 2, "t3.results.total": 2}
LEGAL_OTHER = {"t3.new_received": 1, "t3.results.unable.not_held": 1, "t3.results.total": 1}
T4_SHANGHAI = {
    "t4.review.upheld": 5, "t4.review.corrected": 0, "t4.review.other": 0, "t4.review.pending": 2, "t4.review.total": 7,
    **{f"t4.suit_direct.{k}": v for k, v in (("upheld", 8), ("corrected", 0), ("other", 0), ("pending", 1), ("total", 9))},
    **{f"t4.suit_after_review.{k}": 0 for k in ("upheld", "corrected", "other", "pending", "total")},
}
T2_2019 = {
    "t2.art20_1.rules.new_made": 13, "t2.art20_1.rules.new_published": 13, "t2.art20_1.rules.total_published": 524,
    "t2.art20_1.normative_docs.new_made": 60, "t2.art20_1.normative_docs.new_published": 60,
    "t2.art20_1.normative_docs.total_published": 368,
}


def t3_grid(leaves: tuple[str, ...], *, zeros: bool, totals: bool) -> dict[str, object]:
    """Full 表三 cell map. ``zeros``: zero cells printed as 0 (else blank); ``totals``: the 总计 cells of
    the intermediate rows filled (else blank, as Shanghai 2019 prints them)."""
    per_col = {"natural_person": NATURAL, "legal.commercial": COMMERCIAL, "legal.legal_services": LEGAL_SERVICES,
               "legal.other": LEGAL_OTHER, "legal.research": {}, "legal.public_interest": {}}
    rows = ("t3.new_received", "t3.carried_over", *leaves, "t3.results.total", "t3.carried_forward")
    grid: dict[str, object] = {}
    for row in rows:
        row_sum = 0
        for col in COLS[:-1]:
            v = per_col[col].get(row, 0)
            row_sum += v
            grid[f"{row}.{col}"] = v if v or zeros else None
        printed_total = totals or row in ("t3.new_received", "t3.carried_over", "t3.results.total", "t3.carried_forward")
        grid[f"{row}.total"] = row_sum if printed_total and (row_sum or zeros) else None
    return grid


def shanghai_2019(*, zeros: bool = True, totals: bool = True, **changes: object) -> list[Fact]:
    t3 = {**t3_grid(LEAVES_2019, zeros=zeros, totals=totals), **changes}
    return facts(T2_2019, table_no=1) + facts(t3, table_no=2) + facts(T4_SHANGHAI, table_no=3)


def grid_2021(**changes: object) -> list[Fact]:
    leaves = {**{k: v for k, v in NATURAL.items() if k != "t3.results.total"}}
    NAT21 = {**leaves, "t3.results.not_processed.repeat": 2, "t3.results.other.no_amendment": 2,
             "t3.results.other.other": 1, "t3.results.total": 767}
    grid: dict[str, object] = {}
    rows = ("t3.new_received", "t3.carried_over", *LEAVES_2021, "t3.results.total", "t3.carried_forward")
    for row in rows:
        grid[f"{row}.natural_person"] = NAT21.get(row, 0)
        for col in COLS[1:-1]:
            grid[f"{row}.{col}"] = 0
        grid[f"{row}.total"] = NAT21.get(row, 0)
    grid.update(changes)
    return facts(grid, table_no=2) + facts(T4_SHANGHAI, table_no=3)


def test_grid_figures_add_up() -> None:
    g = t3_grid(LEAVES_2019, zeros=True, totals=True)
    assert g["t3.new_received.total"] == 859 and g["t3.results.total.total"] == 805
    assert g["t3.carried_forward.total"] == 72 and g["t3.carried_over.total"] == 18


def test_shanghai_2019_full_grid_passes() -> None:
    checks = by_name(run_checks("2019-trial", shanghai_2019()))
    assert all(c.ok is True for c in checks.values()), [c for c in checks.values() if c.ok is not True]
    assert len([n for n in checks if n.startswith("t3.row_identity[")]) == 7
    assert len([n for n in checks if n.startswith("t3.col_identity[")]) == 23
    assert len([n for n in checks if n.startswith("t3.results_total_eq_leaves[")]) == 7
    assert len([n for n in checks if n.startswith("t4.total_eq_outcomes[")]) == 3
    assert len([n for n in checks if n.startswith("t2.soft.total_published_ge_new_published[")]) == 2
    row = checks["t3.row_identity[t3.col.total]"]
    assert (row.expected, row.actual) == (859 + 18, 805 + 72)
    assert row.detail == "总计: 一新收 859 + 二上年结转 18 = （七）总计 805 + 四结转下年 72"
    nat = checks["t3.row_identity[t3.col.natural_person]"]
    assert (nat.expected, nat.actual) == (839, 839)
    col = checks["t3.col_identity[t3.new_received]"]
    assert col.detail == "一新收: 总计 859 = 自然人 821 + 商业企业 35 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 2 + 其他法人 1"
    col7 = checks["t3.col_identity[t3.results.total]"]
    assert (col7.expected, col7.actual) == (805, 767 + 35 + 2 + 1)
    assert checks["t3.results_total_eq_leaves[t3.col.natural_person]"].actual == 767
    assert checks["t3.results_total_eq_leaves[t3.col.legal.commercial]"].actual == 35
    assert checks["t4.total_eq_outcomes[t4.review]"].detail == "行政复议: 总计 7 = 维持 5 + 纠正 0 + 其他 0 + 尚未审结 2"
    assert checks["t4.total_eq_outcomes[t4.suit_direct]"].expected == 9
    t2 = checks["t2.soft.total_published_ge_new_published[t2.art20_1.rules]"]
    assert (t2.expected, t2.actual, t2.ok) == (524, 13, True)


def test_shanghai_2019_as_printed_blank_totals_and_blank_zeros() -> None:
    """Totals of rows （一）–（六） blank, zero cells blank: nothing fails; blank totals skip the row."""
    fs = shanghai_2019(zeros=False, totals=False)
    checks = by_name(run_checks("2019-trial", fs))
    assert not [c for c in checks.values() if c.ok is False]
    col_rows = {n for n in checks if n.startswith("t3.col_identity[")}
    assert col_rows == {f"t3.col_identity[{r}]" for r in
                        ("t3.new_received", "t3.carried_over", "t3.results.total", "t3.carried_forward")}
    # natural-person column has blanks among the leaves → not assessable without blank_as_zero
    assert checks["t3.results_total_eq_leaves[t3.col.natural_person]"].ok is None
    assert checks["t3.results_total_eq_leaves[t3.col.total]"].ok is None
    assert checks["t3.row_identity[t3.col.total]"].ok is True
    # with blank_as_zero every row is checked; blank totals of rows （一）–（六） read as 0 fail and say so
    checks = by_name(run_checks("2019-trial", fs, blank_as_zero=True))
    assert checks["t3.results_total_eq_leaves[t3.col.natural_person]"].ok is True
    assert checks["t3.row_identity[t3.col.legal.research]"].ok is True
    granted = checks["t3.col_identity[t3.results.granted]"]
    assert granted.ok is False and "blank read as 0: 总计" in granted.detail
    assert checks["t3.col_identity[t3.new_received]"].ok is True


@pytest.mark.parametrize(("change", "broken"), [
    ({"t3.new_received.natural_person": 820},
     {"t3.row_identity[t3.col.natural_person]", "t3.col_identity[t3.new_received]"}),
    ({"t3.results.unable.unclear.legal.commercial": 2},
     {"t3.col_identity[t3.results.unable.unclear]", "t3.results_total_eq_leaves[t3.col.legal.commercial]"}),
    ({"t3.results.total.total": 806},
     {"t3.row_identity[t3.col.total]", "t3.col_identity[t3.results.total]", "t3.results_total_eq_leaves[t3.col.total]"}),
    ({"t4.review.total": 8}, {"t4.total_eq_outcomes[t4.review]"}),
    ({"t2.art20_1.normative_docs.total_published": 59}, {"t2.soft.total_published_ge_new_published[t2.art20_1.normative_docs]"}),
])
def test_2019_broken_cell_fails_exactly_its_identities(change: dict[str, object], broken: set[str]) -> None:
    t2 = {k: v for k, v in change.items() if k.startswith("t2.")}
    t4 = {k: v for k, v in change.items() if k.startswith("t4.")}
    t3 = {k: v for k, v in change.items() if k.startswith("t3.")}
    fs = (facts({**T2_2019, **t2}, table_no=1) + facts({**t3_grid(LEAVES_2019, zeros=True, totals=True), **t3}, table_no=2)
          + facts({**T4_SHANGHAI, **t4}, table_no=3))
    checks = run_checks("2019-trial", fs)
    assert {c.check for c in checks if c.ok is False} == broken
    assert all(c.ok is True for c in checks if c.check not in broken)


def test_t4_blank_cells() -> None:
    t4 = {**T4_SHANGHAI, "t4.review.corrected": None, "t4.review.other": None}
    checks = by_name(run_checks("2019-trial", facts(t4, table_no=3)))
    assert checks["t4.total_eq_outcomes[t4.review]"].ok is None
    assert checks["t4.total_eq_outcomes[t4.suit_direct]"].ok is True
    checks = by_name(run_checks("2019-trial", facts(t4, table_no=3), blank_as_zero=True))
    assert checks["t4.total_eq_outcomes[t4.review]"].ok is True
    assert set(checks) == {f"t4.total_eq_outcomes[{g}]" for g in ("t4.review", "t4.suit_direct", "t4.suit_after_review")}


# ---------------------------------------------------------------- 2021 format


def test_2021_uses_three_other_subrows() -> None:
    checks = by_name(run_checks("2021", grid_2021()))
    assert all(c.ok is True for c in checks.values()), [c for c in checks.values() if c.ok is not True]
    assert len([n for n in checks if n.startswith("t3.col_identity[")]) == 25
    leaves = checks["t3.results_total_eq_leaves[t3.col.natural_person]"]
    assert "（六）1逾期不补正 2" in leaves.detail and "（六）3其他 1" in leaves.detail
    broken = run_checks("2021", grid_2021(**{"t3.results.other.fee_unpaid.natural_person": 1,
                                            "t3.results.other.fee_unpaid.total": 1}))
    assert {c.check for c in broken if c.ok is False} == {"t3.results_total_eq_leaves[t3.col.natural_person]",
                                                          "t3.results_total_eq_leaves[t3.col.total]"}


def test_template_picks_row_list() -> None:
    # the 2021 grid under the 2019 template: the 2019 （六） row is missing → leaves not assessable
    checks = by_name(run_checks("2019-trial", grid_2021()))
    assert checks["t3.results_total_eq_leaves[t3.col.natural_person]"].ok is None
    # unknown template: chosen by the ids present
    assert all(c.ok is True for c in run_checks("unknown", grid_2021()))
    assert all(c.ok is True for c in run_checks("unknown", shanghai_2019()))
    assert all(c.ok is not False for c in run_checks("unknown", seed_facts()) if "name_list" not in c.check)


def test_money_tolerance() -> None:
    from parsers.checks import _compare

    assert _compare(100.0, "=", 100.00000001, money=True)
    assert not _compare(100.0, "=", 100.001, money=True)
    assert not _compare(100.0, "=", 100.00000001, money=False)
    assert _compare(0.3, "=", 0.1 + 0.2, money=False)
