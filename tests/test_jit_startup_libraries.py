"""What a program that compiles and runs a module loads into its process: a debugger reads every shared object a
program loads (its symbols, at each load the process stops for), so a JIT compile that needs neither the C++
runtime (C names: ``emitter/wasm/demangle_cxx.py``), nor OpenSSL's library (no compile cache), nor the producer
DWARF reader's extension (no producer DWARF) does not load them.
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
print(open("/proc/self/maps").read())
"""


def test_a_module_of_c_names_loads_no_cxx_runtime_openssl_or_dwarf_reader(tmp_path: Path) -> None:
    source = tmp_path / "names.wasm"
    source.write_bytes(_chain_module(["start", "main", "filler0", "rec"]))
    out = run([sys.executable, "-c", PROGRAM, source, tmp_path], cwd=ROOT).stdout
    assert "<unknown>!main" in out  # the trap report names the frames
    maps = {line.split()[-1].rsplit("/", 1)[-1] for line in out.splitlines() if line.count(" ") > 4}
    assert "_native" in " ".join(maps)  # the JIT's own extension: the list is the process's
    assert not [name for name in maps if name.startswith(("libstdc++", "libcrypto", "_hashlib", "_translate"))]
