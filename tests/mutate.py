"""Page mutators shared by the in-suite fuzz tests and ``bench/fuzz_long.py``.

Each mutator takes the page bytes and a ``random.Random`` and returns new bytes. They model
what saved pages really suffer: downloads cut short, tags lost by a broken archive, attributes
garbled by a spam injector, a proxy re-encoding half a page, NUL bytes from a bad disk, lone
surrogates in "UTF-8" written by a sloppy scraper, hostile span values. Everything is driven by
the ``Random`` passed in, so a finding is reproduced from its seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

__all__ = ["MUTATORS", "fixture_pages", "mutate", "random_bytes"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
_TAG = re.compile(rb"<[^<>]{0,300}>")
_ATTR = re.compile(rb'([a-zA-Z-]+)=("[^"]{0,200}"|\'[^\']{0,200}\'|[^\s>]{1,50})')
_ENCODINGS = ("utf-8", "gb18030", "big5", "utf-16-le", "utf-16-be", "shift_jis", "latin-1", "cp1252")
_SURROGATES = (b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xb2\x80", b"\xed\xa0\xbd\xed\xb8\x80")
_HOSTILE_ATTRS = (
    b'colspan="100000"', b'rowspan="100000"', b'colspan="-5"', b'rowspan="0"', b"colspan=1e9",
    b'rowspan="99999999999999999999999"', b'colspan="\xff\xfe"', b"rowspan=", b'style="display:none"',
    b'charset="utf-16"', b'charset="x-unknown"', b'http-equiv="refresh" content="0;url=javascript:1"',
)
_SNIPPETS = (
    b"<table>", b"</table>", b"<tr>", b"<td>", b"</td>", b"<td colspan=100000>1</td>", b"<tr><td rowspan=100000>x",
    b"<script>", b"</script>", b"<!--", b"-->", b"<![CDATA[", b"<style>", b"<xmp>", b"<plaintext>", b"<noscript>",
    b'<meta charset="big5">', b'<meta charset="utf-16">', b"<?xml version='1.0' encoding='shift_jis'?>",
    b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", "统计指标".encode(), "申请人情况".encode(),
    "年度报告".encode("gb18030"), "（一）".encode(), "其中：".encode(), "一、".encode(), b"&#0;", b"&#xD800;",
    b"&#99999999;", b"&nbsp;" * 50, "\u202e".encode(), "\ufeff".encode(), b"</html>", b"<body>", b"<head>",
)


def fixture_pages() -> list[Path]:
    """Every fixture page (input side of a golden), sorted."""
    suffixes = (".html", ".htm", ".txt")
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in suffixes and "_build" not in p.parts)


def random_bytes(rng: random.Random, n: int | None = None) -> bytes:
    return rng.randbytes(rng.randint(0, 4096) if n is None else n)


def _pos(data: bytes, rng: random.Random) -> int:
    return rng.randint(0, len(data)) if data else 0


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: _pos(data, rng)]


def drop_tags(data: bytes, rng: random.Random) -> bytes:
    tags = list(_TAG.finditer(data))
    if not tags:
        return data
    share = rng.choice((0.01, 0.05, 0.2, 0.6))
    out, last = [], 0
    for m in tags:
        if rng.random() < share:
            out.append(data[last : m.start()])
            last = m.end()
    out.append(data[last:])
    return b"".join(out)


def garble_attrs(data: bytes, rng: random.Random) -> bytes:
    def repl(m: re.Match[bytes]) -> bytes:
        r = rng.random()
        if r < 0.3:
            return rng.choice(_HOSTILE_ATTRS)
        if r < 0.5:
            return m.group(1) + b"=" + rng.randbytes(rng.randint(0, 12))
        if r < 0.6:
            return m.group(1) + b'="' + str(rng.choice((0, -1, 10**6, 2**31, 2**64))).encode() + b'"'
        return m.group(0)

    return _ATTR.sub(lambda m: repl(m) if rng.random() < 0.3 else m.group(0), data)


def mix_encodings(data: bytes, rng: random.Random) -> bytes:
    """Re-encode a slice in another encoding, as a proxy or a copy-paste would."""
    if not data:
        return data
    a = _pos(data, rng)
    b = min(len(data), a + rng.randint(1, 5000))
    for src in ("utf-8", "gb18030", "big5"):
        try:
            text = data[a:b].decode(src)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data[a:b].decode("utf-8", "replace")
    enc = rng.choice(_ENCODINGS)
    return data[:a] + text.encode(enc, "replace") + data[b:]


def insert_nul(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 50)):
        p = _pos(out, rng)
        out[p:p] = b"\x00" * rng.choice((1, 1, 2, 100))
    return bytes(out)


def insert_surrogates(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        p = _pos(out, rng)
        out[p:p] = rng.choice(_SURROGATES)
    return bytes(out)


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 200)):
        p = rng.randrange(len(out))
        out[p] = rng.randrange(256)
    return bytes(out)


def insert_snippets(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        p = _pos(out, rng)
        out[p:p] = rng.choice(_SNIPPETS)
    return bytes(out)


def duplicate_slice(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    a = _pos(data, rng)
    b = min(len(data), a + rng.randint(1, 20000))
    p = _pos(data, rng)
    return data[:p] + data[a:b] * rng.randint(1, 5) + data[p:]


def delete_slice(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    a = _pos(data, rng)
    return data[:a] + data[min(len(data), a + rng.randint(1, 5000)) :]


def deep_nest(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((100, 1000, 5000))
    tag = rng.choice((b"div", b"span", b"table", b"td", b"font", b"b"))
    p = _pos(data, rng)
    return data[:p] + (b"<" + tag + b">") * depth + data[p:]


def splice_other(data: bytes, rng: random.Random, pages: list[bytes] | None = None) -> bytes:
    """Glue part of another fixture in (two reports on one page, a mirror of a mirror)."""
    pool = pages or [p.read_bytes() for p in fixture_pages()]
    other = rng.choice(pool)
    a, b = sorted((_pos(other, rng), _pos(other, rng)))
    p = _pos(data, rng)
    return data[:p] + other[a:b] + data[p:]


def single_line(data: bytes, rng: random.Random) -> bytes:  # noqa: ARG001 - mutator signature
    return data.replace(b"\r", b"").replace(b"\n", b" ")


MUTATORS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": truncate,
    "drop_tags": drop_tags,
    "garble_attrs": garble_attrs,
    "mix_encodings": mix_encodings,
    "insert_nul": insert_nul,
    "insert_surrogates": insert_surrogates,
    "flip_bytes": flip_bytes,
    "insert_snippets": insert_snippets,
    "duplicate_slice": duplicate_slice,
    "delete_slice": delete_slice,
    "deep_nest": deep_nest,
    "splice_other": splice_other,
    "single_line": single_line,
}


def mutate(data: bytes, rng: random.Random, *, rounds: int | None = None) -> tuple[bytes, list[str]]:
    """Apply 1–4 random mutators; returns the bytes and the mutator names used."""
    names: list[str] = []
    for _ in range(rounds if rounds is not None else rng.randint(1, 4)):
        name = rng.choice(sorted(MUTATORS))
        data = MUTATORS[name](data, rng)
        names.append(name)
    return data, names
