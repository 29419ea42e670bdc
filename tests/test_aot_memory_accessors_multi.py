"""A C host reaches every memory of a multi-memory module through the per-memory accessors
(``P jitdebug_memory<N>_base`` / ``_size``), with memory 0's pair also under the original names.

The host reads each memory's data segment before any export ran (the accessors instantiate), writes through each
base and sees the module read the bytes back from the right memory, and sees only the grown memory's size change;
wasmtime-py, given the same module and the same writes through its own view of each memory, says what every line
must be.
"""

from __future__ import annotations

from pathlib import Path

import wasmtime

from tests.tools import ROOT, run
from tests.windows_support import MINGW, run_wine

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

MODULE = r"""(module $mems
  (memory $a (export "a") 1 4)
  (memory $b (export "b") i64 2 6)
  (data (memory $a) (i32.const 16) "alpha")
  (data (memory $b) (i64.const 70000) "bravo")
  (func (export "peek_a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
  (func (export "peek_b") (param i64) (result i32) (i32.load8_u $b (local.get 0)))
  (func (export "grow_b") (param i64) (result i64) (memory.grow $b (local.get 0))))
"""

HOST = r"""
#include <stdio.h>
#include "mems.h"
int main(void) {
    uint8_t *a = jitdebug_memory0_base(), *b = jitdebug_memory1_base();
    printf("a %.5s %llu\n", (char *)a + 16, (unsigned long long)jitdebug_memory0_size());
    printf("b %.5s %llu\n", (char *)b + 70000, (unsigned long long)jitdebug_memory1_size());
    printf("memory 0 names agree %d %d\n", jitdebug_memory_base() == a,
           jitdebug_memory_size() == jitdebug_memory0_size());
    a[100] = 11;
    b[100] = 22;
    b[131071] = 33;
    printf("peek a %d b %d a %d b %d\n", peek_a(100), (int)peek_b(100), peek_a(16), (int)peek_b(131071));
    long long previous = (long long)grow_b(3);
    printf("grow_b %lld sizes %llu %llu\n", previous, (unsigned long long)jitdebug_memory0_size(),
           (unsigned long long)jitdebug_memory1_size());
    b[5 * 65536 - 1] = 44;
    printf("after grow peek b %d same base %d\n", (int)peek_b(5 * 65536 - 1), jitdebug_memory1_base() == b);
    return 0;
}
"""


def _oracle() -> str:
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), [])
    exports = instance.exports(store)
    a, b, peek_a, peek_b, grow_b = (exports[n] for n in ("a", "b", "peek_a", "peek_b", "grow_b"))
    assert isinstance(a, wasmtime.Memory) and isinstance(b, wasmtime.Memory)
    assert isinstance(peek_a, wasmtime.Func) and isinstance(peek_b, wasmtime.Func)
    assert isinstance(grow_b, wasmtime.Func)
    lines = [f"a {bytes(a.read(store, 16, 21)).decode()} {a.data_len(store)}",
             f"b {bytes(b.read(store, 70000, 70005)).decode()} {b.data_len(store)}",
             "memory 0 names agree 1 1"]
    a.write(store, b"\x0b", 100)
    b.write(store, b"\x16", 100)
    b.write(store, b"\x21", 131071)
    lines.append(f"peek a {peek_a(store, 100)} b {peek_b(store, 100)} a {peek_a(store, 16)} "
                 f"b {peek_b(store, 131071)}")
    previous = grow_b(store, 3)
    lines.append(f"grow_b {previous} sizes {a.data_len(store)} {b.data_len(store)}")
    b.write(store, b"\x2c", 5 * 65536 - 1)
    lines.append(f"after grow peek b {peek_b(store, 5 * 65536 - 1)} same base 1")
    return "\n".join(lines) + "\n"


def _build(tmp_path: Path, target: str) -> tuple[Path, Path]:
    source = tmp_path / "mems.wat"
    source.write_text(MODULE)
    obj = tmp_path / ("mems.obj" if target == "x86_64-windows" else "mems.o")
    run([JITDEBUG, "compile", source, "-o", obj, "--header", tmp_path / "mems.h", "--target", target])
    host = tmp_path / "host.c"
    host.write_text(HOST)
    return obj, host


def test_every_memory_has_accessors_in_a_linux_object(tmp_path: Path) -> None:
    obj, host = _build(tmp_path, "x86_64-linux")
    exe = tmp_path / "host"
    run(["gcc", "-std=c11", "-Wall", "-Werror", "-o", exe, host, obj], cwd=tmp_path)
    expected = _oracle()
    assert "grow_b 2 sizes 65536 327680" in expected  # only memory 1 grew
    assert run([exe]).stdout == expected
    header = (tmp_path / "mems.h").read_text()
    for line in ("uint8_t *jitdebug_memory1_base(void);", "uint64_t jitdebug_memory1_size(void);",
                 "uint8_t *jitdebug_memory0_base(void);", "uint8_t *jitdebug_memory_base(void);"):
        assert line in header
    assert "jitdebug_memory2_" not in header


def test_every_memory_has_accessors_in_a_windows_object_under_wine(tmp_path: Path) -> None:
    obj, host = _build(tmp_path, "x86_64-windows")
    exe = tmp_path / "host.exe"
    run([f"{MINGW}-gcc", "-std=c11", "-Wall", "-Werror", "-o", exe, host, obj], cwd=tmp_path)
    assert run_wine(exe) == _oracle()


def test_an_export_named_like_a_memory_accessor_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "clash.wat"
    source.write_text('(module (memory 1) (memory 1) (func (export "jitdebug_memory1_size")))')
    proc = run([JITDEBUG, "compile", source, "-o", tmp_path / "clash.o"], check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("jitdebug: error: ") and proc.stderr.count("\n") == 1
    assert "'jitdebug_memory1_size'" in proc.stderr
    assert not (tmp_path / "clash.o").exists()
