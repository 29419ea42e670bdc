"""AOT hosts reach the module's linear memory through the documented accessors, and a module exporting
``_start`` (every WASI command) links into an ordinary C program, whose ``crt1.o`` defines ``_start`` too.

The host reads a data segment before any export ran (the accessor instantiates), writes through the pointer and
sees the module read it back, and sees the size follow ``memory.grow``; wasmtime-py on the same module says what
the bytes and sizes must be.
"""

from __future__ import annotations

from pathlib import Path

import wasmtime

from tests.tools import ROOT, run
from tests.windows_support import MINGW, run_wine

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

MODULE = """(module $cmd
  (memory (export "memory") 1)
  (data (i32.const 16) "hello")
  (func (export "_start") (i32.store8 (i32.const 16) (i32.const 72)))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
"""

HOST = r"""
#include <stdio.h>
#include <string.h>
#include "cmd.h"
int main(void) {
    uint8_t *memory = P(jitdebug_memory_base)();
    printf("before %.5s %llu\n", (char *)memory + 16, (unsigned long long)P(jitdebug_memory_size)());
    P(jitdebug_start)();
    memory[100] = 42;
    printf("start %.5s peek %d\n", (char *)memory + 16, P(peek)(100));
    int32_t previous = P(grow)(2);
    printf("grow %d size %llu\n", previous, (unsigned long long)P(jitdebug_memory_size)());
    printf("same base %d\n", P(jitdebug_memory_base)() == memory);
    return 0;
}
"""


def _oracle() -> str:
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), [])
    exports = instance.exports(store)
    memory, start, peek, grow = (exports[n] for n in ("memory", "_start", "peek", "grow"))
    assert isinstance(memory, wasmtime.Memory)
    assert isinstance(start, wasmtime.Func) and isinstance(peek, wasmtime.Func) and isinstance(grow, wasmtime.Func)
    lines = [f"before {bytes(memory.read(store, 16, 21)).decode()} {memory.data_len(store)}"]
    start(store)
    memory.write(store, b"\x2a", 100)
    lines.append(f"start {bytes(memory.read(store, 16, 21)).decode()} peek {peek(store, 100)}")
    lines.append(f"grow {grow(store, 2)} size {memory.data_len(store)}")
    lines.append("same base 1")
    return "\n".join(lines) + "\n"


def _build(tmp_path: Path, prefix: str, target: str) -> tuple[Path, Path]:
    source = tmp_path / "cmd.wat"
    source.write_text(MODULE)
    obj = tmp_path / ("cmd.obj" if target == "x86_64-windows" else "cmd.o")
    run([JITDEBUG, "compile", source, "-o", obj, "--header", tmp_path / "cmd.h", "--target", target,
         *(["--export-prefix", prefix] if prefix else [])])
    host = tmp_path / "host.c"
    host.write_text((f"#define P(name) {prefix}##name\n" if prefix else "#define P(name) name\n") + HOST)
    return obj, host


def test_memory_accessors_and_start_link_into_a_c_program(tmp_path: Path) -> None:
    obj, host = _build(tmp_path, "", "x86_64-linux")
    exe = tmp_path / "host"
    run(["gcc", "-std=c11", "-Wall", "-Werror", "-o", exe, host, obj], cwd=tmp_path)
    assert run([exe]).stdout == _oracle()
    header = (tmp_path / "cmd.h").read_text()
    assert "void jitdebug_start(void);" in header
    assert "uint8_t *jitdebug_memory_base(void);" in header and "uint64_t jitdebug_memory_size(void);" in header


def test_accessors_are_prefixed_so_two_modules_link_together(tmp_path: Path) -> None:
    first, host = _build(tmp_path, "a_", "x86_64-linux")
    other = tmp_path / "other"
    other.mkdir()
    second, _ = _build(other, "b_", "x86_64-linux")
    exe = tmp_path / "host"
    run(["gcc", "-std=c11", "-Wall", "-Werror", "-o", exe, host, first, second], cwd=tmp_path)
    assert run([exe]).stdout == _oracle()
    symbols = run(["nm", second]).stdout
    assert " T b_jitdebug_memory_base" in symbols and " T b_jitdebug_start" in symbols
    assert " _start" not in symbols


def test_a_module_without_memory_answers_null_and_zero(tmp_path: Path) -> None:
    source = tmp_path / "plain.wat"
    source.write_text('(module (func (export "f") (result i32) (i32.const 3)))')
    run([JITDEBUG, "compile", source, "-o", tmp_path / "plain.o", "--header", tmp_path / "plain.h"])
    host = tmp_path / "host.c"
    host.write_text('#include <stdio.h>\n#include "plain.h"\nint main(void) { printf("%d %llu %d\\n", '
                    "jitdebug_memory_base() == 0, (unsigned long long)jitdebug_memory_size(), f()); return 0; }\n")
    run(["gcc", "-std=c11", "-Wall", "-Werror", "-o", tmp_path / "host", host, tmp_path / "plain.o"], cwd=tmp_path)
    assert run([tmp_path / "host"]).stdout == "1 0 3\n"


def test_an_export_that_would_become_an_accessor_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "clash.wat"
    source.write_text('(module (func (export "jitdebug_memory_size")) (func (export "jitdebug_start")))')
    proc = run([JITDEBUG, "compile", source, "-o", tmp_path / "clash.o"], check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("jitdebug: error: ") and proc.stderr.count("\n") == 1
    assert "'jitdebug_memory_size'" in proc.stderr
    assert not (tmp_path / "clash.o").exists()


def test_memory_accessors_on_windows_under_wine(tmp_path: Path) -> None:
    obj, host = _build(tmp_path, "", "x86_64-windows")
    exe = tmp_path / "host.exe"
    run([f"{MINGW}-gcc", "-std=c11", "-Wall", "-Werror", "-o", exe, host, obj], cwd=tmp_path)
    assert run_wine(exe) == _oracle()
