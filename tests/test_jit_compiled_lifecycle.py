"""Load/free robustness of modules from the real compiler (``compile_wasm``): many cycles and eight threads leave
no image in the GDB JIT descriptor list (what debuggers read) and no FDE the unwinder still finds
(``_Unwind_Find_FDE`` of the process's own unwinder), and the modules run correctly meanwhile.

The helpers are also run by ``test_jit_libunwind.py`` in a process whose unwinder is LLVM libunwind.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path
from typing import Any

from emitter.jit import _native
from emitter.jit.api import Instance, NativeFunction, WasmModule, compile_wasm

MODULE = """\
(module $deep
  (import "host" "probe" (func $probe (param i32) (result i32)))
  ;; descend(d) = probe(7) + 2 * (1 + 2 + ... + d)
  (func $descend (export "descend") (param $depth i32) (result i32)
    (local $twice i32)
    (local.set $twice (i32.add (local.get $depth) (local.get $depth)))
    (if (result i32) (i32.eqz (local.get $depth))
      (then (call $probe (i32.const 7)))
      (else (i32.add (call $descend (i32.sub (local.get $depth) (i32.const 1)))
                     (local.get $twice)))))
  ;; sink(d) recurses d times, then traps
  (func $sink (export "sink") (param $depth i32) (result i32)
    (if (result i32) (local.get $depth)
      (then (i32.add (call $sink (i32.sub (local.get $depth) (i32.const 1))) (local.get $depth)))
      (else unreachable))))
"""


class _Bases(ctypes.Structure):
    _fields_ = [("tbase", ctypes.c_void_p), ("dbase", ctypes.c_void_p), ("func", ctypes.c_void_p)]


def _find_fde() -> Any:
    # The unwinder the shim registers with (libgcc_s or LLVM libunwind), not whichever the linker would pick.
    find = ctypes.CDLL(_native.unwinder()[0])._Unwind_Find_FDE
    find.restype = ctypes.c_void_p
    find.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Bases)]
    return find


def unwinder_covers(address: int) -> bool:
    """Does the process's unwinder find an FDE for ``address`` (as it would when a backtrace or an exception
    passes a frame there)?"""
    return _find_fde()(address, ctypes.byref(_Bases())) is not None


def compile_module(directory: Path, name: str = "deep") -> WasmModule:
    path = directory / f"{name}.wat"
    path.write_text(MODULE)
    return compile_wasm(path, module_name=name, listing_dir=directory)


def _probe() -> NativeFunction:
    """A native import: C's ``abs`` (probe(7) = 7)."""
    return NativeFunction(ctypes.cast(ctypes.CDLL(None).abs, ctypes.c_void_p).value or 0)


def _check_registered(instance: Instance, images: int) -> int:
    """Call the module (which registers every loaded module with the debuggers first), then check that
    ``images`` images describe what is loaded and that the unwinder covers the module."""
    descend = instance.loaded.address("descend")
    assert unwinder_covers(descend)
    assert instance.exports["descend"](20) == 7 + 20 * 21
    assert len(_native.gdb_entries()) == images
    return descend


def cycles(module: WasmModule, count: int) -> None:
    """``count`` instantiate/call/free cycles; after each free, nothing of the module is left registered."""
    for _ in range(count):
        instance = module.instantiate({"probe": _probe()})
        descend = _check_registered(instance, 1)
        instance.free()
        assert not unwinder_covers(descend)
        assert _native.gdb_entries() == []
    assert _native.unwinder()[2] == 0


def threads(directory: Path, count: int = 8, rounds: int = 4) -> None:
    """``count`` threads each compile their own module and load, run and free it ``rounds`` times, together."""
    errors: list[BaseException] = []
    freed: list[int] = []
    start = threading.Barrier(count)

    def worker(index: int) -> None:
        try:
            module = compile_module(directory, f"deep{index}")
            start.wait()
            for _ in range(rounds):
                with module.instantiate({"probe": _probe()}) as instance:
                    assert instance.exports["descend"](50) == 7 + 50 * 51
                    descend = instance.loaded.address("descend")
                    assert unwinder_covers(descend)
                # Checked after every thread has finished: until then another thread may map a new module at
                # the address this one just freed.
                freed.append(descend)
        except BaseException as error:  # noqa: B036 - reported by the main thread
            errors.append(error)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert errors == []
    assert len(freed) == count * rounds
    assert not any(unwinder_covers(address) for address in freed)
    assert _native.gdb_entries() == []
    assert _native.unwinder()[2] == 0


def test_thousand_cycles_of_a_compiled_module(tmp_path: Path) -> None:
    cycles(compile_module(tmp_path), 1000)


def test_compile_load_free_in_eight_threads(tmp_path: Path) -> None:
    threads(tmp_path)


def test_freeing_one_module_keeps_the_others(tmp_path: Path) -> None:
    module = compile_module(tmp_path)
    first, second = (module.instantiate({"probe": _probe()}) for _ in range(2))
    _check_registered(first, 1)  # both modules in one image
    first_descend = first.loaded.address("descend")
    first.free()
    assert not unwinder_covers(first_descend)
    assert _native.gdb_entries() == []  # the image describing the freed code is gone; second is pending again
    _check_registered(second, 1)
    second.free()
    assert _native.gdb_entries() == []
