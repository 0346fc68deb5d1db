"""Every fixture page against its hand-checked golden file, field by field."""

from __future__ import annotations

import pytest

from tests.goldens import FIXTURES, compare, golden_files

GOLDENS = golden_files()


def test_there_are_fixtures() -> None:
    assert len(GOLDENS) >= 20, GOLDENS


@pytest.mark.parametrize("golden", GOLDENS, ids=[str(p.relative_to(FIXTURES)) for p in GOLDENS])
def test_fixture_matches_golden(golden) -> None:
    problems = compare(golden)
    assert not problems, f"{golden.name}:\n  " + "\n  ".join(problems[:60])
