"""Tests for parsers.decode: the charset cascade on the ways real government pages lie."""

from __future__ import annotations

import gzip
import io
import zipfile

import charset_normalizer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.decode import DETECT_MIN_TEXT, Decoded, decode_html
from parsers.errors import NotAReport
from parsers.sniff import sniff_binary

# Text from the seed page (包头市 2017 report), Simplified and as the Traditional mirror has it.
TITLE = "包头市2017年政府信息公开工作年度报告"
SIMP = (
    "本年度报告按照《中华人民共和国政府信息公开条例》（以下简称《条例》）和内蒙古自治区《政府信息公开"
    "年度报告制度》要求，由包头市人民政府办公厅综合分析全市各地区、各部门2017年政府信息公开工作年度"
    "报告的基础上编制。全文包括概述，主动公开政府信息情况，依申请公开政府信息情况，政府信息公开类行政"
    "复议、行政诉讼和举报情况，存在的主要问题和改进措施，并附统计表。"
)
TRAD_TITLE = "包頭市2017年政府信息公開工作年度報告"
TRAD = (
    "本年度報告按照《中華人民共和國政府信息公開條例》(以下簡稱《條例》)和內蒙古自治區《政府信息公開"
    "年度報告制度》要求,由包頭市人民政府辦公廳綜合分析全市各地區、各部門2017年政府信息公開工作年度"
    "報告的基礎上編制。發佈機構:市人民政府辦公廳 發布日期:2018年03月22日"
)
#: Characters outside GB2312 that GBK / gb18030 have: 镕 堃 喆, 〇 (U+3007).
GBK_ONLY = "国务院总理朱镕基、王堃、张喆出席，二〇一七年。"


def page(body: str, *, meta: str = "", head: str = "", title: str = TITLE) -> str:
    """A small but realistic page: head (optional spam), meta, title, body paragraphs."""
    return (
        f"<!DOCTYPE html>\n<html>\n<head>\n{head}{meta}\n<title>{title}</title>\n</head>\n"
        f'<body>\n<div class="xxgk_content">\n<h1>{title}</h1>\n<p>{body}</p>\n</div>\n</body>\n</html>\n'
    )


def meta_ct(label: str) -> str:
    return f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'


def meta_cs(label: str) -> str:
    return f'<meta charset="{label}">'


def assert_clean(d: Decoded) -> None:
    assert d.info.replacement_chars == 0
    assert d.info.mojibake_hits == 0
    assert not any("mojibake" in w or "U+FFFD" in w for w in d.warnings)


# ---------------------------------------------------------------------------------------------
# UTF-8 and GB pages


def test_utf8_page_declared_in_meta() -> None:
    d = decode_html(page(SIMP, meta=meta_cs("utf-8")).encode("utf-8"))
    assert d.info.used == "utf-8"
    assert d.info.source == "meta"
    assert d.info.declared == ("meta:utf-8",)
    assert d.info.conflict is False
    assert d.warnings == ()
    assert SIMP in d.text and TITLE in d.text
    assert_clean(d)


def test_utf8_page_without_declaration() -> None:
    d = decode_html(page(TRAD).encode("utf-8"))
    assert (d.info.used, d.info.source, d.info.declared) == ("utf-8", "utf8", ())
    assert TRAD in d.text


def test_gbk_bytes_declared_gb2312_decode_as_gb18030() -> None:
    body = page(SIMP + GBK_ONLY, meta=meta_ct("gb2312")).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")  # the trap: Python's gb2312 is strict EUC-CN
    d = decode_html(body)
    assert (d.info.used, d.info.source, d.info.conflict) == ("gb18030", "meta", False)
    assert d.info.declared == ("meta:gb2312",)
    assert GBK_ONLY in d.text and SIMP in d.text
    assert d.warnings == ()
    assert_clean(d)


def test_traditional_mirror_in_gbk_declared_gb2312() -> None:
    body = page(TRAD, meta=meta_ct("gb2312")).encode("gbk")
    d = decode_html(body)
    assert d.info.used == "gb18030"
    assert "發佈機構" in d.text and "包頭市人民政府辦公廳" in d.text
    assert_clean(d)


def test_undeclared_gbk_falls_back_to_gb18030() -> None:
    d = decode_html(page(SIMP + GBK_ONLY).encode("gbk"))
    assert (d.info.used, d.info.source, d.info.declared) == ("gb18030", "gb18030", ())
    assert GBK_ONLY in d.text
    assert d.warnings == ()


def test_gb18030_four_byte_characters() -> None:
    text = SIMP + "𠀀𪚥€"  # extension B and the euro sign: gb18030 only
    d = decode_html(page(text, meta=meta_ct("gbk")).encode("gb18030"))
    assert d.info.used == "gb18030"
    assert text in d.text


@pytest.mark.parametrize(
    "label",
    [
        "gb2312",
        "GB2312",
        "gbk",
        "GBK",
        "x-gbk",
        "cp936",
        "chinese",
        "csgb2312",
        "euc-cn",
        "gb_2312-80",
        "GB18030",
        "iso-ir-58",
        "windows-936",
    ],
)
def test_every_gb_family_label_means_gb18030(label: str) -> None:
    d = decode_html(page(GBK_ONLY + SIMP, meta=meta_ct(label)).encode("gbk"))
    assert (d.info.used, d.info.source) == ("gb18030", "meta")
    assert d.info.declared == (f"meta:{label.lower()}",)
    assert GBK_ONLY in d.text


def test_stale_gbk_meta_over_utf8_bytes() -> None:
    """A proxy re-encoded the page to UTF-8 and left the meta (miniProxy#91)."""
    d = decode_html(page(SIMP, meta=meta_ct("gbk")).encode("utf-8"))
    assert (d.info.used, d.info.source) == ("utf-8", "utf8")
    assert d.info.declared == ("meta:gbk",)
    assert d.info.conflict is True
    assert "encoding: declared gbk but bytes are UTF-8 (meta)" in d.warnings
    assert SIMP in d.text


def test_stale_gbk_http_header_over_utf8_bytes() -> None:
    d = decode_html(page(SIMP).encode("utf-8"), {"content-type": "text/html; charset=GBK"})
    assert (d.info.used, d.info.source, d.info.declared) == ("utf-8", "utf8", ("http:gbk",))
    assert "encoding: declared gbk but bytes are UTF-8 (http)" in d.warnings


def test_gbk_bytes_that_happen_to_be_valid_utf8_are_not_utf8() -> None:
    """全省实施职业学校 in GBK is valid UTF-8 (ȫʡʵʩְҵѧУ): the sanity check must catch it."""
    title = "全省实施职业学校"
    body = f"<html><head>{meta_cs('utf-8')}<title>{title}</title></head></html>".encode("gbk")
    assert body.decode("utf-8")  # strictly valid UTF-8, and wrong
    d = decode_html(body)
    assert d.info.used == "gb18030"
    assert title in d.text
    assert d.info.conflict is True
    assert "encoding: declared utf-8 but bytes are GB18030 (meta)" in d.warnings


def test_latin1_http_default_over_gbk_bytes() -> None:
    """requests-style ``ISO-8859-1`` for text/html: a Chinese page is never Latin-1."""
    d = decode_html(page(SIMP).encode("gbk"), {"content-type": "text/html; charset=ISO-8859-1"})
    assert (d.info.used, d.info.source) == ("gb18030", "gb18030")
    assert "encoding: declared iso-8859-1 but bytes are GB18030 (http)" in d.warnings
    assert SIMP in d.text


RUSSIAN = "Ежегодный доклад о работе по открытости правительственной информации города Хэйхэ за 2017 год."


def test_russian_utf8_page_is_not_taken_for_gbk() -> None:
    """Heilongjiang border cities publish Russian versions; Cyrillic UTF-8 also decodes as gb18030."""
    body = page(RUSSIAN, title="Хэйхэ").encode("utf-8")
    assert body.decode("gb18030")
    d = decode_html(body)
    assert (d.info.used, d.info.source) == ("utf-8", "utf8")
    assert RUSSIAN in d.text


def test_declared_cp1251_page_keeps_its_declaration() -> None:
    body = page(RUSSIAN, title="Хэйхэ", meta=meta_ct("windows-1251")).encode("cp1251")
    d = decode_html(body)
    assert (d.info.used, d.info.source) == ("cp1251", "meta")
    assert RUSSIAN in d.text


# ---------------------------------------------------------------------------------------------
# Declarations: HTTP vs meta, prescan, conflicts


def test_http_header_charset_wins_over_meta() -> None:
    body = page(SIMP, meta=meta_cs("utf-8")).encode("gbk")
    d = decode_html(body, {"content-type": "text/html; charset=gbk"})
    assert (d.info.used, d.info.source) == ("gb18030", "http")
    assert d.info.declared == ("http:gbk", "meta:utf-8")
    assert d.info.conflict is True
    assert "encoding: conflicting declarations http:gbk, meta:utf-8" in d.warnings
    assert SIMP in d.text


def test_http_header_wins_when_both_decode() -> None:
    """ASCII-only bytes decode under either declaration: the header decides."""
    body = page("Annual report 2017", meta=meta_cs("utf-8")).replace(TITLE, "report").encode("ascii")
    d = decode_html(body, {"content-type": 'text/html;charset="GB2312"'})
    assert (d.info.used, d.info.source, d.info.conflict) == ("gb18030", "http", True)


def test_header_key_case_is_tolerated() -> None:
    d = decode_html(page(SIMP).encode("gbk"), {"Content-Type": "text/html; charset=GB2312"})
    assert (d.info.source, d.info.declared) == ("http", ("http:gb2312",))


def test_headers_none_and_no_charset_in_header() -> None:
    body = page(SIMP).encode("utf-8")
    assert decode_html(body, None).info.source == "utf8"
    d = decode_html(body, {"content-type": "text/html", "server": "nginx"})
    assert d.info.declared == ()


def test_meta_beyond_1kb_after_spam_script() -> None:
    """Spam at the top of <head> pushes the meta past the browsers' 1024-byte prescan."""
    spam = (
        "<script>var _0x5f3a=['"
        + "','".join(f"\\x{i % 256:02x}casino{i}" for i in range(300))
        + "'];</script>\n"
    )
    body = page(SIMP + GBK_ONLY, head=spam, meta=meta_ct("gb2312")).encode("gbk")
    assert body.index(b"charset=gb2312") > 2048
    d = decode_html(body)
    assert (d.info.used, d.info.source, d.info.declared) == ("gb18030", "meta", ("meta:gb2312",))
    assert GBK_ONLY in d.text


def test_two_conflicting_metas_gbk_bytes() -> None:
    """ddtalk/HarleyCorp#8: an http-equiv utf-8 meta plus <meta charset="gbk">."""
    metas = meta_ct("utf-8") + "\n" + meta_cs("gbk")
    d = decode_html(page(SIMP, meta=metas).encode("gbk"))
    assert (d.info.used, d.info.source) == ("gb18030", "meta")
    assert d.info.declared == ("meta:utf-8", "meta:gbk")
    assert d.info.conflict is True
    assert "encoding: conflicting declarations meta:utf-8, meta:gbk" in d.warnings
    assert "encoding: declared utf-8 but bytes are GB18030 (meta)" in d.warnings
    assert SIMP in d.text


def test_two_conflicting_metas_utf8_bytes() -> None:
    metas = meta_ct("gb2312") + "\n" + meta_cs("utf-8")
    d = decode_html(page(SIMP, meta=metas).encode("utf-8"))
    assert (d.info.used, d.info.source, d.info.conflict) == ("utf-8", "meta", True)


def test_same_family_labels_are_no_conflict() -> None:
    d = decode_html(
        page(SIMP, meta=meta_ct("gb2312")).encode("gbk"), {"content-type": "text/html; charset=gbk"}
    )
    assert d.info.declared == ("http:gbk", "meta:gb2312")
    assert d.info.conflict is False
    assert d.warnings == ()


@pytest.mark.parametrize(
    "meta",
    [
        "<meta httpequiv=Content-Type content=text/html;charset=gbk>",
        "<META HTTP-EQUIV='Content-Type' CONTENT='text/html; CHARSET=GBK'/>",
        '<meta content="text/html; charset="gbk" http-equiv="Content-Type">',
        "<meta charset=gbk",
        '<meta http-equiv="content-type" content="text/html; charset = gbk ">',
    ],
)
def test_malformed_meta_is_still_read(meta: str) -> None:
    d = decode_html(page(SIMP, meta=meta).encode("gbk"))
    assert (d.info.used, d.info.source, d.info.declared) == ("gb18030", "meta", ("meta:gbk",))


def test_xml_declaration() -> None:
    body = ('<?xml version="1.0" encoding="GBK"?>\n' + page(SIMP)).encode("gbk")
    d = decode_html(body)
    assert (d.info.used, d.info.source, d.info.declared) == ("gb18030", "xml", ("xml:gbk",))


def test_commented_out_and_scripted_metas_are_ignored() -> None:
    head = "<!-- <meta charset=big5> -->\n<script>document.write('<meta charset=\"shift_jis\">');</script>\n"
    d = decode_html(page(SIMP, head=head, meta=meta_ct("gbk")).encode("gbk"))
    assert d.info.declared == ("meta:gbk",)


def test_unknown_label_is_recorded_and_ignored() -> None:
    d = decode_html(page(SIMP, meta=meta_cs("x-bogus-charset")).encode("gbk"))
    assert d.info.used == "gb18030"
    assert d.info.declared == ("meta:x-bogus-charset",)
    assert any("unknown charset label 'x-bogus-charset'" in w for w in d.warnings)


@pytest.mark.parametrize("label", ["base64", "utf-7", "rot13", "undefined", "idna", "hex"])
def test_non_charset_codec_labels_are_unknown(label: str) -> None:
    d = decode_html(page(SIMP, meta=meta_cs(label)).encode("utf-8"))
    assert d.info.used == "utf-8"
    assert SIMP in d.text


# ---------------------------------------------------------------------------------------------
# BOMs, UTF-16, Big5


def test_utf8_bom_wins_and_is_stripped() -> None:
    d = decode_html(b"\xef\xbb\xbf" + page(SIMP, meta=meta_ct("gb2312")).encode("utf-8"))
    assert (d.info.used, d.info.source) == ("utf-8", "bom")
    assert d.info.declared == ("meta:gb2312",)
    assert d.info.conflict is True
    assert d.text.startswith("<!DOCTYPE")
    assert SIMP in d.text


@pytest.mark.parametrize(("encoding", "used"), [("utf-16", "utf-16-le"), ("utf-16-be", "utf-16-be")])
def test_utf16_boms(encoding: str, used: str) -> None:
    text = page(TRAD, meta=meta_cs("utf-16"))
    body = text.encode(encoding) if encoding == "utf-16" else b"\xfe\xff" + text.encode(encoding)
    d = decode_html(body)
    assert (d.info.used, d.info.source) == (used, "bom")
    assert d.text == text
    assert d.info.conflict is False


def test_truncated_utf16_page() -> None:
    body = page(SIMP).encode("utf-16")[:-1]
    d = decode_html(body)
    assert (d.info.used, d.info.source) == ("utf-16-le", "bom")
    assert SIMP in d.text
    assert "encoding: page ends inside a character (1 byte(s) dropped)" in d.warnings


def test_utf16_without_bom() -> None:
    text = page(SIMP)
    d = decode_html(text.encode("utf-16-le"))
    assert (d.info.used, d.info.source) == ("utf-16-le", "detected")
    assert d.text == text
    assert "encoding: utf-16-le without a byte-order mark" in d.warnings


def test_big5_page_declared() -> None:
    d = decode_html(page(TRAD, meta=meta_ct("big5"), title=TRAD_TITLE).encode("big5"))
    assert (d.info.used, d.info.source, d.info.conflict) == ("big5", "meta", False)
    assert TRAD in d.text
    assert_clean(d)


def test_big5_page_undeclared_is_scored_not_read_as_gbk() -> None:
    body = page(TRAD, title=TRAD_TITLE).encode("big5")
    assert body.decode("gb18030")  # decodes without error … as garbage
    d = decode_html(body)
    assert (d.info.used, d.info.source) == ("big5", "detected")
    assert TRAD in d.text


def test_big5_page_mislabelled_gb2312() -> None:
    d = decode_html(page(TRAD, meta=meta_ct("gb2312"), title=TRAD_TITLE).encode("big5"))
    assert d.info.used == "big5"
    assert TRAD in d.text
    assert d.info.conflict is True
    assert "encoding: declared gb2312 but bytes are Big5 (meta)" in d.warnings


def test_big5_with_eten_extension_uses_cp950() -> None:
    text = TRAD + "裏面"  # 裏 is F9D8: an ETEN extension outside plain Big5
    d = decode_html(page(text, meta=meta_ct("big5"), title=TRAD_TITLE).encode("cp950"))
    assert (d.info.used, d.info.source) == ("cp950", "meta")
    assert text in d.text


# ---------------------------------------------------------------------------------------------
# Short inputs, charset-normalizer, damage


@pytest.fixture
def no_detector(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Record (and refuse) every charset-normalizer call."""
    calls: list[bytes] = []

    def refuse(body: bytes, **_: object) -> object:
        calls.append(body)
        raise AssertionError("charset-normalizer must not be called here")

    monkeypatch.setattr(charset_normalizer, "from_bytes", refuse)
    return calls


def test_short_gbk_title_not_sent_to_charset_normalizer(no_detector: list[bytes]) -> None:
    """charset-normalizer 3.4.7 calls these 36 bytes utf_16_be."""
    body = TITLE.encode("gbk")
    assert len(body) == 36
    d = decode_html(body)
    assert (d.info.used, d.info.source) == ("gb18030", "gb18030")
    assert d.text == TITLE
    assert no_detector == []


def test_short_gb2312_metadata_line_not_sent_to_charset_normalizer(no_detector: list[bytes]) -> None:
    line = "索引号：011536003/2018-00124 发布机构：市人民政府办公厅".encode("gb2312")
    d = decode_html(line)
    assert d.info.used == "gb18030"
    assert d.text.startswith("索引号")
    assert no_detector == []


def test_normal_pages_never_call_charset_normalizer(no_detector: list[bytes]) -> None:
    for body in (
        page(SIMP * 20).encode("utf-8"),
        page(SIMP * 20).encode("gbk"),
        page(TRAD * 20, title=TRAD_TITLE).encode("big5"),
        page(SIMP * 20, meta=meta_cs("utf-8")).encode("gbk"),
    ):
        decode_html(body)
    assert no_detector == []


def test_long_shift_jis_page_goes_to_charset_normalizer() -> None:
    japanese = (
        "日本国憲法は、国民主権、基本的人権の尊重、平和主義の三つを基本原理としています。ご覧ください。"
    )
    body = page(japanese * 40, title="日本国憲法").encode("shift_jis")
    d = decode_html(body)
    assert d.info.source == "detected"
    assert japanese in d.text


def test_short_undecodable_text_is_not_sent_to_charset_normalizer(no_detector: list[bytes]) -> None:
    body = page("日本国憲法は平和主義を基本原理としています。", title="憲法").encode("shift_jis")
    assert len(body) < DETECT_MIN_TEXT
    d = decode_html(body)
    assert d.info.source in {"gb18030", "detected", "fallback"}
    assert d.warnings  # whatever it chose, it says it is unsure
    assert no_detector == []


def test_pre_damaged_replacement_characters_are_reported_not_fixed() -> None:
    """hulelan/china-governance style: GBK read as UTF-8 with errors=replace, saved as UTF-8."""
    damaged = (page(SIMP).encode("gbk")).decode("utf-8", "replace")
    assert "\ufffd" in damaged
    d = decode_html(damaged.encode("utf-8"))
    assert (d.info.used, d.info.source) == ("utf-8", "utf8")
    assert d.text == damaged
    assert d.info.replacement_chars == damaged.count("\ufffd")
    assert any("already in the bytes" in w for w in d.warnings)


def test_gbk_read_as_utf8_signature() -> None:
    damaged = "��ͷ��2017��������Ϣ��������ȡ��Ӫ" * 3
    d = decode_html(page(damaged, meta=meta_cs("utf-8")).encode("utf-8"))
    assert d.info.used == "utf-8"
    assert d.info.mojibake_hits > 0
    assert any("GBK read as UTF-8" in w for w in d.warnings)


def test_utf8_read_as_gbk_mojibake_is_reported_not_fixed() -> None:
    """A page once decoded as GBK though it was UTF-8, then saved as UTF-8."""
    mojibake = (TITLE + SIMP).encode("utf-8").decode("gb18030", "replace")
    assert "銆" in mojibake and "锛" in mojibake
    d = decode_html(page(mojibake).encode("utf-8"))
    assert d.info.used == "utf-8"
    assert mojibake in d.text
    assert d.info.mojibake_hits >= 3
    assert any("UTF-8 read as GBK" in w for w in d.warnings)


def test_kun_jin_kao_signature() -> None:
    d = decode_html(page(SIMP + "锟斤拷锟斤拷").encode("utf-8"))
    assert d.info.mojibake_hits == 2


def test_latin1_mojibake_is_reported() -> None:
    mojibake = (TITLE + SIMP).encode("utf-8").decode("cp1252", "replace")
    d = decode_html(page(mojibake).encode("utf-8"))
    assert d.info.used == "utf-8"
    assert any("UTF-8 read as Latin-1" in w for w in d.warnings)


def test_one_rare_tell_character_is_not_mojibake() -> None:
    d = decode_html(page(SIMP + "鍙").encode("utf-8"))
    assert d.info.mojibake_hits == 0


def test_truncated_gbk_page_is_still_clean() -> None:
    body = page(SIMP, meta=meta_ct("gbk")).encode("gbk")
    cut = body[: body.index("统计表".encode("gbk")) + 1]  # ends on a lone lead byte
    d = decode_html(cut)
    assert (d.info.used, d.info.source) == ("gb18030", "meta")
    assert d.info.replacement_chars == 0
    assert "encoding: page ends inside a character (1 byte(s) dropped)" in d.warnings


def test_utf8_page_with_gbk_spam_footer_is_decoded_lossily() -> None:
    footer = "<div style='display:none'>澳门新葡京娱乐场 网上赌场 真人百家乐</div>"
    body = page(SIMP * 10, meta=meta_cs("utf-8")).encode("utf-8") + footer.encode("gbk")
    d = decode_html(body)
    assert (d.info.used, d.info.source) == ("utf-8", "fallback")
    assert SIMP in d.text
    assert d.info.replacement_chars > 0
    assert any("no encoding decodes cleanly" in w for w in d.warnings)
    assert not any("already in the bytes" in w for w in d.warnings)


# ---------------------------------------------------------------------------------------------
# Not a report: empty and binary bodies


@pytest.mark.parametrize("body", [b"", b"   \r\n\t  ", b"\x00\x00\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \r\n"])
def test_empty_bodies(body: bytes) -> None:
    with pytest.raises(NotAReport, match="empty file"):
        decode_html(body, location="https://www.example.gov.cn/x.html")


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


BINARIES = {
    "PDF": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "PNG": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    "JPEG": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",
    "GIF": b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
    "ZIP/Office": _zip_bytes(),
    "OLE2 (DOC/XLS)": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
    "GZIP": gzip.compress(page(SIMP).encode("utf-8")),
    "RAR": b"Rar!\x1a\x07\x01\x00",
    "7Z": b"7z\xbc\xaf\x27\x1c\x00\x04",
}


@pytest.mark.parametrize("kind", list(BINARIES))
def test_binary_files_are_not_reports(kind: str) -> None:
    body = BINARIES[kind]
    assert sniff_binary(body) == kind
    with pytest.raises(
        NotAReport, match=r"binary file \(" + kind.replace("(", r"\(").replace(")", r"\)")
    ) as err:
        decode_html(body, location="https://www.example.gov.cn/a.pdf")
    assert err.value.location == "https://www.example.gov.cn/a.pdf"
    assert "not a web page" in err.value.reason


def test_pdf_after_leading_newline() -> None:
    assert sniff_binary(b"\r\n%PDF-1.7\n") == "PDF"


@pytest.mark.parametrize(
    "body", [page(SIMP).encode("utf-8"), b"BMW annual report", b"MZ text", b"ID3 tags", b"FWS", b"%PD"]
)
def test_text_is_not_binary(body: bytes) -> None:
    assert sniff_binary(body) is None


def test_nul_heavy_unknown_binary_is_not_a_report() -> None:
    body = b"\x00\x01\x00\x00\x00\x0c\x00\x80" + b"OS/2\x00\x00\x01\x28glyf\x00\x00" * 64  # a TrueType font
    with pytest.raises(NotAReport, match="NUL bytes"):
        decode_html(body)


# ---------------------------------------------------------------------------------------------
# Robustness


def test_text_input_is_passed_through() -> None:
    d = decode_html("\ufeff" + page(SIMP))  # type: ignore[arg-type]
    assert (d.info.used, d.info.source) == ("str", "str")
    assert d.text.startswith("<!DOCTYPE")


def test_accepts_bytearray_and_memoryview() -> None:
    raw = page(SIMP).encode("gbk")
    assert decode_html(bytearray(raw)).text == decode_html(memoryview(raw)).text


LABELS = st.sampled_from(
    [
        "utf-8",
        "gbk",
        "gb2312",
        "big5",
        "utf-16",
        "iso-8859-1",
        "shift_jis",
        "base64",
        "utf-7",
        "x-user-defined",
        "",
        "\u00e9",
        "euc-kr",
        "hz-gb-2312",
        "unicode_escape",
        "koi8-r",
    ]
)


@st.composite
def page_like(draw: st.DrawFn) -> bytes:
    """Random bytes, alone or inside HTML with a (possibly absurd) declaration."""
    raw = draw(st.binary(max_size=3000))
    if draw(st.booleans()):
        return raw
    label = draw(LABELS)
    prefix = draw(
        st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"<?xml version='1.0' encoding='%s'?>"])
    )
    if b"%s" in prefix:
        prefix = prefix.replace(b"%s", label.encode("utf-8"))
    return prefix + f"<html><head><meta charset={label}></head><body>".encode() + raw


@settings(max_examples=200, deadline=None)
@given(body=page_like(), header_label=st.one_of(st.none(), LABELS, st.text(max_size=40)))
def test_fuzz_any_bytes_give_decoded_or_not_a_report(body: bytes, header_label: str | None) -> None:
    headers = None if header_label is None else {"content-type": f"text/html; charset={header_label}"}
    try:
        d = decode_html(body, headers)
    except NotAReport as err:
        assert err.reason
        return
    assert isinstance(d.text, str) and not d.text.startswith("\ufeff")
    assert d.info.source in {"bom", "http", "meta", "xml", "utf8", "gb18030", "detected", "fallback"}
    assert d.info.replacement_chars == d.text.count("\ufffd")
    assert all(isinstance(w, str) and w.startswith("encoding: ") for w in d.warnings)


def test_wide_space_is_the_non_ascii_white_space() -> None:
    """_sampled drops exactly what the old regex ``[\\x00-\\x7f\\s\\xa0\\u3000\\ufeff]`` dropped."""
    import re as _re

    from parsers import textscore

    wide = {chr(c) for c in range(0x80, 0x110000) if chr(c).isspace()} | {"\ufeff"}
    assert wide == {chr(c) for c in range(0x80, 0x110000) if textscore._WIDE_SPACE_RE.fullmatch(chr(c))}
    old = _re.compile(r"[\x00-\x7f\s\xa0\u3000\ufeff]+")
    for text in ("<p>报告\u3000一、\xa0总体\u2028情况</p>\ud800x\ufeff", "ascii only", "", "é\u200b\x85"):
        assert textscore._sampled(text) == old.sub("", text)
