"""The AOT path held to the spec: a sample of the suite's core files (integer and float arithmetic, conversions,
memory addressing and bounds, traps), every module through ``jitdebug compile`` into an ELF object linked with a
generated C host that runs the file's invoke commands; every one must give the spec's result or trap."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.cli import main
from tests.spec import aot
from tests.spec.convert import commands, converted
from tests.spec.groups import group
from tests.tools import run

CORE = group("core")
#: Single-module and few-module files whose commands are invokes of numeric exports.
SAMPLE = ("i32.wast", "i64.wast", "f32.wast", "f64.wast", "f32_bitwise.wast", "f64_bitwise.wast", "float_misc.wast",
          "conversions.wast", "endianness.wast", "address.wast", "memory_trap.wast", "traps.wast", "left-to-right.wast",
          "fac.wast", "int_exprs.wast")


@pytest.mark.parametrize("name", SAMPLE)
def test_spec_file_through_aot(name: str, tmp_path: Path) -> None:
    entry = converted(next(p for p in CORE.files() if p.name == name), CORE.converter)
    script = commands(entry)
    starts = [i for i, c in enumerate(script) if c["type"] == "module"] + [len(script)]
    failures: list[str] = []
    ran = 0
    for number, (start, end) in enumerate(zip(starts, starts[1:], strict=False)):
        wasm = entry / script[start]["filename"]
        items = aot.checks(script[start + 1:end], wasm)
        if not items:
            continue
        obj = tmp_path / f"m{number}.o"
        assert main(["compile", str(wasm), "-o", str(obj), "--export-prefix", aot.PREFIX]) == 0, wasm
        host = tmp_path / f"host{number}.c"
        host.write_text(aot.host_source(items), encoding="utf-8")
        exe = tmp_path / f"host{number}"
        run(["gcc", "-O0", "-o", exe, host, obj])
        outcomes = aot.judge(items, run([exe]).stdout)
        ran += len(outcomes)
        failures += [f"line {o.line}: {o.detail}" for o in outcomes if not o.ok]
    assert ran >= 5, f"{name}: only {ran} commands could be run through the AOT host"
    assert not failures, f"{name}: {len(failures)} of {ran} commands fail through the AOT path:\n" + "\n".join(
        failures[:30])
