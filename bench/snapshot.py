"""Same-output guard for speed work: ``save`` the parser's full output on a page set, change the
code, ``check`` that every field of every report (values, warnings, spam blocks, metadata, body
text) is unchanged.

The page set is every fixture page plus deterministic variants of each (tables flattened into
paragraphs, Traditional script, GBK bytes, class/id stripped, and 12 seeded mutations: cuts,
dropped and duplicated tags, shuffled blocks). The goldens check what a person verified; this
checks that an optimisation changed *nothing*, including on inputs no golden covers.

    python -m bench.snapshot save /tmp/before.json
    python -m bench.snapshot check /tmp/before.json
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator

from bench.corpus import fixture_pages


def _flatten(html: str) -> str:
    html = re.sub(r"<(/?)(table|tbody|thead|tr)\b[^>]*>", r"<\1div>", html, flags=re.I)
    return re.sub(r"<(/?)t[dh]\b[^>]*>", r"<\1p>", html, flags=re.I)


def _mutations(data: bytes, seed: int) -> Iterator[tuple[str, bytes]]:
    rnd = random.Random(seed)
    tags = [m.start() for m in re.finditer(rb"<", data)]
    for i in range(12):
        kind = i % 4
        if kind == 0:  # cut
            yield f"cut{i}", data[: rnd.randrange(1, len(data) + 1)]
        elif kind == 1 and tags:  # drop a stretch of tags
            a = rnd.choice(tags)
            b = data.find(b">", a)
            yield f"droptag{i}", data[:a] + data[b + 1:] if b > 0 else data
        elif kind == 2:  # duplicate a slice
            a = rnd.randrange(len(data))
            b = min(len(data), a + rnd.randrange(1, 2000))
            yield f"dup{i}", data[:b] + data[a:b] + data[b:]
        else:  # swap two slices
            a, b = sorted(rnd.randrange(len(data)) for _ in range(2))
            c = min(len(data), b + rnd.randrange(1, 3000))
            yield f"swap{i}", data[:a] + data[b:c] + data[a:b] + data[c:]


def pages() -> Iterator[tuple[str, bytes]]:
    import opencc

    s2t = opencc.OpenCC("s2t")
    from parsers.decode import decode_html

    for path in fixture_pages():
        data = path.read_bytes()
        name = path.name
        yield name, data
        text = decode_html(data, {}).text
        yield name + "#flat", _flatten(text).encode()
        yield name + "#trad", s2t.convert(text).encode()
        yield name + "#gbk", text.encode("gbk", "replace")
        yield name + "#noclass", re.sub(r'\s(?:class|id)="[^"]*"', "", text).encode()
        seed = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
        for tag, mutated in _mutations(data, seed):
            yield f"{name}#{tag}", mutated


def outputs() -> dict[str, str]:
    from parsers import parse_report
    from parsers.errors import XxgkError

    out = {}
    for name, data in pages():
        try:
            out[name] = repr(parse_report(data))
        except XxgkError as exc:
            out[name] = f"{type(exc).__name__}: {exc}"
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] not in ("save", "check"):
        print(__doc__)
        return 2
    cmd, path = argv
    now = outputs()
    if cmd == "save":
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(now, fh, ensure_ascii=False, indent=0)
        print(f"saved {len(now)} outputs to {path}")
        return 0
    with open(path, encoding="utf-8") as fh:
        before = json.load(fh)
    bad = [k for k in before if now.get(k) != before[k]]
    for k in bad[:10]:
        a, b = before[k], now.get(k, "<missing>")
        i = next((j for j in range(min(len(a), len(b))) if a[j] != b[j]), min(len(a), len(b)))
        print(f"DIFF {k}\n  before: …{a[max(0, i - 150): i + 150]}\n  now:    …{b[max(0, i - 150): i + 150]}")
    print(f"{len(before) - len(bad)}/{len(before)} outputs unchanged")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
