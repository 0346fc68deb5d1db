"""Arithmetic consistency checks on the facts of one report (formats.md §5, §3).

Why: the statistics tables tie their numbers together (received = Σ channels, 表三's printed
勾稽关系 …). Evaluating those identities flags misread cells and internally inconsistent
reports. Checks only *flag*: they never change, derive or reject values.

Every identity is a row of a table, ``lhs <op> rhs`` over indicator ids:

* ``expected`` = Σ lhs (the printed total or bound, e.g. 收到申请数),
  ``actual`` = Σ rhs (the computed sum), ``ok`` = ``expected <op> actual``.
* ``ok is None`` (not assessable) when a term has no fact, or is ``na``/text, or is blank while
  ``blank_as_zero`` is off. No check is emitted when none of its terms has a fact.
* Counts compare exactly (an absolute slack of 1e-9 only absorbs float noise); money (a unit
  ending in 元) within 1e-6 relative.

Names: ``<base>`` or ``<base>[<scope>]``. ``CHECKS`` is keyed by ``<base>``; the scope is

* for era-1 and local identities, the value column (``本期实际``, ``本年累计``, ``区政府统计数`` …)
  when the table has named value columns, none otherwise;
* for 表三 the ``col_id`` (``t3.col.natural_person`` …) or ``row_id`` (``t3.new_received`` …) of
  ``indicators_era2_cells.csv``; for 表四 the group (``t4.review`` …); for 表二 the row id;
* for the name-list check the indicator id (plus ``; <column>`` for several value columns).

``.soft.`` in a name marks an inequality the form implies but does not print; a failing soft
check is a flag for a person, not necessarily an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from .model import Check, Fact, new_check

__all__ = ["CHECKS", "run_checks"]

Term = tuple[str, str]  # (indicator_id, short label used in ``detail``)

_OPS = {"=": ("=", "≠"), "<=": ("≤", ">"), ">=": ("≥", "<")}
_COUNT_ABS_TOL = 1e-9
_MONEY_REL_TOL = 1e-6


@dataclass(frozen=True, slots=True)
class _Identity:
    """One row of the identity table."""

    base: str  # key of CHECKS
    lhs: tuple[Term, ...]
    op: str  # "=", "<=", ">="
    rhs: tuple[Term, ...]
    scope: str | None = None  # scope id written into the name: base[scope]
    scope_label: str | None = None  # human label of the scope, first in ``detail``
    per_column: bool = True  # era 1 / local: evaluate once per Fact.column
    skip_blank_lhs: bool = False  # 表三 column identity: a blank 总计 is not a claim
    ids: tuple[str, ...] = ()  # indicator ids of lhs + rhs (set by ``_rule``)
    labels: tuple[str, ...] = ()  # their labels
    # ``detail`` as ``%`` templates, one ``%s`` per term for what follows its label (set by
    # ``_rule``): built once here instead of joining labels and symbols for every check
    when_ok: str = ""  # ``a%s + b%s = c%s``
    when_bad: str = ""  # ``a%s + b%s ≠ c%s``
    when_na: str = ""  # ``not assessable (%s): a%s + b%s = c%s`` (first ``%s``: why)


def _templates(lhs: tuple[Term, ...], op: str, rhs: tuple[Term, ...]) -> tuple[str, str, str]:
    """``_Identity.when_ok``/``when_bad``/``when_na`` (labels ``%``-escaped)."""
    def side(terms: tuple[Term, ...]) -> str:
        return " + ".join(label.replace("%", "%%") + "%s" for _, label in terms)

    sym_ok, sym_bad = _OPS[op]
    ok, bad = f"{side(lhs)} {sym_ok} {side(rhs)}", f"{side(lhs)} {sym_bad} {side(rhs)}"
    return ok, bad, "not assessable (%s): " + ok


def _rule(base: str, lhs: Iterable[Term], op: str, rhs: Iterable[Term], **kw: object) -> _Identity:
    lhs, rhs = tuple(lhs), tuple(rhs)
    ids = tuple(t for t, _ in lhs + rhs)
    labels = tuple(label for _, label in lhs + rhs)
    when_ok, when_bad, when_na = _templates(lhs, op, rhs)
    return _Identity(base, lhs, op, rhs, **kw, ids=ids, labels=labels,  # type: ignore[arg-type]
                     when_ok=when_ok, when_bad=when_bad, when_na=when_na)


# --------------------------------------------------------------------------- descriptions

CHECKS: Mapping[str, str] = {
    # 2014–2018 national form (国办发〔2014〕32号)
    "e1.received_eq_channels": "收到申请数 = 当面 + 传真 + 网络 + 信函 (scope: value column, if several)",
    "e1.closed_eq_on_time_plus_extended": "申请办结数 = 按时办结数 + 延期办结数",
    "e1.replies_eq_categories": "申请答复数 = Σ reply categories 1–8",
    "e1.denied_eq_reasons": "不同意公开答复数 = Σ its six 其中 reasons",
    "e1.review_eq_outcomes": "行政复议数量 = 维持 + 纠错 + 其他情形",
    "e1.litigation_eq_outcomes": "行政诉讼数量 = 维持/驳回 + 纠错 + 其他情形",
    "e1.staff_eq_full_plus_part": "从事政府信息公开工作人员数 = 专职 + 兼职",
    "e1.soft.normative_docs_le_issued": "Soft: 主动公开规范性文件数 ≤ 制发规范性文件总数",
    "e1.soft.normative_docs_le_proactive": "Soft: 其中 主动公开规范性文件数 ≤ 主动公开政府信息数",
    "e1.soft.channels_ge_proactive": "Soft: Σ channel counts (公报, 网站, 微博, 微信, 其他) ≥ 主动公开政府信息数 (one item on several channels counts once)",
    "e1.soft.principal_le_press_conferences": "Soft: 其中 主要负责同志参加新闻发布会次数 ≤ 参加或举办新闻发布会总次数",
    "e1.soft.principal_le_online_interviews": "Soft: 其中 主要负责同志参加在线访谈次数 ≤ 政府网站在线访谈次数",
    "e1.soft.hotspots_le_channel_responses": "Soft: 回应公众关注热点或重大舆情数 ≤ Σ responses by channel (发布会 + 访谈 + 解读稿件 + 微博微信 + 其他)",
    # Inner Mongolia extension (sections 十, 十一)
    "nm.approval_items_eq_parts": "盟市本级现有行政审批项目 = 行政许可 + 非行政许可审批项目",
    "nm.items_in_center_eq_parts": "已进驻政务服务中心办理行政审批项目 = 行政许可 + 非行政许可审批项目",
    "nm.soft.items_in_center_le_approval_items": "Soft: 已进驻政务服务中心的审批项目 ≤ 现有行政审批项目",
    "nm.soft.townships_ge_service_centers": "Soft: 苏木乡镇街道办事处 ≥ 其中已建成综合便民服务中心",
    "nm.soft.villages_ge_agency_points": "Soft: 嘎查村 ≥ 其中已建成便民代办点",
    "nm.soft.count_eq_name_list": "Soft: a 旗县 count equals the number of names listed with it (`10个,昆区、…`); scope: indicator id; not assessable when the list ends in 等",
    # pre-2014 local forms (Shanghai-2004 style, coded rows)
    "e0.received_eq_channels": "申请总数(10) = Σ channels 11–16 (scope: 本期实际 / 本年累计 column)",
    "e0.replies_eq_outcomes": "对申请的答复总数(17) = 同意(18) + 同意部分(19) + 否决(20)",
    "e0.denied_eq_reasons": "否决公开答复总数(20) = Σ reasons 21–31",
    "e0.soft.full_text_le_proactive": "Soft: 其中 全文电子化的主动公开信息数(02) ≤ 主动公开信息数(01)",
    "e0.soft.first_handling_le_appeals": "Soft: 其中 对本部门首次处理不满意的行政申诉数(35) ≤ 行政申诉数(34)",
    # 2019 trial format and 2021 format
    "t3.row_identity": "表三 printed 勾稽关系 per column: 一 新收 + 二 上年结转 = （七）总计 + 四 结转下年; scope: col_id",
    "t3.col_identity": "表三 per row: 总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他; scope: row_id; rows with a blank 总计 are skipped unless blank_as_zero",
    "t3.results_total_eq_leaves": "表三 per column: （七）总计 = Σ leaf result rows （一）…（六） (2019: （六） one row; 2021: its 3 sub-rows); scope: col_id",
    "t4.total_eq_outcomes": "表四 per group: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结; scope: t4.review, t4.suit_direct, t4.suit_after_review",
    "t2.soft.total_published_ge_new_published": "Soft, 2019 表二 第二十条第（一）项: 对外公开总数量 ≥ 本年新公开数量; scope: row id",
}

# --------------------------------------------------------------------------- era 1 (2014–2018)

_E1: tuple[_Identity, ...] = (
    _rule("e1.received_eq_channels", [("requests.received", "收到申请数")], "=", [
        ("requests.received.in_person", "当面"), ("requests.received.fax", "传真"),
        ("requests.received.online", "网络"), ("requests.received.letter", "信函")]),
    _rule("e1.closed_eq_on_time_plus_extended", [("requests.closed", "申请办结数")], "=", [
        ("requests.closed.on_time", "按时"), ("requests.closed.extended", "延期")]),
    _rule("e1.replies_eq_categories", [("requests.replies", "申请答复数")], "=", [
        ("requests.replies.already_public", "已主动公开"), ("requests.replies.granted", "同意公开"),
        ("requests.replies.partially_granted", "同意部分公开"), ("requests.replies.denied", "不同意公开"),
        ("requests.replies.not_this_agency", "不属于本机关"), ("requests.replies.not_exist", "信息不存在"),
        ("requests.replies.asked_to_amend", "告知更改补充"), ("requests.replies.other_channel", "告知其他途径")]),
    _rule("e1.denied_eq_reasons", [("requests.replies.denied", "不同意公开答复数")], "=", [
        ("requests.replies.denied.state_secret", "国家秘密"), ("requests.replies.denied.commercial_secret", "商业秘密"),
        ("requests.replies.denied.personal_privacy", "个人隐私"),
        ("requests.replies.denied.security_stability", "危及安全稳定"),
        ("requests.replies.denied.not_gov_info", "非政府信息"), ("requests.replies.denied.other_legal", "其他情形")]),
    _rule("e1.review_eq_outcomes", [("review.total", "行政复议数量")], "=", [
        ("review.upheld", "维持"), ("review.corrected", "纠错"), ("review.other", "其他")]),
    _rule("e1.litigation_eq_outcomes", [("litigation.total", "行政诉讼数量")], "=", [
        ("litigation.upheld", "维持"), ("litigation.corrected", "纠错"), ("litigation.other", "其他")]),
    _rule("e1.staff_eq_full_plus_part", [("capacity.staff", "工作人员数")], "=", [
        ("capacity.staff.full_time", "专职"), ("capacity.staff.part_time", "兼职")]),
    _rule("e1.soft.normative_docs_le_issued", [("proactive.normative_docs_issued", "制发规范性文件总数")], ">=", [
        ("proactive.total.normative_docs", "主动公开规范性文件数")]),
    _rule("e1.soft.normative_docs_le_proactive", [("proactive.total", "主动公开政府信息数")], ">=", [
        ("proactive.total.normative_docs", "其中规范性文件")]),
    _rule("e1.soft.channels_ge_proactive", [("proactive.total", "主动公开政府信息数")], "<=", [
        ("proactive.channels.gazette", "公报"), ("proactive.channels.website", "网站"),
        ("proactive.channels.weibo", "微博"), ("proactive.channels.wechat", "微信"),
        ("proactive.channels.other", "其他")]),
    _rule("e1.soft.principal_le_press_conferences", [("response.channels.press_conferences", "新闻发布会")], ">=", [
        ("response.channels.press_conferences.by_principal", "其中主要负责同志")]),
    _rule("e1.soft.principal_le_online_interviews", [("response.channels.online_interviews", "在线访谈")], ">=", [
        ("response.channels.online_interviews.by_principal", "其中主要负责同志")]),
    _rule("e1.soft.hotspots_le_channel_responses", [("response.hotspots", "回应热点舆情数")], "<=", [
        ("response.channels.press_conferences", "发布会"), ("response.channels.online_interviews", "访谈"),
        ("response.channels.interpretation_articles", "解读稿件"), ("response.channels.weibo_wechat", "微博微信"),
        ("response.channels.other", "其他")]),
)

_NM_ITEMS = "nm.service_system.approval_items"
_NM_CENTER = "nm.service_system.items_in_center"
_NM: tuple[_Identity, ...] = (
    _rule("nm.approval_items_eq_parts", [(_NM_ITEMS, "现有行政审批项目")], "=", [
        (f"{_NM_ITEMS}.licensing", "行政许可"), (f"{_NM_ITEMS}.non_licensing", "非行政许可")]),
    _rule("nm.items_in_center_eq_parts", [(_NM_CENTER, "已进驻中心项目")], "=", [
        (f"{_NM_CENTER}.licensing", "行政许可"), (f"{_NM_CENTER}.non_licensing", "非行政许可")]),
    _rule("nm.soft.items_in_center_le_approval_items", [(_NM_ITEMS, "现有行政审批项目")], ">=", [
        (_NM_CENTER, "已进驻中心项目")]),
    _rule("nm.soft.townships_ge_service_centers", [("nm.service_system.township_offices", "苏木乡镇街道办事处")], ">=", [
        ("nm.service_system.township_offices.with_service_center", "其中已建成便民服务中心")]),
    _rule("nm.soft.villages_ge_agency_points", [("nm.service_system.villages", "嘎查村")], ">=", [
        ("nm.service_system.villages.with_agency_point", "其中已建成便民代办点")]),
)

#: Counts printed with a list of names (``10个,昆区、青山区…``).
_NAME_LIST_IDS: tuple[Term, ...] = (
    ("nm.service_system.county_centers_built", "已建成政务服务中心"),
    ("nm.service_system.county_centers_building", "在建政务服务中心"),
    ("nm.service_system.county_centers_none", "未建政务服务中心"),
    ("nm.service_system.county_e_supervision", "已配备电子监察系统"),
)

# --------------------------------------------------------------------------- local (pre-2014)

_E0: tuple[_Identity, ...] = (
    _rule("e0.received_eq_channels", [("e0.requests.received", "申请总数")], "=", [
        ("e0.requests.received.in_person", "当面"), ("e0.requests.received.fax", "传真"),
        ("e0.requests.received.email", "电子邮件"), ("e0.requests.received.online", "网上"),
        ("e0.requests.received.letter", "信函"), ("e0.requests.received.other", "其他形式")]),
    _rule("e0.replies_eq_outcomes", [("e0.requests.replies", "答复总数")], "=", [
        ("e0.requests.replies.granted", "同意"), ("e0.requests.replies.partially_granted", "同意部分"),
        ("e0.requests.replies.denied", "否决")]),
    _rule("e0.denied_eq_reasons", [("e0.requests.replies.denied", "否决公开答复总数")], "=", [
        ("e0.requests.replies.denied.not_gov_info", "非政府信息"), ("e0.requests.replies.denied.not_exist", "信息不存在"),
        ("e0.requests.replies.denied.not_held", "非本部门掌握"), ("e0.requests.replies.denied.unclear", "内容不明确"),
        *((f"e0.requests.replies.denied.exempt_{i}", f"免予公开{i}") for i in range(1, 7)),
        ("e0.requests.replies.denied.other", "其它原因")]),
    _rule("e0.soft.full_text_le_proactive", [("e0.proactive.total", "主动公开信息数")], ">=", [
        ("e0.proactive.total.full_text_electronic", "其中全文电子化")]),
    _rule("e0.soft.first_handling_le_appeals", [("e0.appeal.total", "行政申诉数")], ">=", [
        ("e0.appeal.first_handling_dissatisfied", "其中首次处理不满意")]),
)

# --------------------------------------------------------------------------- era 2 (2019+)

#: 表三 value columns: (suffix of the cell id, label).
_T3_COLS: tuple[Term, ...] = (
    ("natural_person", "自然人"), ("legal.commercial", "商业企业"), ("legal.research", "科研机构"),
    ("legal.public_interest", "社会公益组织"), ("legal.legal_services", "法律服务机构"),
    ("legal.other", "其他法人"), ("total", "总计"),
)
_T3_NEW: Term = ("t3.new_received", "一新收")
_T3_OVER: Term = ("t3.carried_over", "二上年结转")
_T3_TOTAL: Term = ("t3.results.total", "（七）总计")
_T3_FORWARD: Term = ("t3.carried_forward", "四结转下年")
_T3_LEAVES_COMMON: tuple[Term, ...] = (
    ("t3.results.granted", "（一）予以公开"), ("t3.results.partial", "（二）部分公开"),
    ("t3.results.denied.state_secret", "（三）1国家秘密"), ("t3.results.denied.law_forbidden", "（三）2法规禁止"),
    ("t3.results.denied.security_stability", "（三）3三安全一稳定"), ("t3.results.denied.third_party", "（三）4第三方权益"),
    ("t3.results.denied.internal_affairs", "（三）5内部事务"), ("t3.results.denied.process_info", "（三）6过程性信息"),
    ("t3.results.denied.enforcement_file", "（三）7执法案卷"), ("t3.results.denied.admin_query", "（三）8行政查询"),
    ("t3.results.unable.not_held", "（四）1不掌握"), ("t3.results.unable.needs_creation", "（四）2需另行制作"),
    ("t3.results.unable.unclear", "（四）3仍不明确"),
    ("t3.results.not_processed.petition", "（五）1信访举报"), ("t3.results.not_processed.repeat", "（五）2重复申请"),
    ("t3.results.not_processed.publication", "（五）3公开出版物"), ("t3.results.not_processed.excessive", "（五）4大量反复"),
    ("t3.results.not_processed.confirmation", "（五）5确认或重新出具"),
)
_T3_LEAVES = {
    "2019": (*_T3_LEAVES_COMMON, ("t3.results.other", "（六）其他处理")),
    "2021": (*_T3_LEAVES_COMMON, ("t3.results.other.no_amendment", "（六）1逾期不补正"),
             ("t3.results.other.fee_unpaid", "（六）2逾期未缴费"), ("t3.results.other.other", "（六）3其他")),
}
_T4_GROUPS: tuple[Term, ...] = (
    ("t4.review", "行政复议"), ("t4.suit_direct", "未经复议直接起诉"), ("t4.suit_after_review", "复议后起诉"),
)
_T4_PARTS: tuple[Term, ...] = (("upheld", "维持"), ("corrected", "纠正"), ("other", "其他"), ("pending", "尚未审结"))
_T2_2019_ROWS: tuple[Term, ...] = (
    ("t2.art20_1.rules", "规章"), ("t2.art20_1.normative_docs", "规范性文件"),
    ("t2.art20_1.other_docs", "其他主动公开文件"),  # Hubei 2020 variant
)


def _cell(row: Term, col: Term, label: str | None = None) -> Term:
    return (f"{row[0]}.{col[0]}", label if label is not None else row[1])


def _t3(year: str) -> tuple[_Identity, ...]:
    """表三 identities for the 2019 or 2021 row list."""
    leaves = _T3_LEAVES[year]
    rows = (_T3_NEW, _T3_OVER, *leaves, _T3_TOTAL, _T3_FORWARD)
    out: list[_Identity] = []
    for col in _T3_COLS:
        out.append(_rule("t3.row_identity", [_cell(_T3_NEW, col), _cell(_T3_OVER, col)], "=",
                         [_cell(_T3_TOTAL, col), _cell(_T3_FORWARD, col)],
                         scope=f"t3.col.{col[0]}", scope_label=col[1], per_column=False))
    total_col = _T3_COLS[-1]
    for row in rows:
        out.append(_rule("t3.col_identity", [_cell(row, total_col, "总计")], "=",
                         [_cell(row, col, col[1]) for col in _T3_COLS[:-1]],
                         scope=row[0], scope_label=row[1], per_column=False, skip_blank_lhs=True))
    for col in _T3_COLS:
        out.append(_rule("t3.results_total_eq_leaves", [_cell(_T3_TOTAL, col)], "=",
                         [_cell(leaf, col) for leaf in leaves],
                         scope=f"t3.col.{col[0]}", scope_label=col[1], per_column=False))
    return tuple(out)


_T4: tuple[_Identity, ...] = tuple(
    _rule("t4.total_eq_outcomes", [_cell(group, ("total", "总计"), "总计")], "=",
          [_cell(group, part, part[1]) for part in _T4_PARTS],
          scope=group[0], scope_label=group[1], per_column=False)
    for group in _T4_GROUPS
)
_T2_2019: tuple[_Identity, ...] = tuple(
    _rule("t2.soft.total_published_ge_new_published", [_cell(row, ("total_published", ""), "对外公开总数量")], ">=",
          [_cell(row, ("new_published", ""), "本年新公开数量")],
          scope=row[0], scope_label=row[1], per_column=False)
    for row in _T2_2019_ROWS
)
_T3_2019 = _t3("2019")
_T3_2021 = _t3("2021")
#: Cell ids only the 2021 表三 has: decide the row list of an ``unknown`` template.
_ONLY_2021 = frozenset(_cell(leaf, col)[0] for leaf in _T3_LEAVES["2021"][-3:] for col in _T3_COLS)

_BY_TEMPLATE: dict[str, tuple[tuple[_Identity, ...], bool]] = {
    # template → (identities, run the name-list check)
    "2014-national": (_E1 + _NM, True),
    "local": (_E0, False),
    "2019-trial": (_T3_2019 + _T4 + _T2_2019, False),
    "2021": (_T3_2021 + _T4, False),
}

# --------------------------------------------------------------------------- evaluation


class _Read(NamedTuple):
    """One indicator as read for checks: its number, or why there is none, and what ``detail``
    prints after a term's label. Read once per indicator and lookup (a term appears in several
    identities: 表三's cells in three each); a named tuple, ~4× cheaper than a frozen dataclass."""

    number: float | None
    status: str  # number | blank0 | missing | blank | na | text
    fact: Fact | None
    shown: str  # after the label: `` 12``, `` 0``, `` (na '—')``, `` (missing)``
    money: bool  # its unit (printed or in the cell) ends in 元
    repeated: bool  # printed more than once with different values


_MISSING = _Read(None, "missing", None, " (missing)", False, False)
_NUMBER_OF = itemgetter(0)  # _Read.number, in C
_MONEY = itemgetter(4)  # _Read.money
_REPEATED = itemgetter(5)  # _Read.repeated
_SHOWN = itemgetter(3)  # _Read.shown


def _read(facts: Sequence[Fact], blank_as_zero: bool) -> _Read:
    if not facts:
        return _MISSING
    fact = facts[0]  # first in page order; duplicates are reported in ``detail``
    value = fact.value
    if value.state == "number" and value.number is not None:
        number, status, shown = value.number, "number", _shown(value.number)
    elif value.state == "blank" and blank_as_zero:
        number, status, shown = 0.0, "blank0", " 0"
    elif value.state in ("blank", "na"):
        number, status = None, value.state
        shown = f" ({status} {value.raw!r})" if status == "na" else f" ({status})"
    else:
        number, status, shown = None, "text", f" (text {value.raw!r})"
    money = bool(fact.unit and fact.unit.endswith("元")) or bool(value.unit and value.unit.endswith("元"))
    repeated = len(facts) > 1 and len({_key(f) for f in facts}) > 1
    return tuple.__new__(_Read, (number, status, fact, shown, money, repeated))  # _Read(...), one call fewer


@lru_cache(maxsize=4096)
def _shown(x: float) -> str:
    """`` 12``: a number as ``detail`` prints it after a label; memoised (small counts repeat;
    numbers equal as keys, 1 and 1.0 or 0.0 and -0.0, print the same)."""
    return f" {_fmt(x)}"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.10g}"


def _is_money(reads: Iterable[_Read]) -> bool:
    return any(map(_MONEY, reads))


def _compare(expected: float, op: str, actual: float, money: bool) -> bool:
    """``expected <op> actual``; exact for counts, 1e-6 relative for money."""
    if money:
        tol = _MONEY_REL_TOL * max(abs(expected), abs(actual))
    else:
        tol = _COUNT_ABS_TOL
    if op == "=":
        return abs(expected - actual) <= tol
    if op == "<=":
        return expected <= actual + tol
    return expected >= actual - tol


def _evaluate(ident: _Identity, lookup: Mapping[str, Sequence[Fact]], column: str | None,
              blank_as_zero: bool, memo: dict[str, _Read] | None = None) -> Check | None:
    """One identity on one lookup (indicator id → its facts, never an empty list); ``memo``
    keeps the indicators read from this lookup."""
    if lookup.keys().isdisjoint(ident.ids):
        return None  # none of its terms was printed
    if memo is None:
        memo = {}
    reads = []
    for tid in ident.ids:
        r = memo.get(tid)
        if r is None:
            r = memo[tid] = _read(lookup.get(tid, ()), blank_as_zero)
        reads.append(r)
    n_lhs = len(ident.lhs)
    if ident.skip_blank_lhs and n_lhs == 1 and reads[0].status == "blank":
        return None  # a blank 总计 makes no claim (formats.md §5 2019.7)
    numbers = list(map(_NUMBER_OF, reads))
    lhs_numbers, rhs_numbers = numbers[:n_lhs], numbers[n_lhs:]
    expected = None if None in lhs_numbers else math.fsum(lhs_numbers)  # type: ignore[arg-type]
    actual = None if None in rhs_numbers else math.fsum(rhs_numbers)  # type: ignore[arg-type]
    shown = tuple(map(_SHOWN, reads))
    if expected is None or actual is None:
        ok = None
        counts: dict[str, int] = {}
        for r in reads:
            if r.number is None:
                counts[r.status] = counts.get(r.status, 0) + 1
        why = ", ".join(f"{n} {status}" for status, n in counts.items())
        detail = ident.when_na % (why, *shown)
    else:
        ok = _compare(expected, ident.op, actual, _is_money(reads))
        detail = (ident.when_ok if ok else ident.when_bad) % shown
        if not ok and (n_lhs > 1 or len(reads) - n_lhs > 1):
            detail += f" ({_fmt(expected)} vs {_fmt(actual)})"
    labels = ident.labels
    zeros = [label for label, r in zip(labels, reads) if r.status == "blank0"] if blank_as_zero else None
    if zeros:
        detail += f"; blank read as 0: {'、'.join(zeros)}"
    dups = [label for label, r in zip(labels, reads) if r.repeated] if any(map(_REPEATED, reads)) else None
    if dups:
        detail += f"; printed more than once with different values (first used): {'、'.join(dups)}"
    name, prefix = _naming(ident.base, ident.scope, ident.scope_label, column)
    return new_check(name, expected, actual, ok, prefix + detail)  # Check(check, expected, actual, ok, detail)


@lru_cache(maxsize=1024)
def _naming(base: str, scope: str | None, scope_label: str | None, column: str | None) -> tuple[str, str]:
    """A check's name (``base[scope; column]``) and the prefix of its ``detail``
    (``scope label / column: ``); the same few per identity, so memoised."""
    scope_parts = [p for p in (scope, column) if p]
    name = f"{base}[{'; '.join(scope_parts)}]" if scope_parts else base
    label_parts = [p for p in (scope_label, column) if p]
    return name, f"{' / '.join(label_parts)}: " if label_parts else ""


def _key(fact: Fact) -> tuple[str, float | None]:
    return (fact.value.state, fact.value.number)


_NAME_SPLIT = re.compile(r"[、，,；;\s]+")


def _names(note: str) -> list[str]:
    note = note.strip().strip("()（）[]【】:：")
    return [n for n in _NAME_SPLIT.split(note) if n]


def _name_list_check(term: Term, facts: Sequence[Fact], column: str | None) -> Check | None:
    """Soft: ``10个,昆区、青山区…`` — does the count match the names listed?"""
    tid, label = term
    if not facts:
        return None
    value = facts[0].value
    if value.state != "number" or value.number is None or not value.note:
        return None  # no list printed: nothing to compare
    names = _names(value.note)
    if not names:
        return None
    scope = f"{tid}; {column}" if column else tid
    name = f"nm.soft.count_eq_name_list[{scope}]"
    shown = "、".join(names[:3]) + ("…" if len(names) > 3 else "")
    prefix = f"{column}: " if column else ""
    if names[-1].endswith("等"):
        return Check(name, value.number, float(len(names)), None,
                     f"{prefix}not assessable (list ends in 等): {label} {_fmt(value.number)} vs {len(names)} names ({shown})")
    ok = value.number == len(names)
    rel = "=" if ok else "≠"
    return Check(name, value.number, float(len(names)), ok,
                 f"{prefix}{label} {_fmt(value.number)} {rel} {len(names)} names listed ({shown})")


def _identities_for(template: str, ids: set[str]) -> tuple[tuple[_Identity, ...], bool]:
    if template in _BY_TEMPLATE:
        return _BY_TEMPLATE[template]
    t3 = _T3_2021 if ids & _ONLY_2021 else _T3_2019
    return (_E1 + _NM + _E0 + t3 + _T4 + _T2_2019, True)


def run_checks(template: str, facts: Sequence[Fact], *, blank_as_zero: bool = False) -> tuple[Check, ...]:
    """Evaluate the identities that apply to ``template`` on ``facts``.

    Facts are grouped by ``(indicator_id, column)``; era-1 and local identities run once per value
    column that holds any of their terms; era-2 cell ids carry their column, so ``column`` is
    ignored there. The first fact of a group (page order) is used. ``facts`` are only read.
    """
    by_id: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.indicator_id:
            by_id.setdefault(fact.indicator_id, []).append(fact)
    identities, with_names = _identities_for(template, set(by_id))
    by_col: dict[str | None, dict[str, list[Fact]]] = {}
    if with_names or any(ident.per_column for ident in identities):  # era 2 has no column scope
        for fact in facts:
            if fact.indicator_id:
                by_col.setdefault(fact.column, {}).setdefault(fact.indicator_id, []).append(fact)
    columns = list(by_col)  # page order of first appearance
    memo_by_id: dict[str, _Read] = {}
    memo_by_col: dict[str | None, dict[str, _Read]] = {column: {} for column in columns}
    out: list[Check] = []
    for ident in identities:
        if not ident.per_column:
            check = _evaluate(ident, by_id, None, blank_as_zero, memo_by_id)
            if check is not None:
                out.append(check)
            continue
        for column in columns:
            check = _evaluate(ident, by_col[column], column, blank_as_zero, memo_by_col[column])
            if check is not None:
                out.append(check)
    if with_names:
        for term in _NAME_LIST_IDS:
            for column in columns:
                check = _name_list_check(term, by_col[column].get(term[0], ()), column)
                if check is not None:
                    out.append(check)
    return tuple(out)
