"""Large real modules compile and load with debug information: sightglass's ``hashset`` (1.2 MB of C++, one
function of tens of thousands of instructions, producer DWARF) and its two TinyGo modules (1.3 and 1.5 MB, which
once died with a Python ``struct.error``), vendored prebuilt (``tests/data/sightglass_large/``, see its
ORIGIN.md). wasmtime compiles each; so must we, and the instance must come up with its WASI imports bound and
its DWARF registered (the time each takes is printed, not asserted: the shared machine's timings vary)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import wasmtime

from emitter.jit import compile_wasm, flush_debug_info
from emitter.wasi.config import WasiConfig
from tests.tools import ROOT

DATA = ROOT / "tests" / "data" / "sightglass_large"
MODULES = ["hashset", "tinygo-json", "tinygo-regex"]


@pytest.mark.parametrize("name", MODULES)
def test_large_module_compiles_and_instantiates_with_debug_info(name: str, tmp_path: Path) -> None:
    path = DATA / f"{name}.wasm"
    wasmtime.Module(wasmtime.Engine(), path.read_bytes())  # the oracle accepts it
    start = time.perf_counter()
    module = compile_wasm(path, listing_dir=tmp_path)
    compiled = time.perf_counter() - start
    defined = [f for f in module.compiled.functions if f.wasm_index is not None]
    assert len(defined) == len(module.module.functions)
    bench = {("bench", "start"): lambda: None, ("bench", "end"): lambda: None}
    with module.instantiate(bench, wasi=WasiConfig(argv=[name])) as instance:
        flush_debug_info()
        assert "_start" in instance.exports
        assert instance.loaded.image_size > 0
        code = sum(function.size for function in instance.loaded.functions)
    print(f"{name}: {path.stat().st_size / 1e6:.2f} MB of Wasm, {len(defined)} functions, {code / 1e6:.1f} MB of "
          f"code; compile {compiled:.1f} s, instantiate {time.perf_counter() - start - compiled:.1f} s")
