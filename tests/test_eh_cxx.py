"""C++ interop through the system unwinder: a C++ exception thrown by an import passes through Wasm frames, runs
the Wasm ``catch_all`` handlers on its way (the documented semantics), and is caught by the C++ host with its
own type; a Wasm exception nobody catches in Wasm is caught by the host's ``catch (...)``.

The Wasm frames use memory (so rbx, callee-saved, holds the memory base) and the host checks its own
callee-saved state after each catch: the unwinder restored the registers the Wasm frames saved.
"""

from __future__ import annotations

from pathlib import Path

from emitter.cli import main
from tests.tools import ROOT, run

RUNTIME = ROOT / "emitter" / "runtime"

WAT = """(module $interop
  (import "env" "cxx_throw" (func $cxx_throw (param i32)))
  (tag $wasm_error (param i32))
  (memory 1)
  (global $handlers (mut i32) (i32.const 0))
  (func $through (param $v i32)
    i32.const 16
    local.get $v
    i32.store
    local.get $v
    call $cxx_throw)
  (func (export "typed_only") (param $v i32) (result i32)
    block $h (result i32)
      try_table (catch $wasm_error $h)
        local.get $v
        call $through
      end
      i32.const -1
    end)
  (func (export "catch_all_rethrows") (param $v i32) (result i32)
    block $h (result exnref)
      try_table (catch_all_ref $h)
        local.get $v
        call $through
      end
      i32.const -1
      return
    end
    global.get $handlers
    i32.const 1
    i32.add
    global.set $handlers
    throw_ref)
  (func (export "catch_all_swallows") (param $v i32) (result i32)
    block $h
      try_table (catch_all $h)
        local.get $v
        call $through
      end
      i32.const -1
      return
    end
    global.get $handlers
    i32.const 100
    i32.add
    global.set $handlers
    i32.const 7)
  (func (export "wasm_throws") (param $v i32) (result i32)
    local.get $v
    throw $wasm_error)
  (func (export "handlers") (result i32) global.get $handlers)
  (func (export "stored") (result i32) i32.const 16 i32.load))
"""

HOST = r"""
#include <cstdio>
#include <cstdint>
#include <stdexcept>
#include <string>
#include "interop.h"
#include "jitdebug_eh.h"

struct HostError : std::runtime_error {
    static int live;
    int32_t value;
    explicit HostError(int32_t v) : std::runtime_error("host error " + std::to_string(v)), value(v) { live++; }
    HostError(const HostError &other) : std::runtime_error(other), value(other.value) { live++; }
    ~HostError() override { live--; }
};
int HostError::live = 0;

extern "C" void cxx_throw(int32_t value) { throw HostError(value); }
extern "C" void jitdebug_trap(int32_t code) {
    std::printf("trap %s\n", jitdebug_trap_message(code));
    std::fflush(stdout);
    std::_Exit(3);
}

// Values the compiler keeps in callee-saved registers across the calls: garbage if an unwind lost them.
static int check(int32_t (*f)(int32_t), int32_t v, const char *name) {
    volatile int32_t seed = v;
    int32_t a = seed * 3, b = seed * 5 + 1, c = seed ^ 0x55;
    try {
        int32_t r = f(v);
        std::printf("%s returned %d\n", name, r);
    } catch (const HostError &e) {
        std::printf("%s: HostError %d '%s'\n", name, e.value, e.what());
    } catch (...) {
        std::printf("%s: foreign exception, wasm=%d\n", name, 1);
    }
    return a == seed * 3 && b == seed * 5 + 1 && c == (seed ^ 0x55);
}

int main() {
    int ok = 1;
    ok &= check(wasm_typed_only, 11, "typed_only");
    ok &= check(wasm_catch_all_rethrows, 12, "catch_all_rethrows");
    ok &= check(wasm_catch_all_swallows, 13, "catch_all_swallows");
    ok &= check(wasm_wasm_throws, 14, "wasm_throws");
    std::printf("handlers %d stored %d live %d registers %s\n", wasm_handlers(), wasm_stored(), HostError::live,
                ok ? "kept" : "LOST");
    return 0;
}
"""


def test_cxx_exceptions_pass_through_wasm_frames(tmp_path: Path) -> None:
    source = tmp_path / "interop.wat"
    source.write_text(WAT)
    obj, header = tmp_path / "interop.o", tmp_path / "interop.h"
    assert main(["compile", str(source), "-o", str(obj), "--header", str(header), "--export-prefix", "wasm_"]) == 0
    host = tmp_path / "host.cpp"
    host.write_text(HOST)
    exe = tmp_path / "host"
    run(["g++", "-O2", "-I", RUNTIME, "-I", tmp_path, "-o", exe, host, obj, RUNTIME / "jitdebug_eh.c"])
    out = run([exe]).stdout.splitlines()
    assert out == [
        "typed_only: HostError 11 'host error 11'",          # a typed Wasm clause never takes a C++ exception
        "catch_all_rethrows: HostError 12 'host error 12'",  # catch_all_ref ran, throw_ref re-raised the object
        "catch_all_swallows returned 7",                      # catch_all ran and released the C++ exception
        "wasm_throws: foreign exception, wasm=1",             # an uncaught Wasm exception reaches catch (...)
        "handlers 101 stored 13 live 0 registers kept",       # both handlers ran; every HostError destroyed
    ]
