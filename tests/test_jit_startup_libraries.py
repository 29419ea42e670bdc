"""What a program that compiles and runs a module loads into its process: a debugger reads every shared object a
program loads (its symbols, at each load the process stops for), so a JIT compile that needs neither the C++
runtime (C names: ``emitter/wasm/demangle_cxx.py``), nor OpenSSL's library (no compile cache), nor the producer
DWARF reader's extension (no producer DWARF) does not load them; and the project's other C modules (line rows, the
listing, the body pass) are in the JIT shim's shared object, so the compile loads one object of ours, not four,
and the interpreter's ``mmap`` module (a shared object too) is not loaded for the constants of ``<sys/mman.h>``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.test_trap_backtrace_demangle import _chain_module
from tests.tools import ROOT, run

PROGRAM = """
import sys
from emitter.jit import compile_wasm
from emitter.jit.cache import CompileCache  # imported, not used: as a program that may use it
module = compile_wasm(sys.argv[1], listing_dir=sys.argv[2])
with module.instantiate({}) as instance:
    try:
        instance.exports["run"]()
    except Exception as error:
        print(error)
for name in ("emitter._rows", "emitter.wasm._listing", "emitter.wasm._bodies"):
    print("C module", name, sys.modules[name].__file__)
print(open("/proc/self/maps").read())
"""


def test_a_module_of_c_names_loads_no_cxx_runtime_openssl_dwarf_reader_and_one_object_of_ours(tmp_path: Path) -> None:
    source = tmp_path / "names.wasm"
    source.write_bytes(_chain_module(["start", "main", "filler0", "rec"]))
    out = run([sys.executable, "-c", PROGRAM, source, tmp_path], cwd=ROOT).stdout
    assert "<unknown>!main" in out  # the trap report names the frames
    maps = {line.split()[-1].rsplit("/", 1)[-1] for line in out.splitlines() if line.count(" ") > 4}
    assert "_native" in " ".join(maps)  # the JIT's own extension: the list is the process's
    assert not [name for name in maps if name.startswith(("libstdc++", "libcrypto", "_hashlib", "_translate"))]
    # The compile used line rows, the listing and the body pass, all from the shim's object.
    loaded = [line.split()[-1].rsplit("/", 1)[-1] for line in out.splitlines() if line.startswith("C module")]
    assert len(loaded) == 3 and all(name.startswith("_native.") for name in loaded)
    assert not [name for name in maps if name.startswith(("_rows", "_listing", "_bodies"))]
    # Nor the interpreter's mmap module: the pages are mapped through the C library (``emitter/jit/mman.py``).
    assert not [name for name in maps if name.startswith("mmap.")]
