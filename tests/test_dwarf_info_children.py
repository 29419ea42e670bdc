"""Functions without parameters or locals (and the instantiation function, and the trap hook) get childless
subprogram DIEs: ``llvm-dwarfdump-19 --verify`` reports no warning at all, where a ``DW_CHILDREN_yes`` abbreviation
with an empty child list drew one per function, and the DIE tree still has every function with its variables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.tools import ROOT, run

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

PROGRAM = """(module
  (func $helper (result i32) (i32.const 41))
  (func $quiet)
  (func (export "nothing") (call $quiet))
  (func (export "answer") (result i32) (i32.add (call $helper) (i32.const 1)))
  (func (export "add") (param $a i32) (param $b i32) (result i32) (local $t i32)
    (local.set $t (i32.add (local.get $a) (local.get $b))) (local.get $t))
  (func $last (param $x i64) (result i64) (local.get $x)))
"""

_DIE = re.compile(r"^0x[0-9a-f]+:(\s+)(DW_TAG_\w+|NULL)")
_NAME = re.compile(r'^\s+DW_AT_name\s+\("([^"]*)"\)')


def _subprograms(dump: str) -> dict[str, list[str]]:
    """Each subprogram's name and the names of its children, from the indentation of llvm-dwarfdump's tree."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    subprogram_depth = 0
    pending: tuple[str, int] | None = None
    for line in dump.splitlines():
        die = _DIE.match(line)
        if die:
            depth, tag = len(die.group(1)), die.group(2)
            pending = (tag, depth)
            if tag != "DW_TAG_subprogram" and current is not None and depth <= subprogram_depth:
                current = None
            continue
        name = _NAME.match(line)
        if name and pending is not None:
            tag, depth = pending
            if tag == "DW_TAG_subprogram":
                current = out.setdefault(name.group(1), [])
                subprogram_depth = depth
            elif current is not None and depth > subprogram_depth:
                current.append(name.group(1))
            pending = None
    return out


@pytest.mark.parametrize("target", ["x86_64-linux", "x86_64-windows"])
def test_verify_reports_no_warning_for_childless_functions(tmp_path: Path, target: str) -> None:
    source = tmp_path / "leaf.wat"
    source.write_text(PROGRAM)
    obj = tmp_path / ("leaf.o" if target == "x86_64-linux" else "leaf.obj")
    run([JITDEBUG, "compile", source, "-o", obj, "--target", target])
    verify = run(["llvm-dwarfdump-19", "--verify", obj])
    assert "No errors." in verify.stdout, verify.stdout
    assert "warning:" not in verify.stdout + verify.stderr, verify.stdout + verify.stderr

    subprograms = _subprograms(run(["llvm-dwarfdump-19", "--debug-info", obj]).stdout)
    assert subprograms["helper"] == [] and subprograms["quiet"] == []
    assert subprograms["wasm-function[2]"] == [] and subprograms["wasm-function[3]"] == []
    assert subprograms["wasm-function[4]"] == ["a", "b", "t"]
    assert subprograms["last"] == ["x"]
    assert subprograms["leaf.instantiate"] == []
