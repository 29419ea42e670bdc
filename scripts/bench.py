"""``./dev bench``: the performance table of the issue, each row ours against a reference measured in the same run.

Every row prints our time, the reference's, and the ratio (median of ``--runs`` runs, min-max shown), with its
target; rows whose measurement needs something the project does not have say "not available" and why. The table
is printed and written as JSON (``build/bench/latest.json``) and Markdown (``build/bench/latest.md``, the text the
README quotes), together with the machine it ran on.

    .venv/bin/python -m scripts.bench [--quick] [--runs N] [--only 1,4]
    .venv/bin/python -m scripts.bench --profile 3      (pyinstrument call tree of our side of a row)

``--quick`` uses tiny sizes (a smoke test of the whole command; its ratios mean nothing).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts import bench_cdebug, bench_debugcost, bench_debuggers, bench_jit, bench_kernels, bench_profile
from scripts.bench_common import ROOT, Row, Side, run_child


@dataclass(frozen=True)
class Sizes:
    """The workload of each row (the issue's sizes, or tiny ones with ``--quick``)."""

    emit_functions: int = 10_000
    jit_functions: int = 5_000
    debugger_functions: int = 5_000
    debugger_depth: int = 100
    backtrace_depth: int = 1_000
    throw_depth: int = 100
    plugin_depth: int = 1_000
    modules: int = 1_000
    module_functions: int = 20
    debug_cost_functions: int = 10_000
    #: Row 8c: callgrind runs the process ~50 times slower.
    debug_instruction_functions: int = 1_000
    #: Row 10: lexical blocks of the one C function (wasm32 allows at most 50,000 locals; clang -O0 takes about
    #: ten a block, so 4,000 is near the largest valid module of this shape).
    cdebug_blocks: tuple[int, ...] = (500, 1_000, 2_000, 4_000)
    #: Runs of rows 2 and 8 at least: ratios of one- to three-second runs, within 10% of each other, are the most
    #: exposed to a shared machine's noise (single runs vary by a third here).
    jit_runs: int = 9
    #: Row 9: lines the WASI printf loop writes.
    wasi_lines: int = 200_000
    #: Row 13: the smallest of its four sizes (x1, x4, x16, x64).
    throughput_functions: int = 250


QUICK = Sizes(emit_functions=60, jit_functions=40, debugger_functions=40, debugger_depth=10, backtrace_depth=50,
              throw_depth=10, plugin_depth=30, modules=6, module_functions=4, debug_cost_functions=60,
              debug_instruction_functions=20, jit_runs=0, wasi_lines=2_000, cdebug_blocks=(20, 40),
              throughput_functions=4)


def row_emission(sizes: Sizes, runs: int) -> list[Row]:
    result = run_child("scripts.bench_emit", ["--functions", str(sizes.emit_functions), "--runs", str(runs)])
    n = result["functions"]
    emission = Row("1", f"Object emission, {n:,} functions -> ELF .o (lowering, DWARF, ELF) vs GNU as on the same .s",
                   Side("ours", result["ours"]), Side("GNU as", result["as"]), target=1.0)
    emission.notes += [
        "stretch target 0.5x",
        f"peak RSS during emission: ours {result['peak_rss_emit'] / 1e6:.0f} MB (of which "
        f"{result['rss_before_emit'] / 1e6:.0f} MB is the process with the compiled module before emission), "
        f"GNU as {result['as_peak_rss'] / 1e6:.0f} MB",
        f"objects: ours {result['ours_object_bytes'] / 1e6:.1f} MB (with variables, .debug_frame and the plugin "
        f"metadata), as {result['as_object_bytes'] / 1e6:.1f} MB from a {result['source_bytes'] / 1e6:.1f} MB .s",
    ]
    compile_row = Row("1b", f"Compile (decode, validate, listing, codegen) of the same {n:,}-function module",
                      Side("ours", [result["compile_seconds"]]))
    compile_row.notes.append(f"{n / result['compile_seconds']:,.0f} functions/s, "
                             f"{result['wasm_bytes'] / result['compile_seconds'] / 1e6:.2f} MB of Wasm/s (one run)")
    return [emission, compile_row]


def row_backtrace(sizes: Sizes, runs: int) -> list[Row]:
    result = run_child("scripts.bench_backtrace", ["--depth", str(sizes.backtrace_depth), "--runs", str(runs)])
    depth = result["depth"]
    row = Row("4", f"glibc backtrace() through {depth:,} Wasm frames vs {depth:,} gcc -O2 C frames, per frame",
              Side("ours", result["per_frame"]["wasm"]), Side("C", result["per_frame"]["c"]), target=1.2)
    row.notes.append(f"frames unwound per call: Wasm stack {result['frames']['wasm']}, C stack "
                     f"{result['frames']['c']} (both include the probe and the interpreter below); "
                     f"{result['repetitions']} backtrace() calls per run")
    return [row]


def row_jit_compile(sizes: Sizes, runs: int) -> list[Row]:
    result = run_child("scripts.bench_jit", ["compile", "--functions", str(sizes.jit_functions),
                                             "--runs", str(max(runs, sizes.jit_runs))])
    n, samples = result["functions"], result["samples"]
    debug = Side("ours with debug registration", samples["debug"])
    registration = Row("2", f"JIT compile + instantiate of a {n:,}-function module: with debug registration vs "
                       "without", debug, Side("ours without", samples["plain"]), target=1.10)
    registration.notes.append("with = listing, DWARF, plugin metadata, GDB JIT image written and registered (flushed "
                              "explicitly: registration is otherwise deferred to the first call); without = code, "
                              "data and .eh_frame only (compile_wasm(..., debug_info=False))")
    wasmtime = Row("2b", "The same with debug registration vs wasmtime-py (debug_info=True, opt none)", debug,
                   Side("wasmtime-py", samples["wasmtime"]))
    wasmtime.notes.append("wasmtime compiles in native code and in parallel (its default); no target yet")
    return [registration, wasmtime]


def row_first_stop(sizes: Sizes, runs: int) -> list[Row]:
    result = bench_debuggers.first_stop(sizes.debugger_functions, sizes.debugger_depth, runs)
    n, depth, samples = result["functions"], result["depth"], result["samples"]
    rows = []
    for debugger in ("gdb", "lldb"):
        for kind, key, target, what in (("ours", f"3-{debugger}", 1.5, "cold"),
                                        ("cached", f"3w-{debugger}", 1.0, "warm (compile cache)")):
            row = Row(key, f"{debugger}: start -> stop {depth} Wasm frames deep -> bt, {n:,}-function module, {what}, "
                      "vs wasmtime-py under the same debugger", Side("ours", samples[f"{kind}:{debugger}"]),
                      Side("wasmtime-py", samples[f"wasmtime:{debugger}"]), target=target)
            ours_alone, theirs_alone = (statistics.median(samples[f"{k}:none"]) for k in (kind, "wasmtime"))
            row.notes.append(
                f"without a debugger: ours {ours_alone:.2f} s, wasmtime-py {theirs_alone:.2f} s; the debugger adds "
                f"{statistics.median(samples[f'{kind}:{debugger}']) - ours_alone:+.2f} s to ours and "
                f"{statistics.median(samples[f'wasmtime:{debugger}']) - theirs_alone:+.2f} s to wasmtime-py; "
                f"bt showed {result['rec_frames'].get(f'{kind}:{debugger}', 0)} of our {depth} Wasm frames")
            rows.append(row)
    return rows


def row_exceptions(sizes: Sizes, runs: int) -> list[Row]:
    wasm: list[float] = []
    cxx: list[float] = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_eh.py"), "--depth",
                               str(sizes.throw_depth), "--iterations", "300" if sizes.throw_depth < 100 else "3000"],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        for line in done.stdout.splitlines():
            if line.startswith(("wasm throw", "c++")):
                (wasm if line.startswith("wasm") else cxx).append(float(line.split(":")[1].split()[0]) * 1e-9)
    row = Row("5", f"Throw + catch across {sizes.throw_depth} Wasm frames (AOT) vs C++ across as many g++ -O2 frames",
              Side("ours", wasm), Side("C++", cxx), target=1.5)
    row.notes.append("each run: scripts/bench_eh.py, best of 3 rounds of many throws per side, same process")
    return [row]


def row_plugin_bt(sizes: Sizes, runs: int) -> list[Row]:
    result = bench_debuggers.plugin_bt(sizes.plugin_depth, runs)
    row = Row("6", f"gdb: plugin 'wasm bt' vs plain 'bt' on a {result['depth']:,}-frame Wasm stack",
              Side("wasm bt", result["wasm bt"]), Side("bt", result["bt"]), target=1.5)
    row.notes.append(f"output lines: wasm bt {result['lines']['wasm bt']}, bt {result['lines']['bt']}; frame caches "
                     "flushed before each command")
    return [row]


def row_many_modules(sizes: Sizes, runs: int) -> list[Row]:
    result = bench_debuggers.many_modules(sizes.modules, sizes.module_functions, runs)
    rows = []
    for debugger in ("gdb", "lldb"):
        row = Row(f"7-{debugger}", f"{debugger}: load {result['modules']:,} modules of {result['functions']} "
                  "functions, stop, bt, vs no debugger", Side("ours", result["samples"][debugger]),
                  Side("no debugger", result["samples"]["none"]), target=2.0)
        frames = result["frames"][debugger]
        row.notes.append(f"bt through a call chain across the last {result['chain']} modules showed "
                         f"{sum(1 for count in frames if count)} of their {len(frames)} frames; "
                         f"{result['images'] or 'registered images: unknown'}")
        rows.append(row)
    return rows


def row_debug_cost(sizes: Sizes, runs: int) -> list[Row]:
    # One process per run, the two configurations alternating (and which goes first too), so that neither side
    # gets the machine's faster minutes.
    results: dict[str, list[dict[str, Any]]] = {"on": [], "off": []}
    for run in range(max(runs, sizes.jit_runs)):
        for mode in ("on", "off") if run % 2 == 0 else ("off", "on"):
            arguments = ["cost", "--functions", str(sizes.debug_cost_functions), "--debug-info", mode]
            results[mode].append(run_child("scripts.bench_jit", arguments))
    on, off = results["on"], results["off"]
    n = on[0]["functions"]
    cpu = Row("8", f"Debug-info cost at {n:,} functions: JIT compile CPU with vs without debug info",
              Side("with", [r["cpu_seconds"] for r in on]), Side("without", [r["cpu_seconds"] for r in off]),
              target=1.10)
    code = on[0]["code_bytes"]
    image = Row("8b", "Registered image size vs the code it describes (the module's GDB JIT image, in the process)",
                Side("image", [float(r["image_bytes"]) for r in on], unit="B"),
                Side("code", [float(code)], unit="B"), target=2.0)
    rss_on, rss_off = (statistics.median(r["rss_growth"] for r in rs) for rs in (on, off))
    cpu.notes.append(f"peak RSS growth of compile + instantiate: with {rss_on / 1e6:.0f} MB, without "
                     f"{rss_off / 1e6:.0f} MB ({(rss_on / rss_off - 1) * 100:+.0f}%); one process per run")
    image.notes.append("the module's share of its registered image (images hold up to 64 modules), held once (the "
                       "native copy handed to the debuggers); no second copy of code or data in it (those sections "
                       "are NOBITS: debuggers read them from the process)")
    return [cpu, image, row_debug_instructions(sizes)]


def row_debug_instructions(sizes: Sizes) -> Row:
    """Row 8's cost counted rather than timed: the two callgrind runs are deterministic, so one each (side by
    side, on the two cores) is the figure."""
    n = sizes.debug_instruction_functions
    with ThreadPoolExecutor(2) as pool:
        on, off = pool.map(lambda debug_info: bench_jit.instructions(n, debug_info), (True, False))
    row = Row("8c", f"Debug-info cost at {n:,} functions in instructions executed by one warm JIT load (callgrind)",
              Side("with", [float(on)], unit="instr"), Side("without", [float(off)], unit="instr"), target=1.10)
    row.notes.append("the count of the load alone (the process loads the module once before, to warm up); the "
                     "time of row 8 adds what these instructions cost in cache and memory, and the machine's noise")
    return row


def row_wasi(sizes: Sizes, runs: int) -> list[Row]:
    result = run_child("scripts.bench_wasi", ["--lines", str(sizes.wasi_lines), "--runs", str(runs)])
    lines = f"{sizes.wasi_lines:,}"
    unbuffered = Row("9", f"WASI: a C printf loop of {lines} lines to a file, unbuffered (one fd_write per line) vs "
                     "wasmtime-py", Side("ours", result["unbuffered"]["ours"]),
                     Side("wasmtime-py", result["unbuffered"]["wasmtime"]))
    buffered = Row("9b", "The same loop buffered by wasi-libc's stdio (the formatting in Wasm code dominates)",
                   Side("ours", result["buffered"]["ours"]), Side("wasmtime-py", result["buffered"]["wasmtime"]))
    for row, mode in ((unbuffered, "unbuffered"), (buffered, "buffered")):
        same = "identical" if result[mode]["same_output"] else "DIFFERENT"
        row.notes.append(f"_start only, on an instance made before; {result[mode]['lines_written']:,} lines written, "
                         f"files {same} to wasmtime-py's")
    def per_line(side: str) -> float:
        extra = statistics.median(result["unbuffered"][side]) - statistics.median(result["buffered"][side])
        return extra / sizes.wasi_lines * 1e6

    unbuffered.notes.append(f"unbuffered minus buffered, per line: ours {per_line('ours'):.1f} us, wasmtime-py "
                            f"{per_line('wasmtime'):.1f} us (the fd_write calls with the kernel's write, and "
                            "stdio's unbuffered path in Wasm code)")
    return [unbuffered, buffered]


def row_kernels(sizes: Sizes, runs: int) -> list[Row]:
    quick = sizes is QUICK
    result = run_child("scripts.bench_kernels", ["--runs", str(runs), *(["--quick"] if quick else [])],
                       timeout=1800)["results"]
    n = len(result)
    gm = {side: bench_kernels.geometric_means(result, side) for side in ("ours", "winch", "cranelift", "aot",
                                                                         "native")}
    ratio = {name: {side: statistics.median(samples["ours" if side in ("winch", "cranelift") else "aot"])
                    / statistics.median(samples[side]) for side in ("winch", "cranelift", "native")}
             for name, samples in result.items()}
    worst = max(ratio, key=lambda name: ratio[name]["winch"])
    winch = Row("11", f"Kernel run time, geometric mean of {n} sightglass shootout kernels: JIT (debug info on) vs "
                "wasmtime's baseline compiler Winch", Side("ours", gm["ours"]), Side("Winch", gm["winch"]),
                target=1.0)
    winch.notes.append("per kernel, ours/Winch: " + ", ".join(f"{k} {r['winch']:.2f}x" for k, r in ratio.items()))
    winch.notes.append("each run times the region between the kernel's bench.start and bench.end imports; the sides "
                       "alternate run by run; iteration counts scaled (scripts/bench_kernels.py)")
    slowest = Row("11-max", f"The slowest kernel against Winch ({worst})", Side("ours", result[worst]["ours"]),
                  Side("Winch", result[worst]["winch"]), target=1.5)
    cranelift = Row("11c", "The same geometric mean vs Cranelift (wasmtime's optimising compiler)",
                    Side("ours", gm["ours"]), Side("Cranelift", gm["cranelift"]))
    cranelift.notes.append("per kernel, ours/Cranelift: " + ", ".join(f"{k} {r['cranelift']:.2f}x"
                                                                      for k, r in ratio.items()))
    aot = Row("12", f"AOT objects (jitdebug compile + a C host) vs the same C built natively with gcc -O2, geometric "
              f"mean of the {n} kernels", Side("ours", gm["aot"]), Side("gcc -O2", gm["native"]))
    aot.notes.append("per kernel, AOT/gcc: " + ", ".join(f"{k} {r['native']:.2f}x" for k, r in ratio.items()))
    return [winch, slowest, cranelift, aot]


def row_throughput(sizes: Sizes, runs: int) -> list[Row]:
    result = run_child("scripts.bench_jit", ["throughput", "--functions", str(sizes.throughput_functions),
                                             "--runs", str(runs)], timeout=1800)["sizes"]
    per_megabyte = [Side(f"{size['functions']:,} functions",
                         [seconds / (size["wasm_bytes"] / 1e6) for seconds in size["samples"]])
                    for size in result]
    smallest, largest = result[0], result[-1]
    flat = Row("13", f"JIT compile + instantiate with debug info, time per MB of Wasm: {largest['functions']:,} "
               f"functions ({largest['wasm_bytes'] / 1e6:.1f} MB) vs {smallest['functions']:,} "
               f"({smallest['wasm_bytes'] / 1e6:.2f} MB)", per_megabyte[-1], per_megabyte[0], target=1.3)
    flat.notes.append("MB of Wasm per second at each size: " + ", ".join(
        f"{side.label} {1 / side.median:.2f} MB/s" for side in per_megabyte))
    speed = Row("13b", "The same, seconds per MB of Wasm at the largest size vs the target's 1 s (1 MB/s)",
                per_megabyte[-1], Side("1 MB/s", [1.0]), target=1.0)
    return [flat, speed]


def row_cdebug(sizes: Sizes, runs: int) -> list[Row]:
    return bench_cdebug.rows(sizes.cdebug_blocks, runs)


def row_debug_cost_real(sizes: Sizes, runs: int) -> list[Row]:
    return bench_debugcost.rows(runs, quick=sizes == QUICK)


ROWS: dict[str, Callable[[Sizes, int], list[Row]]] = {
    "1": row_emission,
    "2": row_jit_compile,
    "3": row_first_stop,
    "4": row_backtrace,
    "5": row_exceptions,
    "6": row_plugin_bt,
    "7": row_many_modules,
    "8": row_debug_cost,
    "9": row_wasi,
    "10": row_cdebug,
    "11": row_kernels,
    "13": row_throughput,
    "14": row_debug_cost_real,
}


def machine() -> dict[str, str]:
    """What the table ran on: CPU, cores, memory, OS, and the versions of the references."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")

    def first_line(command: list[str]) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as error:
            return f"unavailable ({error.strerror})"
        return (done.stdout or done.stderr).splitlines()[0].strip() if (done.stdout or done.stderr) else "?"

    return {
        "cpu": cpu, "cores": str(os.cpu_count()), "memory": f"{int(memory) / 1e6:.1f} GB",
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "as": first_line(["as", "--version"]), "gcc": first_line(["gcc", "--version"]),
        "gdb": first_line(["gdb", "--version"]), "lldb": first_line(["lldb-19", "--version"]),
        "wasmtime-py": importlib.metadata.version("wasmtime"),
    }


def render(rows: list[Row], host: dict[str, str], seconds: float) -> str:
    header = ("row", "what", "ours (median, min-max)", "reference (median, min-max)", "ratio", "target", "status")
    table = [header]
    for row in rows:
        if row.unavailable is not None:
            table.append((row.key, row.title, f"not available: {row.unavailable}", "", "", "", row.status))
            continue
        table.append((row.key, row.title, row.ours.describe() if row.ours else "",
                      f"{row.reference.label}: {row.reference.describe()}" if row.reference else "",
                      f"{row.ratio:.2f}x" if row.ratio is not None else "",
                      f"<= {row.target:g}x" if row.target is not None else "", row.status))
    lines = ["| " + " | ".join(cells) + " |" for cells in table]
    lines.insert(1, "|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        lines += [f"- {row.key}: {note}" for note in row.notes]
    lines.append("")
    lines.append(f"Machine: {host['cpu']}, {host['cores']} cores, {host['memory']}, {host['os']}; Python "
                 f"{host['python']}; {host['as']}; {host['gcc']}; {host['gdb']}; {host['lldb']}; "
                 f"wasmtime-py {host['wasmtime-py']}. Whole run: {seconds:.0f} s.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check that every row runs")
    parser.add_argument("--runs", type=int, default=None,
                        help="runs per measurement (default 5, --quick 2; rows 2 and 8 at least 9 at full size)")
    parser.add_argument("--only", default="", help="comma-separated row numbers (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench", help="directory for the JSON/Markdown")
    parser.add_argument("--profile", metavar="ROW", default=None,
                        help="instead of the table, profile our side of ROW with pyinstrument (rows 1, 2, 3, 7, 8)")
    args = parser.parse_args(argv)
    if args.profile is not None:
        return bench_profile.main([args.profile])
    sizes = QUICK if args.quick else Sizes()
    runs = args.runs or (2 if args.quick else 5)
    wanted = [key.strip() for key in args.only.split(",") if key.strip()] or list(ROWS)
    unknown = [key for key in wanted if key not in ROWS]
    if unknown:
        parser.error(f"no row {', '.join(unknown)} (rows: {', '.join(ROWS)})")
    # The project's bytecode, as an installed package has it (pip compiles it): the rows that start processes
    # (3, 7) must not time the compilation of every module from source, which a caller's PYTHONDONTWRITEBYTECODE
    # would otherwise repeat at each start (0.1 s of a cold start); the plugins too, for the debuggers' Python.
    for package in ("emitter", "gdbplugin", "lldbplugin", "scripts"):
        compileall.compile_dir(ROOT / package, quiet=1)
    start = time.perf_counter()
    rows: list[Row] = []
    for key in wanted:
        row_start = time.perf_counter()
        print(f"bench: row {key} ...", file=sys.stderr, flush=True)
        rows += ROWS[key](sizes, runs)
        print(f"bench: row {key} done in {time.perf_counter() - row_start:.0f} s", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start
    host = machine()
    text = render(rows, host, seconds)
    print(text, end="")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.md").write_text(text)
    (args.out / "latest.json").write_text(json.dumps(
        {"machine": host, "seconds": seconds, "quick": args.quick, "runs": runs,
         "rows": [row.as_json() for row in rows]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
