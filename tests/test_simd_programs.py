"""A real SIMD program: C with ``<wasm_simd128.h>`` intrinsics and a loop clang vectorises itself
(``samples/simd/kernels.c``), built by clang for wasm32-wasi at -O2 and at -O0 -g (where every intrinsic is a
function taking and returning v128, so v128 crosses calls everywhere, and the module carries producer DWARF),
run by ``jitdebug run`` and by wasmtime-py with WASI: the same output, byte for byte."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import wasmtime

from emitter.wasm.load import load_bytes
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

SOURCE = ROOT / "samples" / "simd" / "kernels.c"


def _wasmtime_output(wasm: Path, work: Path) -> str:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    config = wasmtime.WasiConfig()
    config.stdout_file = str(work / "wasmtime.out")
    store.set_wasi(config)
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, str(wasm)))
    start = instance.exports(store)["_start"]
    assert isinstance(start, wasmtime.Func)
    try:
        start(store)
    except wasmtime.ExitTrap as done:
        assert done.code == 0
    return (work / "wasmtime.out").read_text()


@pytest.mark.parametrize("flags", [["-O2"], ["-O0", "-g"]], ids=["O2", "O0-g"])
def test_simd_kernels_print_what_wasmtime_prints(tmp_path: Path, flags: list[str]) -> None:
    wasm = tmp_path / "kernels.wasm"
    wasm_clang(["--target=wasm32-wasi", "-msimd128", *flags, "-o", wasm, SOURCE])
    module = load_bytes(wasm.read_bytes())
    simd = {i.op for f in module.functions for i in f.body if i.op.startswith(("v128", "i8x16", "i32x4", "f32x4"))}
    assert {"i8x16.swizzle", "i8x16.shuffle", "f32x4.mul", "i32x4.shl", "v128.load"} <= simd, sorted(simd)
    ours = run([sys.executable, "-m", "emitter.cli", "run", wasm], env={"PYTHONPATH": str(ROOT)}).stdout
    expected = _wasmtime_output(wasm, tmp_path)
    assert ours == expected
    assert ours.startswith(f"hex {_lcg_bytes()[:24].hex()} ... {_lcg_bytes()[-16:].hex()}\n")
    assert [line.split()[0] for line in ours.splitlines()] == ["hex", "dot", "mix", "blend"]


def _lcg_bytes() -> bytes:
    """The program's input bytes, computed here: its hex line checks the swizzle/shuffle encoding on its own."""
    seed, out = 12345, bytearray()
    for _ in range(4096):
        seed = (seed * 1664525 + 1013904223) & 0xFFFFFFFF
        out.append(seed & 0xFF)
        seed = (seed * 1664525 + 1013904223) & 0xFFFFFFFF
    return bytes(out)
