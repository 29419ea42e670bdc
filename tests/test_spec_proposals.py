"""The official spec suite's proposal files the project runs (tail calls, extended constants, multiple memories,
exception handling with its legacy form, memory64), each held to the ratchet as the core files are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.spec import checks
from tests.spec.groups import GROUPS, Group, file_key

PROPOSALS = tuple(g.name for g in GROUPS if g.name not in ("core", "simd"))


CASES = [pytest.param(path, group, id=file_key(path)) for path, group in checks.cases(PROPOSALS)]


@pytest.mark.parametrize(("path", "group"), CASES)
def test_spec_proposal_file(path: Path, group: Group, record_property: Any) -> None:
    checks.check(path, group, record_property)
