"""A C program's memory by Wasm address in plain gdb 13 and lldb-19 (no plugins): the modules with the producer's
DWARF get the ``memoryN``/``memoryN_size`` variables too, in a compile unit of their own after the translated
ones (``emitter/dwarf/memory_unit.py``), JIT and AOT, and the C program's own names stay its own.

``peek.c`` (wasi-libc, built at test time at -O0 -g) fills a heap block and a static string and passes their Wasm
addresses to ``stop``, where the debuggers stop. Oracle: wasmtime-py running the same module under WASI: the
addresses it prints and its exported memory after the run (``stop`` is the last thing that writes either). A
program with a C global of its own named ``memory0_size`` keeps it: gdb and lldb show the C variable, as gcc's
build of the same source does, and no ``memory0`` is written (the rule in ``emitter/dwarf/memories.py``)."""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pytest
import wasmtime

from emitter.aot import compile_file
from tests.native_debug import jitdebug_env
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

PEEK = r"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char greeting[32] = "hello, memory";
int counter = 3;

__attribute__((noinline)) void stop(unsigned heap, unsigned text) {
    printf("%u %u %d\n", heap, text, counter);
}

int main(void) {
    unsigned char *block = malloc(100000);
    for (int i = 0; i < 16; i++)
        block[i] = (unsigned char)(i * 17 + 1);
    strcpy(greeting + 13, "!");
    stop((unsigned)(size_t)block, (unsigned)(size_t)greeting);
    return 0;
}
"""

#: The C program's own ``memory0_size`` (and a function of that family's name): the program's names win.
CLASH = r"""#include <stdio.h>

int memory0_size = 42;

__attribute__((noinline)) void stop(int n) {
    printf("%d %d\n", n, memory0_size);
}

int main(void) {
    stop(7);
    return 0;
}
"""


def _build(tmp_path: Path, name: str, source: str) -> Path:
    c = tmp_path / f"{name}.c"
    c.write_text(source)
    wasm = tmp_path / f"{name}.wasm"
    wasm_clang(["--target=wasm32-wasi", "-g", "-O0", "-o", wasm, c], cwd=tmp_path)
    return wasm


def _wasmtime(wasm: Path, tmp_path: Path) -> tuple[list[int], bytes, int]:
    """What ``peek`` prints, the memory after its run and the memory's size, by wasmtime-py's WASI."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    config = wasmtime.WasiConfig()
    out = tmp_path / "wasmtime.out"
    config.stdout_file = str(out)
    store.set_wasi(config)
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, str(wasm)))
    exports = instance.exports(store)
    start, memory = exports["_start"], exports["memory"]
    assert isinstance(start, wasmtime.Func) and isinstance(memory, wasmtime.Memory)
    start(store)
    printed = [int(word) for word in out.read_text().split()]
    return printed, bytes(memory.read(store, 0, memory.data_len(store))), memory.data_len(store)


@pytest.fixture(scope="module")
def wasi_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("runtime") / "libjitdebug_wasi.a"
    run([sys.executable, "-m", "emitter.cli", "runtime", "wasi", "-o", library], cwd=ROOT)
    return library


def _program(tmp_path: Path, wasm: Path, kind: str, runtime: Path) -> list[str]:
    if kind == "jit":
        return [sys.executable, "-m", "emitter.cli", "run", str(wasm)]
    obj = wasm.with_suffix(".o")
    compile_file(wasm, obj)
    verify = run(["llvm-dwarfdump-19", "--verify", obj])
    assert "No errors." in verify.stdout, verify.stdout
    exe = wasm.with_suffix("")
    run(["gcc", "-g", "-o", exe, obj, runtime])
    return [str(exe)]


def _gdb(commands: list[str], program: list[str]) -> dict[str, str]:
    """Plain gdb stopped at ``stop``: each command's output, by command."""
    argv = ["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break stop", "-ex", "run"]
    for number, command in enumerate(commands):
        argv += ["-ex", f"echo @@{number}\\n", "-ex", command]
    out = run([*argv, "-ex", "echo @@end\\n", "--args", *program], env=jitdebug_env(), timeout=120, check=False)
    parts = re.split(r"^@@(\w+)\n", out.stdout, flags=re.M)
    assert "@@end" in out.stdout, out.stdout + out.stderr
    return {commands[int(parts[i])]: parts[i + 1] for i in range(1, len(parts) - 2, 2)}


def _gdb_errors(commands: list[str], program: list[str]) -> list[str]:
    """Plain gdb stopped at ``stop``: each command's output and errors, in order (one command per gdb run keeps
    an error with its command)."""
    outputs = []
    for command in commands:
        argv = ["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break stop", "-ex", "run",
                "-ex", "echo @@\\n", "-ex", command]
        out = run([*argv, "--args", *program], env=jitdebug_env(), timeout=120, check=False)
        errors = [line for line in out.stderr.splitlines() if line.startswith("No symbol")]
        outputs.append(out.stdout.partition("@@\n")[2] + "".join(line + "\n" for line in errors))
    return outputs


def _lldb(commands: list[str], program: list[str]) -> dict[str, str]:
    """Plain lldb-19 stopped at ``stop``: each command's output (errors too), by command. The commands are
    sourced with ``-e false``: a failing one does not end the batch."""
    with tempfile.NamedTemporaryFile("w", suffix=".lldb", delete=False) as script:
        script.write("".join(command + "\n" for command in commands))
    try:
        argv = ["lldb-19", "-b", "-o", "breakpoint set -n stop", "-o", "run", "-o",
                f"command source -e false {script.name}", "-k", "quit 1", "--", *program]
        out = run(argv, env=jitdebug_env(), timeout=120, check=False)
    finally:
        Path(script.name).unlink()
    text = out.stdout + out.stderr
    parts = re.split(r"^\(lldb\) (.*)\n", out.stdout, flags=re.M)
    outputs = {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    for command in commands:  # errors go to stderr, in order
        outputs.setdefault(command, "")
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    outputs["errors"] = "\n".join(errors)
    assert all(command in outputs for command in commands), text
    return outputs


def _dumped(text: str) -> bytes:
    """The bytes of an ``x/Nxb`` or ``memory read -fx`` dump."""
    return bytes(int(b, 16) for line in text.splitlines()
                 for b in re.findall(r"0x([0-9a-f]{2})\b", line.partition(":")[2]))


@pytest.mark.parametrize("kind", ["jit", "aot"])
def test_c_program_memory_in_plain_gdb_and_lldb(tmp_path: Path, kind: str, wasi_runtime: Path) -> None:
    wasm = _build(tmp_path, "peek", PEEK)
    (heap, text, counter), memory, size = _wasmtime(wasm, tmp_path)
    assert counter == 3 and memory[text:text + 14] == b"hello, memory!"
    program = _program(tmp_path, wasm, kind, wasi_runtime)
    gdb = _gdb([f"x/16xb &memory0[{heap}]", f"p memory0[{text}]@14", "p memory0_size", "p sizeof(memory0)",
                "ptype memory0", "whatis memory0_size", "p/x memory0[heap + 15]", "info variables ^memory0",
                "p counter", "bt 1", "info args"], program)
    assert _dumped(gdb[f"x/16xb &memory0[{heap}]"]) == memory[heap:heap + 16], gdb
    assert gdb[f"p memory0[{text}]@14"].strip().endswith(f'= "{memory[text:text + 14].decode()}"'), gdb
    assert gdb["p memory0_size"].strip().endswith(f"= {size}"), gdb
    assert gdb["p sizeof(memory0)"].strip().endswith(f"= {size}"), gdb
    assert gdb["ptype memory0"].strip() == f"type = unsigned char [{size}]", gdb
    assert gdb["whatis memory0_size"].strip() == "type = unsigned long long", gdb
    assert gdb["p/x memory0[heap + 15]"].strip().endswith(f"= {memory[heap + 15]:#x}"), gdb
    assert "File <wasm memories>:" in gdb["info variables ^memory0"], gdb
    # The C program's names and frames are its own: the variable, the arguments, the frame.
    assert gdb["p counter"].strip().endswith("= 3"), gdb
    assert gdb["info args"].split() == ["heap", "=", str(heap), "text", "=", str(text)], gdb
    assert re.match(r"#0 +stop \(heap=\d+, text=\d+\) at .*peek\.c:9", gdb["bt 1"].strip()), gdb

    lldb = _lldb([f"memory read -s1 -fx -c16 &memory0[{heap}]", "target variable memory0_size",
                  "expression -f x -- memory0[heap + 15]", f"expression -- memory0[{text}]",
                  "target variable counter", "frame variable"], program)
    assert _dumped(lldb[f"memory read -s1 -fx -c16 &memory0[{heap}]"]) == memory[heap:heap + 16], lldb
    assert lldb["target variable memory0_size"].strip() == f"(unsigned long long) memory0_size = {size}", lldb
    assert lldb["expression -f x -- memory0[heap + 15]"].strip().endswith(f"= 0x{memory[heap + 15]:02x}"), lldb
    assert lldb[f"expression -- memory0[{text}]"].strip().endswith("= 'h'"), lldb
    assert lldb["target variable counter"].strip() == "(int) counter = 3", lldb
    assert lldb["frame variable"].split() == ["(unsigned", "int)", "heap", "=", str(heap),
                                              "(unsigned", "int)", "text", "=", str(text)], lldb


def test_a_c_name_keeps_its_meaning(tmp_path: Path, wasi_runtime: Path) -> None:
    """The C global ``memory0_size`` is the program's, in both debuggers as in gcc's build: memory 0's variables
    are not written (neither name: ``memory0`` is not in the DWARF either)."""
    wasm = _build(tmp_path, "clash", CLASH)
    program = _program(tmp_path, wasm, "aot", wasi_runtime)
    dump = run(["llvm-dwarfdump-19", "--debug-info", wasm.with_suffix(".o")]).stdout
    assert "<wasm memories>" not in dump and '"memory0"' not in dump, dump
    native = tmp_path / "native"
    run(["gcc", "-g", "-O0", "-o", native, tmp_path / "clash.c"])
    commands = ["p memory0_size", "ptype memory0_size", "p memory0"]
    for argv in ([native], program, [sys.executable, "-m", "emitter.cli", "run", str(wasm)]):
        assert _gdb_errors(commands, [str(a) for a in argv]) == [
            "$1 = 42\n", "type = int\n", 'No symbol "memory0" in current context.\n'], argv
        lldb = _lldb(["target variable memory0_size", "target variable memory0"], [str(a) for a in argv])
        assert lldb["target variable memory0_size"].strip() == "(int) memory0_size = 42", (argv, lldb)
        assert "error: can't find global variable 'memory0'" in lldb["errors"], (argv, lldb)
