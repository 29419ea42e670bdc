"""The memory variables never take a name the module already uses (``emitter/dwarf/memories.py``): memory N's
``memoryN``/``memoryN_size`` are left out when either name is a function's or global's or a (non-memory)
export's, and plain gdb 13 and lldb-19 then show the module's own symbol; the other memories keep theirs.

The module has four memories: memory 1 clashes with the function ``$memory1``, memory 2 with the global
exported as ``memory2_size``; memory 0 and memory 3 (exported as ``memory3``, a memory's own export, which does
not count) are described. JIT and AOT; oracle: wasmtime-py's memories after ``go``. (A C program's own names:
``tests/test_dwarf_memories_c.py``.)"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pytest
import wasmtime

from emitter.aot import compile_file
from tests.native_debug import jitdebug_env
from tests.tools import run

MODULE = r"""(module $names
  (memory (export "a") 1)
  (memory 1)
  (memory 1)
  (memory (export "memory3") 2)
  (data (memory 0) (i32.const 16) "zero")
  (data (memory 3) (i32.const 16) "three")
  (global $g (export "memory2_size") (mut i32) (i32.const 5))
  (func $memory1 (export "go") (call $stop))
  (func $stop nop))
"""


def _wasmtime() -> tuple[bytes, bytes, int, int]:
    store = wasmtime.Store()
    exports = wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), []).exports(store)
    go, zero, three = exports["go"], exports["a"], exports["memory3"]
    assert isinstance(go, wasmtime.Func) and isinstance(zero, wasmtime.Memory) and isinstance(three, wasmtime.Memory)
    go(store)
    return (bytes(zero.read(store, 16, 20)), bytes(three.read(store, 16, 21)), zero.data_len(store),
            three.data_len(store))


def _program(tmp_path: Path, kind: str) -> list[str]:
    wat = tmp_path / "names.wat"
    wat.write_text(MODULE)
    if kind == "jit":
        return [sys.executable, "-m", "emitter.cli", "run", str(wat), "--invoke", "go"]
    obj = tmp_path / "names.o"
    compile_file(wat, obj)
    assert "No errors." in run(["llvm-dwarfdump-19", "--verify", obj]).stdout
    names = re.findall(r'DW_AT_name\t\("(memory\w*)"\)', run(["llvm-dwarfdump-19", "--debug-info", obj]).stdout)
    assert sorted(names) == ["memory0", "memory0_size", "memory1", "memory3", "memory3_size"], names
    host = tmp_path / "host.c"
    host.write_text("void go(void);\nint main(void) { go(); return 0; }\n")
    run(["gcc", "-g", "-o", tmp_path / "prog", host, obj])
    return [str(tmp_path / "prog")]


def _dumped(text: str) -> bytes:
    return bytes(int(b, 16) for line in text.splitlines()
                 for b in re.findall(r"0x([0-9a-f]{2})\b", line.partition(":")[2]))


@pytest.mark.parametrize("kind", ["jit", "aot"])
def test_memory_variables_leave_the_modules_names_alone(tmp_path: Path, kind: str) -> None:
    zero, three, zero_size, three_size = _wasmtime()
    program = _program(tmp_path, kind)
    commands = ["x/4xb &memory0[16]", "p memory0_size", "p memory3[16]@5", "p memory3_size", "p memory1",
                "p memory1_size", "p memory2", "p memory2_size"]
    argv = ["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break stop", "-ex", "run"]
    for number, command in enumerate(commands):
        argv += ["-ex", f"echo @@{number}\\n", "-ex", command]
    # gdb's errors go to stderr: 2>&1 keeps each after its command's marker.
    out = run(["sh", "-c", '"$@" 2>&1', "sh", *argv, "-ex", "echo @@end\\n", "--args", *program],
              env=jitdebug_env(), timeout=120, check=False).stdout
    parts = re.split(r"^@@(\w+)\n", out, flags=re.M)
    assert "@@end" in out, out
    gdb = {commands[int(parts[i])]: parts[i + 1].strip() for i in range(1, len(parts) - 2, 2)}
    assert _dumped(gdb["x/4xb &memory0[16]"]) == zero, gdb
    assert gdb["p memory0_size"].endswith(f"= {zero_size}"), gdb
    assert gdb["p memory3[16]@5"].endswith(f'= "{three.decode()}"'), gdb
    assert gdb["p memory3_size"].endswith(f"= {three_size}"), gdb
    assert re.fullmatch(r"\$\d+ = \{void \(\)\} 0x[0-9a-f]+ <memory1>", gdb["p memory1"]), gdb  # the function
    for name in ("memory1_size", "memory2", "memory2_size"):
        assert gdb[f"p {name}"] == f'No symbol "{name}" in current context.', gdb

    lldb_commands = ["memory read -s1 -fx -c4 &memory0[16]", "frame variable memory3_size",
                     "image lookup -n memory1", "target variable memory1", "target variable memory2_size"]
    with tempfile.NamedTemporaryFile("w", suffix=".lldb", delete=False) as script:
        script.write("".join(command + "\n" for command in lldb_commands))
    try:
        lldb_out = run(["lldb-19", "-b", "-o", "breakpoint set -n stop", "-o", "run", "-o",
                        f"command source -e false {script.name}", "-k", "quit 1", "--", *program],
                       env=jitdebug_env(), timeout=120, check=False)
    finally:
        Path(script.name).unlink()
    lldb_parts = re.split(r"^\(lldb\) (.*)\n", lldb_out.stdout, flags=re.M)
    lldb = {lldb_parts[i]: lldb_parts[i + 1] for i in range(1, len(lldb_parts) - 1, 2)}
    assert _dumped(lldb["memory read -s1 -fx -c4 &memory0[16]"]) == zero, lldb
    assert lldb["frame variable memory3_size"].strip().endswith(f"memory3_size = {three_size}"), lldb
    assert re.search(r"Summary: .*`memory1\b", lldb["image lookup -n memory1"]), lldb
    errors = lldb_out.stderr
    assert "can't find global variable 'memory1'" in errors, errors
    assert "can't find global variable 'memory2_size'" in errors, errors
