"""Benchmark of the AOT path on a generated 10,000-function module.

Reports (1) compile throughput: decode + validate + listing + code generation, in functions/s and Wasm bytes/s;
(2) the emitter part alone (CompiledModule -> ELF object: DWARF CFI, line table, debug info, ELF) against GNU
``as`` assembling an equivalent ``.s`` (the same code bytes as ``.byte``, the same unwind rows as ``.cfi_*``, the
same line rows as ``.loc``, the same relocations as ``.reloc``), as the median of N runs with min-max;
(3) a cProfile summary of where the time goes. Run: ``.venv/bin/python -m scripts.bench_compile [--functions N]``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import wasmtime

from emitter.codegen.compiler import compile_module
from emitter.compiled import CompiledModule
from emitter.lower import write_object
from emitter.obj.model import RelocKind
from emitter.wasm.listing import render_listing
from emitter.wasm.load import load_bytes

_ELF_RELOCS = {(RelocKind.CALL, 4): "R_X86_64_PLT32", (RelocKind.PC_RELATIVE, 4): "R_X86_64_PC32",
               (RelocKind.ABSOLUTE, 8): "R_X86_64_64", (RelocKind.ABSOLUTE, 4): "R_X86_64_32"}


def generate_module(functions: int) -> bytes:
    """Varied small functions: arithmetic, a branch, memory traffic and a call to the previous function."""
    parts = ["(module $bench", "  (memory 1)", "  (global $g (mut i64) (i64.const 0))"]
    for n in range(functions):
        callee = f"(call $f{n - 1} (local.get 1) (local.get 2))" if n else "(local.get 1)"
        parts.append(f"""  (func $f{n} (export "f{n}") (param i32 i32) (result i32) (local i32 i64)
    (local.set 2 (i32.add (local.get 0) (i32.const {n})))
    (i32.store offset={n % 1024 * 4} (i32.const 0) (local.get 2))
    (local.set 3 (i64.mul (i64.extend_i32_s (local.get 2)) (global.get $g)))
    (global.set $g (i64.add (local.get 3) (i64.const {n * 7 + 1})))
    (if (result i32) (i32.gt_s (local.get 2) (local.get 1))
      (then (i32.mul (local.get 2) (i32.load offset={n % 512 * 4} (local.get 1))))
      (else {callee})))""")
    parts.append(")")
    return bytes(wasmtime.wat2wasm("\n".join(parts)))


def _symbol(name: str) -> str:
    return f'"{name}"'


def assembly_for(module: CompiledModule) -> str:
    """GNU as source producing the same code, CFI, line rows and relocations as ``module``."""
    out = [f'\t.file 1 "{module.source_dir}/{module.source_file}"', "\t.text"]
    for index, function in enumerate(module.functions):
        name = f".Lfunction{index}"
        breaks: dict[int, list[str]] = {}
        rows = function.unwind.rows(len(function.code))
        previous: dict[str, int] = {"rip": 8}
        for row in rows:
            directives = [f"\t.cfi_def_cfa {row.cfa_register}, {row.cfa_offset}"] if row.start else []
            saved = dict(row.saved)
            for register, slot in saved.items():
                if register != "rip" and previous.get(register) != slot:
                    directives.append(f"\t.cfi_offset {register}, {-slot}")
            for register in previous.keys() - saved.keys():
                directives.append(f"\t.cfi_restore {register}")
            previous = saved
            breaks.setdefault(row.start, []).extend(directives)
        for line in function.lines:
            if line.line > 0:
                breaks.setdefault(line.code_offset, []).append(f"\t.loc 1 {line.line} {line.column}")
        for reloc in function.relocations:
            kind = _ELF_RELOCS[(reloc.kind, reloc.size)]
            breaks.setdefault(reloc.offset, []).append(
                f"\t.reloc ., {kind}, {_symbol(reloc.symbol)}{reloc.addend:+d}")
        out += [f"\t.p2align {function.align.bit_length() - 1}", f"{name}:", "\t.cfi_startproc"]
        out += [f"\t.globl {_symbol(e)}\n\t.set {_symbol(e)}, {name}" for e in function.exports]
        if function.name not in function.exports:
            out.append(f"\t.set {_symbol(function.name)}, {name}")
        cuts = sorted(set(breaks) | {0, len(function.code)})
        for start, end in zip(cuts, cuts[1:] + [len(function.code)], strict=True):
            out += breaks.get(start, [])
            chunk = function.code[start:end]
            for i in range(0, len(chunk), 32):
                out.append("\t.byte " + ",".join(str(b) for b in chunk[i:i + 32]))
        out += ["\t.cfi_endproc"]
        out += [f"\t.type {_symbol(s)}, @function\n\t.size {_symbol(s)}, {len(function.code)}"
                for s in {function.name, *function.exports}]
    for blob in module.data:
        section = ".bss" if blob.data is None else ".data" if blob.writable else ".section .rodata"
        out += [f"\t{section}", f"\t.p2align {blob.align.bit_length() - 1}", f"{_symbol(blob.name)}:"]
        if blob.data is None:
            out.append(f"\t.zero {blob.size}")
            continue
        relocs = {r.offset: r for r in blob.relocations}
        position = 0
        for offset in sorted(relocs) + [len(blob.data)]:
            for i in range(position, offset, 32):
                out.append("\t.byte " + ",".join(str(b) for b in blob.data[i:min(i + 32, offset)]))
            if offset in relocs:
                reloc = relocs[offset]
                directive = ".quad" if reloc.size == 8 else ".long"
                out.append(f"\t{directive} {_symbol(reloc.symbol)}{reloc.addend:+d}")
                position = offset + reloc.size
    out.append('\t.section .note.GNU-stack,"",@progbits')
    return "\n".join(out) + "\n"


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def describe(times: list[float]) -> str:
    median, low, high = (1000 * t for t in (statistics.median(times), min(times), max(times)))
    return f"median {median:.1f} ms (min {low:.1f} - max {high:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    wasm = generate_module(args.functions)

    def front_end() -> CompiledModule:
        module = load_bytes(wasm)
        listing = render_listing(module, "bench")
        return compile_module(module, module_name="bench", listing=listing)

    compile_times = timed(front_end, args.runs)
    compiled = front_end()
    median = statistics.median(compile_times)
    print(f"module: {args.functions} functions, {len(wasm)} Wasm bytes")
    print(f"compile (decode+validate+listing+codegen): {describe(compile_times)}")
    print(f"  throughput: {args.functions / median:,.0f} functions/s, {len(wasm) / median / 1e6:.2f} MB Wasm/s")

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        source = work / "bench.s"
        source.write_text(assembly_for(compiled))
        ours = timed(lambda: write_object(compiled, work / "ours.o"), args.runs)
        gnu = timed(lambda: subprocess.run(["as", "--64", "-o", str(work / "as.o"), str(source)], check=True),
                    args.runs)
        print(f"emitter (CompiledModule -> ELF object): {describe(ours)}")
        print(f"GNU as on the equivalent .s ({source.stat().st_size / 1e6:.1f} MB): {describe(gnu)}")
        print(f"  ratio ours / as: {statistics.median(ours) / statistics.median(gnu):.2f} "
              f"(objects: ours {(work / 'ours.o').stat().st_size} B, as {(work / 'as.o').stat().st_size} B)")

        profiler = cProfile.Profile()
        profiler.enable()
        write_object(front_end(), work / "profiled.o")
        profiler.disable()
    report = io.StringIO()
    pstats.Stats(profiler, stream=report).sort_stats("tottime").print_stats(15)
    print("cProfile, whole pipeline, top 15 by own time:")
    print("\n".join(line for line in report.getvalue().splitlines() if line.strip())[:6000])


if __name__ == "__main__":
    main()
