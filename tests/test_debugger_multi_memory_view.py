"""``wasm memory -m N`` in gdb and lldb shows memory N of a multi-memory module, names which memory it shows,
and refuses a memory the module does not have. An AOT program traps after writing different bytes at the same
address of its two memories; wasmtime-py, running the same export, says what each memory holds there."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import wasmtime

from tests.native_debug import in_gdb, in_lldb
from tests.tools import ROOT, run

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

MODULE = r"""(module $twomem
  (memory $a (export "a") 1)
  (memory $b (export "b") 2)
  (data (memory $a) (i32.const 64) "first memory")
  (data (memory $b) (i32.const 64) "second one!!")
  (func (export "go")
    (i32.store $a (i32.const 128) (i32.const 0x11223344))
    (i32.store $b (i32.const 128) (i32.const 0x55667788))
    unreachable))
"""

HOST = '#include "twomem.h"\nint main(void) { go(); return 0; }\n'


def _wasmtime_bytes() -> dict[int, tuple[bytes, bytes, int]]:
    """Per memory: (bytes 64..76, bytes 128..132, size) after go trapped, by wasmtime."""
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), [])
    exports = instance.exports(store)
    go = exports["go"]
    assert isinstance(go, wasmtime.Func)
    try:
        go(store)
    except wasmtime.Trap:
        pass
    else:
        raise AssertionError("go did not trap under wasmtime")
    out = {}
    for index, name in enumerate(("a", "b")):
        memory = exports[name]
        assert isinstance(memory, wasmtime.Memory)
        out[index] = (bytes(memory.read(store, 64, 76)), bytes(memory.read(store, 128, 132)), memory.data_len(store))
    return out


def _wasmtime_trap_offset() -> int:
    """The module offset of the trapping ``unreachable``, from wasmtime's backtrace."""
    store = wasmtime.Store()
    go = wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), []).exports(store)["go"]
    assert isinstance(go, wasmtime.Func)
    try:
        go(store)
    except wasmtime.Trap as trap:
        found = re.search(r"^ +0: +(0x[0-9a-f]+) - twomem!", str(trap), re.M)
        assert found, str(trap)
        return int(found[1], 16)
    raise AssertionError("go did not trap under wasmtime")


def _program(tmp_path: Path) -> Path:
    (tmp_path / "twomem.wat").write_text(MODULE)
    run([JITDEBUG, "compile", tmp_path / "twomem.wat", "-o", tmp_path / "twomem.o", "--header",
         tmp_path / "twomem.h"])
    (tmp_path / "host.c").write_text(HOST)
    run(["gcc", "-g", "-o", tmp_path / "host", tmp_path / "host.c", tmp_path / "twomem.o"], cwd=tmp_path)
    return tmp_path / "host"


def _dump(data: bytes) -> str:
    return " ".join(f"{b:02x}" for b in data)


def _check(out: str) -> None:
    expected = _wasmtime_bytes()
    for index in (0, 1):
        text, word, size = expected[index]
        assert f"twomem memory {index} ({size:#x} bytes):" in out, out
        assert re.search(rf"^twomem\+0x00000040:  {_dump(text)}$", out, re.M), out
        assert re.search(rf"^twomem\+0x00000080:  {_dump(word)}$", out, re.M), out
    # Without -m (the fifth command): memory 0, still named since the module has two.
    assert out.count(f"twomem memory 0 ({expected[0][2]:#x} bytes):") == 3, out
    assert "twomem has no memory 2 (it has 2)" in out, out
    assert f"outside its memory 1 of {expected[1][2]:#x} bytes" in out, out


COMMANDS = ["wasm memory -m 0 64 12", "wasm memory -m 0 128 4", "wasm memory -m 1 64 12", "wasm memory -m 1 128 4",
            "wasm memory 128 4", "wasm memory -m 2 0 4", "wasm memory -m 1 0x1fffe 4"]


def test_gdb_memory_view_shows_the_memory_asked_for(tmp_path: Path) -> None:
    program = _program(tmp_path)
    _check(in_gdb(["run", *COMMANDS], [program]))


def test_lldb_memory_view_shows_the_memory_asked_for(tmp_path: Path) -> None:
    program = _program(tmp_path)
    _check(in_lldb(["run", *COMMANDS], [program]))


def test_gdb_memory_view_of_a_jit_instance_reads_memory_1(tmp_path: Path) -> None:
    """The JIT's instance: stopped at the ``unreachable`` (a breakpoint, since a JIT trap exits the process)."""
    wat = tmp_path / "twomem.wat"
    wat.write_text(MODULE)
    trap = _wasmtime_trap_offset()
    out = in_gdb([f"wasm break twomem+{trap:#x}", "run", "wasm memory -m 1 64 12", "wasm memory -m 1 128 4",
                  "wasm memory 128 4", "wasm memory -m 2 0 4"],
                 [sys.executable, "-m", "emitter.cli", "run", "--invoke", "go", wat])
    expected = _wasmtime_bytes()
    assert f"twomem memory 1 ({expected[1][2]:#x} bytes):" in out, out
    assert re.search(rf"^twomem\+0x00000040:  {_dump(expected[1][0])}$", out, re.M), out
    assert re.search(rf"^twomem\+0x00000080:  {_dump(expected[1][1])}$", out, re.M), out
    assert re.search(rf"^twomem\+0x00000080:  {_dump(expected[0][1])}$", out, re.M), out
    assert "twomem has no memory 2 (it has 2)" in out, out
