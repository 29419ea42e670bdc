"""The Wasm-level DWARF names every memory: ``memoryN`` is a byte array at memory N's current base and
``memoryN_size`` its size in bytes (``emitter/dwarf/memories.py``), so gdb 13 and lldb-19 *without the plugins*
show any memory's bytes by Wasm address, in a JIT image and in an AOT object, after ``memory.grow`` too.

The module has three memories (0 and 1 32-bit, 2 64-bit) with data segments; ``go`` grows memory 1 by a page,
writes into the new page and calls ``stop``, where the debuggers stop. Oracle: wasmtime-py running ``go`` (its
memories after the call, which is what the stop sees: ``stop`` writes nothing). The object's DWARF passes
``llvm-dwarfdump-19 --verify``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import wasmtime

from emitter.aot import compile_file
from tests.native_debug import jitdebug_env
from tests.tools import run

MODULE = r"""(module $threemem
  (memory $a (export "a") 1)
  (memory $b (export "b") 2 4)
  (memory $c (export "c") i64 1 2)
  (data (memory $a) (i32.const 16) "first memory")
  (data (memory $b) (i32.const 16) "second one!!")
  (data (memory $c) (i64.const 0xfff0) "third, wide!")
  (func $go (export "go") (param $v i32)
    (drop (memory.grow $b (i32.const 1)))
    (i32.store $b (i32.const 0x20010) (local.get $v))
    (i32.store $a (i32.const 0x20) (i32.const -1))
    (call $stop))
  (func $stop
    nop))
"""

VALUE = 0x5A0109
#: (memory index, export, Wasm address, bytes shown).
VIEWS = [(0, "a", 16, 12), (0, "a", 0x20, 4), (1, "b", 16, 12), (1, "b", 0x20010, 4), (2, "c", 0xFFF0, 12)]


def _wasmtime() -> tuple[dict[tuple[int, int], bytes], list[int]]:
    """Each view's bytes and each memory's size after ``go(VALUE)``, by wasmtime."""
    store = wasmtime.Store()
    exports = wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), []).exports(store)
    go = exports["go"]
    assert isinstance(go, wasmtime.Func)
    go(store, VALUE)
    views = {}
    for index, name, address, length in VIEWS:
        memory = exports[name]
        assert isinstance(memory, wasmtime.Memory)
        views[index, address] = bytes(memory.read(store, address, address + length))
    sizes = []
    for name in ("a", "b", "c"):
        memory = exports[name]
        assert isinstance(memory, wasmtime.Memory)
        sizes.append(memory.data_len(store))
    return views, sizes


def _wat(tmp_path: Path) -> Path:
    wat = tmp_path / "threemem.wat"
    wat.write_text(MODULE)
    return wat


def _aot_program(tmp_path: Path) -> list[str]:
    obj = tmp_path / "threemem.o"
    compile_file(_wat(tmp_path), obj)
    verify = run(["llvm-dwarfdump-19", "--verify", obj])
    assert "No errors." in verify.stdout, verify.stdout
    dump = run(["llvm-dwarfdump-19", "--debug-info", obj]).stdout
    for index in range(3):
        assert f'DW_AT_name\t("memory{index}")' in dump and f'DW_AT_name\t("memory{index}_size")' in dump, dump
    host = tmp_path / "host.c"
    host.write_text("#include <stdint.h>\nvoid go(int32_t);\n"
                    f"int main(void) {{ go({VALUE}); return 0; }}\n")
    program = tmp_path / "prog"
    run(["gcc", "-g", "-o", program, host, obj])
    return [str(program)]


def _jit_program(tmp_path: Path) -> list[str]:
    return [sys.executable, "-m", "emitter.cli", "run", str(_wat(tmp_path)), "--invoke", "go", str(VALUE)]


def _gdb(program: list[str]) -> dict[str, str]:
    """Each command's output, by command: plain gdb, no plugin."""
    commands = [f"x/{length}xb &memory{index}[{address}]" for index, _, address, length in VIEWS]
    commands += [f"p memory{index}_size" for index in range(3)] + [f"p sizeof(memory{index})" for index in range(3)]
    commands += ["p/x memory1[16]", "p memory2[0xfff0]@12", "ptype memory2"]
    argv = ["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break stop", "-ex", "run"]
    for number, command in enumerate(commands):
        argv += ["-ex", f"echo @@{number}\\n", "-ex", command]
    out = run([*argv, "-ex", "echo @@end\\n", "--args", *program], env=jitdebug_env(), timeout=120, check=False)
    parts = re.split(r"^@@(\w+)\n", out.stdout, flags=re.M)
    assert "@@end" in out.stdout, out.stdout + out.stderr
    return {commands[int(parts[i])]: parts[i + 1] for i in range(1, len(parts) - 2, 2)}


def _lldb(program: list[str]) -> dict[str, str]:
    """Each command's output, by command: plain lldb-19, no plugin."""
    commands = [f"memory read -s1 -fx -c{length} &memory{index}[{address}]" for index, _, address, length in VIEWS]
    commands += [f"frame variable memory{index}_size" for index in range(3)]
    commands += ["frame variable -f x memory1[16]", "frame variable -f x memory1[131088]",
                 "expression -f x -- memory2[0xfff0]"]
    return _lldb_outputs(commands, program)


def _lldb_outputs(commands: list[str], program: list[str]) -> dict[str, str]:
    """lldb-19 stopped at ``stop``: each command's output, by command."""
    argv = ["lldb-19", "-b", "-o", "breakpoint set -n stop", "-o", "run"]
    for command in commands:
        argv += ["-o", command]
    out = run([*argv, "-k", "quit 1", "--", *program], env=jitdebug_env(), timeout=120, check=False)
    parts = re.split(r"^\(lldb\) (.*)\n", out.stdout, flags=re.M)
    outputs = {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    assert all(command in outputs for command in commands), out.stdout + out.stderr
    return outputs


def _dumped(text: str) -> bytes:
    """The bytes of an ``x/Nxb`` or ``memory read -fx`` dump."""
    return bytes(int(b, 16) for line in text.splitlines()
                 for b in re.findall(r"0x([0-9a-f]{2})\b", line.partition(":")[2]))


@pytest.mark.parametrize("kind", ["jit", "aot"])
def test_gdb_shows_every_memory_from_the_dwarf(tmp_path: Path, kind: str) -> None:
    views, sizes = _wasmtime()
    out = _gdb(_jit_program(tmp_path) if kind == "jit" else _aot_program(tmp_path))
    for index, _, address, length in VIEWS:
        assert _dumped(out[f"x/{length}xb &memory{index}[{address}]"]) == views[index, address], out
    for index, size in enumerate(sizes):
        assert out[f"p memory{index}_size"].strip().endswith(f"= {size}"), out
        assert out[f"p sizeof(memory{index})"].strip().endswith(f"= {size}"), out  # the bounds follow growth
    assert out["p/x memory1[16]"].strip().endswith(f"= {views[1, 16][0]:#x}"), out
    assert out["p memory2[0xfff0]@12"].strip().endswith(f'= "{views[2, 0xFFF0].decode()}"'), out
    assert out["ptype memory2"].strip() == f"type = u8 [{sizes[2]}]", out


@pytest.mark.parametrize("kind", ["jit", "aot"])
def test_lldb_shows_every_memory_from_the_dwarf(tmp_path: Path, kind: str) -> None:
    views, sizes = _wasmtime()
    out = _lldb(_jit_program(tmp_path) if kind == "jit" else _aot_program(tmp_path))
    for index, _, address, length in VIEWS:
        assert _dumped(out[f"memory read -s1 -fx -c{length} &memory{index}[{address}]"]) == views[index, address], out
    for index, size in enumerate(sizes):
        assert out[f"frame variable memory{index}_size"].strip().endswith(f"memory{index}_size = {size}"), out
    assert out["frame variable -f x memory1[16]"].strip().endswith(f"= 0x{views[1, 16][0]:02x}"), out
    assert out["frame variable -f x memory1[131088]"].strip().endswith(f"= 0x{views[1, 0x20010][0]:02x}"), out
    assert out["expression -f x -- memory2[0xfff0]"].strip().endswith(f"= 0x{views[2, 0xFFF0][0]:02x}"), out


IMPORTER = r"""(module $importer
  (import "host" "m0" (memory 1 1))
  (import "host" "m1" (memory 1 4))
  (memory $own (export "own") i64 1 1)
  (data (memory 2) (i64.const 0x40) "its own")
  (func $go (export "go") (param $v i32)
    (drop (memory.grow 1 (i32.const 1)))
    (i32.store 1 (i32.const 0x10040) (local.get $v))
    (i32.store 0 (i32.const 0x40) (i32.const 0x11223344))
    (call $stop))
  (func $stop
    nop))
"""

#: Memories 0 and 1 are the embedder's, imported (their records are the host's); memory 2 the module's own.
EMBEDDER = """\
import sys
from emitter.jit import Linker, Memory, MemoryType, compile_wasm
linker = Linker()
linker.define("host", "m0", Memory(MemoryType(1, 1)))
linker.define("host", "m1", Memory(MemoryType(1, 4)))
linker.instantiate(compile_wasm(sys.argv[1], listing_dir=sys.argv[2])).exports["go"](%d)
"""


def _importer_wasmtime() -> tuple[bytes, bytes, bytes, int]:
    """Memory 0 at 0x40, memory 1 at 0x10040, memory 2 at 0x40 and memory 1's size after ``go``, by wasmtime."""
    store = wasmtime.Store()
    linker = wasmtime.Linker(store.engine)
    m0 = wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, 1)))
    m1 = wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, 4)))
    linker.define(store, "host", "m0", m0)
    linker.define(store, "host", "m1", m1)
    instance = linker.instantiate(store, wasmtime.Module(store.engine, IMPORTER))
    go = instance.exports(store)["go"]
    assert isinstance(go, wasmtime.Func)
    go(store, VALUE)
    own = instance.exports(store)["own"]
    assert isinstance(own, wasmtime.Memory)
    return (bytes(m0.read(store, 0x40, 0x44)), bytes(m1.read(store, 0x10040, 0x10044)),
            bytes(own.read(store, 0x40, 0x47)), m1.data_len(store))


def test_imported_memories_in_the_dwarf(tmp_path: Path) -> None:
    """Memories imported from the embedder (JIT): ``memory0``/``memory1`` read the host's records."""
    wat = tmp_path / "importer.wat"
    wat.write_text(IMPORTER)
    script = tmp_path / "embedder.py"
    script.write_text(EMBEDDER % VALUE)
    first, grown, own, size = _importer_wasmtime()
    program = [sys.executable, str(script), str(wat), str(tmp_path)]
    argv = ["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break stop", "-ex", "run"]
    for number, command in enumerate(["x/4xb &memory0[0x40]", "x/4xb &memory1[0x10040]", "x/7xb &memory2[0x40]",
                                      "p memory1_size"]):
        argv += ["-ex", f"echo @@{number}\\n", "-ex", command]
    gdb = run([*argv, "--args", *program], env=jitdebug_env(), timeout=120, check=False).stdout
    parts = re.split(r"^@@\d\n", gdb, flags=re.M)
    assert len(parts) == 5, gdb
    assert [_dumped(parts[1]), _dumped(parts[2]), _dumped(parts[3])] == [first, grown, own], gdb
    assert parts[4].strip().endswith(f"= {size}"), gdb
    lldb = _lldb_outputs(["memory read -s1 -fx -c4 &memory0[0x40]", "memory read -s1 -fx -c4 &memory1[0x10040]",
                          "memory read -s1 -fx -c7 &memory2[0x40]", "frame variable memory1_size"], program)
    assert [_dumped(lldb["memory read -s1 -fx -c4 &memory0[0x40]"]),
            _dumped(lldb["memory read -s1 -fx -c4 &memory1[0x10040]"]),
            _dumped(lldb["memory read -s1 -fx -c7 &memory2[0x40]"])] == [first, grown, own], lldb
    assert lldb["frame variable memory1_size"].strip().endswith(f"memory1_size = {size}"), lldb


def test_memories_in_a_core_file(tmp_path: Path) -> None:
    """Post-mortem: a core file written at a trap (``jitdebug run -D coredump=FILE``) after ``go``'s writes;
    plain gdb and lldb read ``memoryN`` from it (the vmctx, ``<m>.memories`` and records are in the core)."""
    trapping = MODULE.replace("(call $stop))", "unreachable)")
    assert trapping != MODULE
    wat = tmp_path / "threemem.wat"
    wat.write_text(trapping)
    store = wasmtime.Store()
    exports = wasmtime.Instance(store, wasmtime.Module(store.engine, trapping), []).exports(store)
    go, grown = exports["go"], exports["b"]
    assert isinstance(go, wasmtime.Func) and isinstance(grown, wasmtime.Memory)
    try:
        go(store, VALUE)
    except wasmtime.Trap:
        pass
    else:
        raise AssertionError("go did not trap under wasmtime")
    expected = {}
    for index, name, address, length in VIEWS:
        memory = exports[name]
        assert isinstance(memory, wasmtime.Memory)
        expected[index, address] = bytes(memory.read(store, address, address + length))
    core = tmp_path / "go.core"
    program = [sys.executable, "-m", "emitter.cli", "run", str(wat), "--invoke", "go", str(VALUE)]
    result = run([*program[:4], "-D", f"coredump={core}", *program[4:]], env=jitdebug_env(), check=False)
    assert result.returncode == 1 and core.exists(), result.stderr
    commands = [f"x/{length}xb &memory{index}[{address}]" for index, _, address, length in VIEWS]
    argv = ["gdb", "-nx", "-batch", "-c", str(core)]
    for number, command in enumerate([*commands, "p memory1_size"]):
        argv += ["-ex", f"echo @@{number}\\n", "-ex", command]
    gdb = run([*argv, sys.executable], timeout=120, check=False).stdout
    parts = re.split(r"^@@\d+\n", gdb, flags=re.M)
    assert len(parts) == len(commands) + 2, gdb
    assert [_dumped(part) for part in parts[1:-1]] == [expected[i, a] for i, _, a, _ in VIEWS], gdb
    assert parts[-1].strip().endswith(f"= {grown.data_len(store)}"), gdb
    reads = [f"memory read -s1 -fx -c{length} &memory{index}[{address}]" for index, _, address, length in VIEWS]
    argv = ["lldb-19", "-b", "-c", str(core), sys.executable]
    for command in [*reads, "target variable memory1_size"]:
        argv += ["-o", command]
    lldb = run([*argv, "-k", "quit 1"], timeout=120, check=False).stdout
    lldb_parts = re.split(r"^\(lldb\) (.*)\n", lldb, flags=re.M)
    outputs = {lldb_parts[i]: lldb_parts[i + 1] for i in range(1, len(lldb_parts) - 1, 2)}
    assert [_dumped(outputs.get(read, "")) for read in reads] == [expected[i, a] for i, _, a, _ in VIEWS], lldb
    assert outputs["target variable memory1_size"].strip().endswith(f"= {grown.data_len(store)}"), lldb
