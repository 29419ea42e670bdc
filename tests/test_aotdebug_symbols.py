"""Symbol names of an AOT object never collide: exports keep their C names, a function whose ``name`` section
name is taken elsewhere gets ``[N]`` appended, and Wasm backtraces still show the ``name`` section name."""

from __future__ import annotations

import re
from pathlib import Path

import wasmtime

from emitter.cli import main
from emitter.debuggers import GDB_PLUGIN
from tests.tools import ROOT, run

CORPUS_MULTI_VALUE = ROOT / "samples" / "corpus" / "multi_value.wat"

#: Every kind of clash: a name equal to an import (``$host``), to an earlier function's name (``$dupx``, renamed
#: ``dupe`` in the binary: the text format forbids duplicate names), then to a name a suffix would make
#: (``$dupe[4]``), to a runtime symbol (``$jitdebug_trap``); and a name equal to the function's own export
#: (``$own``), which stays one symbol.
CLASHES = """(module
  (import "env" "host" (func $host_import (param i32) (result i32)))
  (func $host (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $dupe (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $"dupe[4]" (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $dupx (param i32) (result i32) (i32.mul (local.get 0) (i32.const 7)))
  (func $jitdebug_trap (param i32) (result i32) (i32.mul (local.get 0) (i32.const 5)))
  (func $own (export "own") (param i32) (result i32)
    (call 0 (call 1 (call 2 (call 3 (call 4 (call 5 (local.get 0))))))))
)"""

HOST = r"""
#include <stdint.h>
#include <stdio.h>
int32_t own(int32_t);
int32_t host(int32_t x) { return x + 100; }
int main(void) { printf("%d\n", own(1)); return 0; }
"""


def _symbols(obj: Path) -> dict[str, str]:
    """Symbol name → ``nm`` type letter (T global, t local, W weak, U undefined) in ``obj``."""
    out: dict[str, str] = {}
    for line in run(["nm", obj]).stdout.splitlines():
        kind, name = line[17:].split(" ", 1)
        out[name] = kind
    return out


def _without_module(frame: str) -> str:
    """``    0:     0xa4 - m!divmod`` → ``    0:     0xa4 - divmod``."""
    return re.sub(r" - [^!]*!", " - ", frame, count=1)


def test_name_section_name_equal_to_another_export_compiles(tmp_path: Path) -> None:
    """``$divmod`` (index 0) and the export ``divmod`` (index 3) are different functions: without
    ``--export-prefix`` both used to claim the symbol ``divmod``."""
    obj = tmp_path / "mv.o"
    assert main(["compile", str(CORPUS_MULTI_VALUE), "-o", str(obj)]) == 0
    symbols = _symbols(obj)
    assert symbols["divmod"] == "T" and symbols["divmod[0]"] == "t"
    assert symbols["swap"] == "T" and symbols["swap[1]"] == "t"
    # The export really is the export: a C caller gets the exported function's result, not ``$divmod``'s.
    (tmp_path / "host.c").write_text('#include <stdio.h>\n#include <stdint.h>\nint32_t divmod(int32_t, int32_t);\n'
                                     'int main(void) { printf("%d\\n", divmod(17, 5)); return 0; }\n')
    run(["gcc", "-o", tmp_path / "host", tmp_path / "host.c", obj], cwd=tmp_path)
    assert run([tmp_path / "host"]).stdout == "2003\n"


def test_every_kind_of_clash_gets_a_unique_symbol(tmp_path: Path) -> None:
    wasm = bytes(wasmtime.wat2wasm(CLASHES))
    assert wasm.count(b"dupx") == 1
    source = tmp_path / "clash.wasm"
    source.write_bytes(wasm.replace(b"dupx", b"dupe"))
    obj = tmp_path / "clash.o"
    assert main(["compile", str(source), "-o", str(obj)]) == 0
    symbols = _symbols(obj)
    assert symbols["own"] == "T" and "own[6]" not in symbols
    assert symbols["jitdebug_trap"] == "W" and symbols["jitdebug_trap[5]"] == "t"
    assert symbols["host"] == "U" and symbols["host[1]"] == "t"
    assert {s: t for s, t in symbols.items() if s.startswith("dupe")} == {"dupe": "t", "dupe[4]": "t",
                                                                          "dupe[4][4]": "t"}
    (tmp_path / "host.c").write_text(HOST)
    run(["gcc", "-o", tmp_path / "host", tmp_path / "host.c", obj], cwd=tmp_path)
    # 1 → ×5 → ×7 → ×3 → ×2 → +1 → host +100: every call reached the function its index names.
    assert run([tmp_path / "host"]).stdout == f"{1 * 5 * 7 * 3 * 2 + 1 + 100}\n"


def test_wasm_backtrace_shows_name_section_names(tmp_path: Path) -> None:
    """A trap in ``$divmod`` (symbol ``divmod[0]``): the plugin's Wasm backtrace equals wasmtime's, which names
    the frame ``divmod`` from the name section."""
    obj = tmp_path / "multi_value.o"
    assert main(["compile", str(CORPUS_MULTI_VALUE), "-o", str(obj)]) == 0
    (tmp_path / "host.c").write_text('#include <stdint.h>\nint32_t divmod(int32_t, int32_t);\n'
                                     "int main(void) { return divmod(17, 0); }\n")
    run(["gcc", "-g", "-o", tmp_path / "host", tmp_path / "host.c", obj], cwd=tmp_path)
    proc = run(["gdb", "-nx", "-batch", "-iex", f"source {GDB_PLUGIN}", "-ex", "run", "-ex", "wasm bt",
                "--args", tmp_path / "host"], timeout=60)
    # Frames compared without their module part: this test is about function names.
    ours = [_without_module(line.split("  [#")[0]) for line in proc.stdout.splitlines()
            if re.match(r"^ +\d+: +0x[0-9a-f]+ - ", line)]

    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, CORPUS_MULTI_VALUE.read_text()), [])
    divmod_export = instance.exports(store)["divmod"]
    assert isinstance(divmod_export, wasmtime.Func)
    try:
        divmod_export(store, 17, 0)
        raise AssertionError("divmod(17, 0) did not trap under wasmtime")
    except wasmtime.Trap as trap:
        expected = [_without_module(line) for line in str(trap).splitlines() if " - " in line]
    assert any(line.endswith(" - divmod") for line in expected)
    assert ours == expected, proc.stdout + proc.stderr
