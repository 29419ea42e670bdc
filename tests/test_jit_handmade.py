"""The JIT runtime on hand-assembled functions (no compiler involved): loading, calling, traps, host errors,
freeing, threads, and the unwinder's view through glibc ``backtrace()``.

``recursive_module`` is also the fixture of the debugger tests: ``rec(n)`` recurses to ``n == 0`` and then calls
the import ``hit``; every frame keeps ``n`` in a described frame slot.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from emitter.codegen.runtime import TrapCode
from emitter.compiled import CompiledFunction, CompiledModule, FrameSlot, LineEntry, ValueType, Variable
from emitter.errors import TrapError
from emitter.jit import _native
from emitter.jit.api import Instance, NativeFunction, Signature, flush_debug_info
from emitter.jit.perf import PerfWriter
from emitter.obj.model import Relocation, RelocKind
from emitter.unwind import UnwindProgram

LISTING = """\
(module $handmade
  (func $rec (param $n i32)
    local.get $n
    i32.eqz
    if
      call $hit
    else
      local.get $n
      i32.const 1
      i32.sub
      call $rec
    end)
  (func $fail
    unreachable))
"""

# rec(edi = n): n == 0 ? hit() : rec(n - 1), with n at [rbp-4] and the local height = n + 100 at [rbp-8].
REC_CODE = bytes.fromhex(
    "55"            # 0:  push rbp
    "4889e5"        # 1:  mov rbp, rsp
    "4883ec10"      # 4:  sub rsp, 16
    "897dfc"        # 8:  mov [rbp-4], edi
    "8d4764"        # 11: lea eax, [rdi+100]
    "8945f8"        # 14: mov [rbp-8], eax
    "85ff"          # 17: test edi, edi
    "7409"          # 19: je 30
    "ffcf"          # 21: dec edi
    "e800000000"    # 23: call rec
    "eb05"          # 28: jmp 35
    "e800000000"    # 30: call hit
    "4889ec"        # 35: mov rsp, rbp
    "5d"            # 38: pop rbp
    "c3"            # 39: ret
)
# fail(): jitdebug_trap(TrapCode.UNREACHABLE).
FAIL_CODE = bytes.fromhex(
    "55"            # 0:  push rbp
    "4889e5"        # 1:  mov rbp, rsp
    f"bf{TrapCode.UNREACHABLE:02x}000000"    # 4:  mov edi, code
    "e800000000"    # 9:  call jitdebug_trap
    "5d"            # 14: pop rbp
    "c3"            # 15: ret
)


def _frame_program(name: str, alloc: bool, epilogue: int) -> UnwindProgram:
    program = UnwindProgram(function=name)
    program.push(1, "rbp").set_frame_pointer(4, "rbp")
    if alloc:
        program.alloc(8, 16)
    program.prologue_end(8 if alloc else 4)
    program.epilogue_begin(epilogue)
    if alloc:
        program.reset_sp_from_fp(epilogue + 3)
        program.pop(epilogue + 4, "rbp")
        program.epilogue_end(epilogue + 5)
    else:
        program.pop(epilogue + 1, "rbp")
        program.epilogue_end(epilogue + 2)
    return program


def recursive_module(directory: Path, name: str = "handmade") -> CompiledModule:
    """``rec`` (Wasm function 1, export ``run``) and ``fail`` (Wasm function 2, export ``fail``); the listing is
    written to ``directory``."""
    listing = directory / f"{name}.wat.lst"
    listing.write_text(LISTING)
    rec = CompiledFunction(
        name="rec",
        code=REC_CODE,
        unwind=_frame_program("rec", alloc=True, epilogue=35),
        exports=("run",),
        lines=[LineEntry(0, 2), LineEntry(8, 3, wasm_offset=0x30, prologue_end=True),
               LineEntry(11, 4, wasm_offset=0x32), LineEntry(17, 5, wasm_offset=0x33),
               LineEntry(21, 10, wasm_offset=0x38), LineEntry(23, 11, wasm_offset=0x39),
               LineEntry(28, 7, wasm_offset=0x3B), LineEntry(30, 6, wasm_offset=0x36),
               LineEntry(35, 12, wasm_offset=0x3C)],
        variables=[Variable("n", ValueType.I32, FrameSlot(-4), is_parameter=True),
                   Variable("height", ValueType.I32, FrameSlot(-8))],
        relocations=[Relocation(24, RelocKind.CALL, 4, "rec", -4), Relocation(31, RelocKind.CALL, 4, "hit", -4)],
        wasm_index=1,
        wasm_body_offset=0x2E,
    )
    fail = CompiledFunction(
        name="fail",
        code=FAIL_CODE,
        unwind=_frame_program("fail", alloc=False, epilogue=14),
        exports=("fail",),
        lines=[LineEntry(0, 13), LineEntry(4, 14, wasm_offset=0x42)],
        relocations=[Relocation(10, RelocKind.CALL, 4, "jitdebug_trap", -4)],
        wasm_index=2,
        wasm_body_offset=0x40,
    )
    return CompiledModule(name=name, functions=[rec, fail], source_file=listing.name, source_dir=str(directory),
                          wasm_name=name)


EXPORTS = {"run": Signature((ValueType.I32,)), "fail": Signature(())}
HIT = Signature(())


def instantiate(directory: Path, hit: Callable[[], object], name: str = "handmade",
                perf: PerfWriter | None = None) -> Instance:
    return Instance(recursive_module(directory, name), exports=EXPORTS, imports={"hit": (hit, HIT)}, perf=perf)


def _no_registrations() -> bool:
    return not _native.gdb_entries() and _native.unwinder()[2] == 0


def test_call_returns_and_import_runs(tmp_path: Path) -> None:
    seen: list[int] = []
    with instantiate(tmp_path, lambda: seen.append(1)) as instance:
        assert instance.exports["run"](5) is None
    assert seen == [1]
    assert _no_registrations()


def test_trap_gives_wasmtime_backtrace(tmp_path: Path) -> None:
    with instantiate(tmp_path, lambda: None) as instance, pytest.raises(TrapError) as info:
        instance.exports["fail"]()
    assert str(info.value) == ("error while executing at wasm backtrace:\n"
                               "    0:     0x42 - handmade!fail\n\n"
                               "Caused by:\n    wasm trap: wasm `unreachable` instruction executed\n")


def test_python_exception_in_import_stops_wasm_and_propagates(tmp_path: Path) -> None:
    calls = []

    def hit() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise KeyError("from the host")

    with instantiate(tmp_path, hit) as instance:
        with pytest.raises(KeyError) as info:
            instance.exports["run"](3)
        # The note is the Wasm backtrace at the import: four frames of rec, innermost at the call of hit.
        note = info.value.__notes__[0].splitlines()
        assert note[1] == "    0:     0x36 - handmade!rec"
        assert note[2:] == [f"{i:>5}:     0x39 - handmade!rec" for i in range(1, 4)]
        instance.exports["run"](1)  # the instance stays usable
    assert len(calls) == 2


def test_glibc_backtrace_from_an_import_sees_every_jit_frame(tmp_path: Path) -> None:
    libc = ctypes.CDLL(None)
    buffer = (ctypes.c_void_p * 512)()
    counts: list[int] = []

    def hit() -> None:
        counts.append(libc.backtrace(buffer, 512))

    with instantiate(tmp_path, hit) as instance:
        instance.exports["run"](99)
        rec = instance.loaded.address("rec")
        addresses = [buffer[i] or 0 for i in range(counts[0])]
        in_rec = [a for a in addresses if rec <= a < rec + len(REC_CODE)]
        invoke_index = max(i for i, a in enumerate(addresses) if rec <= a < rec + len(REC_CODE)) + 1
    assert len(in_rec) == 100
    # Below the JIT frames the walk goes on into the shim and Python (it did not stop at the JIT code).
    assert counts[0] > invoke_index + 5


CPP_SOURCE = r"""
#include <stdexcept>
extern "C" void thrower(void) { throw std::runtime_error("from C++"); }
extern "C" int catcher(void (*entry)(int), int depth) {
    try { entry(depth); } catch (const std::runtime_error &) { return 1; }
    return 0;
}
"""


def test_cpp_exception_crosses_jit_frames(tmp_path: Path) -> None:
    from tests.tools import run

    source = tmp_path / "thrower.cpp"
    source.write_text(CPP_SOURCE)
    library = tmp_path / "libthrower.so"
    run(["g++", "-shared", "-fPIC", "-O1", "-o", library, source])
    native = ctypes.CDLL(str(library))
    thrower = ctypes.cast(native.thrower, ctypes.c_void_p).value or 0
    with Instance(recursive_module(tmp_path), exports=EXPORTS,
                  imports={"hit": (NativeFunction(thrower), HIT)}) as instance:
        entry = instance.loaded.address("run")
        native.catcher.argtypes = [ctypes.c_void_p, ctypes.c_int]
        assert native.catcher(entry, 100) == 1


def test_thousand_load_free_cycles_leave_nothing_registered(tmp_path: Path) -> None:
    module = recursive_module(tmp_path)
    for _ in range(1000):
        instance = Instance(module, exports=EXPORTS, imports={"hit": (NativeFunction(0), HIT)})
        assert _native.gdb_entries() == []  # pending until Wasm code may run
        flush_debug_info()
        assert len(_native.gdb_entries()) == 1
        instance.free()
    assert _no_registrations()


def test_registration_from_eight_threads(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(index: int) -> None:
        try:
            start.wait()
            for _ in range(15):
                seen: list[int] = []
                with instantiate(tmp_path, seen.clear, name=f"t{index}") as instance:
                    seen.append(1)
                    instance.exports["run"](10)
                assert seen == []
        except BaseException as error:  # noqa: B036 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _no_registrations()
