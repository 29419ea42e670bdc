"""The JIT under both unwinders a Linux process can have: libgcc_s (one ``__register_frame`` call per
``.eh_frame`` section) and LLVM libunwind (one call per FDE), the latter interposed with ``LD_PRELOAD`` so that
every ``_Unwind_*`` reference of the process, libstdc++'s included, binds to it.

In a child process per unwinder: the runtime must detect which convention applies; ``_Unwind_Backtrace``
called by a C import at depth 100 must see all 100 Wasm frames and go on past them; a C++ exception thrown by
the import must cross the Wasm frames to a C++ catch; trap and uncaught-exception backtraces (taken with the
unwinder) must read as wasmtime's; load/free cycles and eight threads must leave nothing registered.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import wasmtime

from tests.tools import ROOT, run

NATIVE = r"""
#include <cstdint>
#include <stdexcept>
#include <unwind.h>

static uintptr_t frames[512];
static int count;

static _Unwind_Reason_Code collect(struct _Unwind_Context *context, void *) {
    if (count < 512)
        frames[count++] = _Unwind_GetIP(context);
    return _URC_NO_REASON;
}

extern "C" int32_t probe(int32_t value) {
    count = 0;
    _Unwind_Backtrace(collect, nullptr);
    return value * 1000;
}
extern "C" int frame_count(void) { return count; }
extern "C" uintptr_t frame_at(int index) { return frames[index]; }

extern "C" int32_t throwing_probe(int32_t) { throw std::runtime_error("from C++"); }
extern "C" int catcher(int32_t (*entry)(int32_t), int32_t depth) {
    try { entry(depth); } catch (const std::runtime_error &) { return 1; }
    return 0;
}
"""

EXCEPTION_MODULE = """\
(module $exn
  (tag $boom (param i32))
  (func $inner (param i32) (throw $boom (local.get 0)))
  (func $outer (export "outer") (param i32) (call $inner (local.get 0))))
"""

CHILD = """\
import ctypes, json, sys
from pathlib import Path
from emitter.errors import TrapError
from emitter.jit import _native
from emitter.jit.api import NativeFunction, compile_wasm
from tests.test_jit_compiled_lifecycle import compile_module, cycles, threads

directory, library = Path(sys.argv[1]), ctypes.CDLL(sys.argv[2])
library.frame_at.restype = ctypes.c_uint64
out = {"unwinder": _native.unwinder()[:2]}
address = lambda name: NativeFunction(ctypes.cast(getattr(library, name), ctypes.c_void_p).value)
module = compile_module(directory)
with module.instantiate({"probe": address("probe")}) as instance:
    out["result"] = instance.exports["descend"](99)
    out["registrations"] = _native.unwinder()[2]
    descend = next(f for f in instance.loaded.functions if f.function.name == "descend")
    trace = [library.frame_at(i) for i in range(library.frame_count())]
    inside = [i for i, pc in enumerate(trace) if descend.address <= pc < descend.address + descend.size]
    out["wasm_frames"], out["frames_below"] = len(inside), len(trace) - inside[-1] - 1
    out["consecutive"] = inside == list(range(inside[0], inside[0] + len(inside)))
    try:
        instance.exports["sink"](30)
    except TrapError as trap:
        out["trap"] = str(trap)
with module.instantiate({"probe": address("throwing_probe")}) as instance:
    library.catcher.argtypes = [ctypes.c_void_p, ctypes.c_int32]
    out["caught"] = library.catcher(instance.loaded.address("descend"), 99)
exn = compile_wasm(directory / "exn.wat", listing_dir=directory)
with exn.instantiate({}) as instance:
    try:
        instance.exports["outer"](5)
    except TrapError as trap:
        out["uncaught"] = str(trap)
cycles(module, 200)
threads(directory)
print(json.dumps(out))
"""


def _wasmtime_trap(path: Path, name: str, *args: int) -> str:
    config = wasmtime.Config()
    config.wasm_exceptions = True
    # wasmtime's defaults, as `wasmtime run` compiles: our trap reports follow its offsets (a branch to a block
    # that only traps is reported at the branch, as its optimised code makes it a conditional trap).
    store = wasmtime.Store(wasmtime.Engine(config))
    instance = wasmtime.Instance(store, wasmtime.Module.from_file(store.engine, str(path)),
                                 [wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i32()],
                                                                         [wasmtime.ValType.i32()]), abs)]
                                 if "probe" in path.read_text() else [])
    function = instance.exports(store)[name]
    assert isinstance(function, wasmtime.Func)
    with pytest.raises(wasmtime.Trap) as trap:
        function(store, *args)
    return str(trap.value)


def llvm_libunwind() -> Path:
    """LLVM 19's libunwind (Debian package ``libunwind-19``)."""
    path = Path(run(["llvm-config-19", "--libdir"]).stdout.strip()) / "libunwind.so.1"
    assert path.is_file(), f"{path} is missing: install libunwind-19 (the README set-up does)"
    return path


@pytest.mark.parametrize("unwinder", ["libgcc_s", "llvm-libunwind"])
def test_jit_frames_under_the_process_unwinder(tmp_path: Path, unwinder: str) -> None:
    (tmp_path / "native.cpp").write_text(NATIVE)
    library = tmp_path / "libnative.so"
    run(["g++", "-shared", "-fPIC", "-O1", "-o", library, tmp_path / "native.cpp"])
    (tmp_path / "exn.wat").write_text(EXCEPTION_MODULE)
    (tmp_path / "child.py").write_text(CHILD)
    env = {"PYTHONPATH": str(ROOT)}
    if unwinder == "llvm-libunwind":
        env["LD_PRELOAD"] = str(llvm_libunwind())
    out = json.loads(run([sys.executable, tmp_path / "child.py", tmp_path, library], env=env, timeout=120).stdout)
    path, per_fde = out["unwinder"]
    if unwinder == "llvm-libunwind":
        assert Path(path).resolve() == llvm_libunwind().resolve() and per_fde, out["unwinder"]
    else:
        assert Path(path).name == "libgcc_s.so.1" and not per_fde, out["unwinder"]
    # One registration per FDE (LLVM) or per section (libgcc): the module's functions, veneers included.
    assert out["registrations"] > 2 if per_fde else out["registrations"] == 1
    assert out["result"] == 7000 + 99 * 100
    assert out["wasm_frames"] == 100 and out["consecutive"]
    assert out["frames_below"] > 5  # the walk went on through the runtime's entry into the interpreter
    assert out["caught"] == 1
    assert out["trap"] == _wasmtime_trap(tmp_path / "deep.wat", "sink", 30)
    assert out["uncaught"] == _wasmtime_trap(tmp_path / "exn.wat", "outer", 5)
