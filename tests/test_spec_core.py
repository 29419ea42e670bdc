"""The official WebAssembly spec suite's Wasm 2.0 core files (SIMD included), vendored under tests/spec/wast:
each file in its own process, every module through the JIT with debug information on, every command executed
and held to the ratchet (tests/spec/ratchet.json; README, "Conformance")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.spec import checks
from tests.spec.groups import Group, file_key

CASES = [pytest.param(path, group, id=file_key(path)) for path, group in checks.cases(("core", "simd"))]


@pytest.mark.parametrize(("path", "group"), CASES)
def test_spec_core_file(path: Path, group: Group, record_property: Any) -> None:
    checks.check(path, group, record_property)


def test_spec_ratchet_names_every_file() -> None:
    """The ratchet records every file of the enabled groups and nothing else: a file added without a count, or a
    count left for a file no longer run, is a mistake in the ratchet, not a pass."""
    from tests.spec import ratchet
    from tests.spec.groups import GROUPS

    files = {file_key(p) for g in GROUPS if g.enabled for p in g.files()}
    recorded = set(ratchet.load())
    assert not files - recorded, f"not in the ratchet: {sorted(files - recorded)}"
    assert not recorded - files, f"in the ratchet but not run: {sorted(recorded - files)}"
