"""Row 10 of ``./dev bench``: the cost of translating producer DWARF (C built by clang-19 for wasm32 with ``-g``).

- 10a: one C function of N lexical blocks (each a scope with a variable of its own, the shape that made the
  translation quadratic), compiled and lowered to an object with debug information, per block, at the largest
  N against the smallest: flat per block means linear (target 1.5x).
- 10b: the same module at the largest N with debug information against without (issue target +30%).
- 10c: a real WASI program (wasi-libc linked; Debian's wasi-libc carries DWARF, so every such program takes the
  translation path) with debug information against without.
- 10d: the same on a real code base: the vendored Lua 5.4.7 interpreter (``tests/data/lua/lua.wasm``, 1.4 MB,
  -O0 with full DWARF), with the translation's own time and the object's size in the notes.
- 10e: the same on a multi-megabyte one: SQLite 3.52.0's amalgamation with the project's test program
  (``tests/data/sqlite/``, built now by clang-19 at -O0 -g: 3.7 MB of Wasm).

Times are CPU seconds of this process (``time.process_time``), the best of the runs: the clang builds run
once, before. Wasm builds use a PATH whose only wasm tool is ``wasm-ld`` (clang would run binaryen's
``wasm-opt`` otherwise, which leaves the DWARF stale).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from emitter.aot import load_module, render_listing
from emitter.codegen.compiler import compile_module
from emitter.lower import lower_module
from emitter.obj.elf import write_relocatable
from scripts.bench_common import Row, Side
from tests.lua_wasm import PREBUILT as LUA_WASM
from tests.sqlite_wasm import build_wasm as build_sqlite_wasm
from tests.wasm_clang import wasm_clang

#: A WASI program of the size of a small real one: string handling, a table, printf.
WASI_PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry { char *word; int count; struct entry *next; };
static struct entry *table[64];

static unsigned hash(const char *s) { unsigned h = 5381; while (*s) h = h * 33 + (unsigned char)*s++; return h; }

static void add(const char *word) {
    unsigned k = hash(word) % 64;
    for (struct entry *e = table[k]; e; e = e->next)
        if (strcmp(e->word, word) == 0) { e->count++; return; }
    struct entry *e = malloc(sizeof *e);
    e->word = strdup(word);
    e->count = 1;
    e->next = table[k];
    table[k] = e;
}

int main(int argc, char **argv) {
    char text[] = "the quick brown fox jumps over the lazy dog the end";
    for (char *w = strtok(text, " "); w; w = strtok(NULL, " ")) add(w);
    for (int k = 0; k < 64; k++)
        for (struct entry *e = table[k]; e; e = e->next) printf("%s %d\n", e->word, e->count);
    return argc > 1 ? atoi(argv[1]) : 0;
}
"""


#: A module of one C file, no C library, every function exported.
_FREESTANDING = ("-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all")


def blocks_program(count: int) -> str:
    """One function of ``count`` blocks, each with a variable of its own (a DW_TAG_lexical_block each)."""
    body = "".join(f"    if (n > {i}) {{ int v{i} = n * {i}; s += v{i}; }}\n" for i in range(count))
    return f"int run(int n) {{\n    int s = 0;\n{body}    return s;\n}}\n"


def _cpu_seconds(wasm: Path, debug_info: bool, runs: int) -> float:
    _, module = load_module(wasm)
    best = float("inf")
    for _ in range(max(runs, 1)):
        start = time.process_time()
        compiled = compile_module(module, module_name="m", listing=render_listing(module, "m"))
        lower_module(compiled, debug_info=debug_info)
        best = min(best, time.process_time() - start)
    return best


def rows(block_counts: Sequence[int], runs: int) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="jitdebug-bench-cdebug-") as name:
        work = Path(name)
        per_block: dict[int, float] = {}
        plain: dict[int, float] = {}
        for count in block_counts:
            (work / f"b{count}.c").write_text(blocks_program(count))
            wasm_clang(["--target=wasm32", *_FREESTANDING, "-g", "-o", f"b{count}.wasm", f"b{count}.c"], cwd=work)
            per_block[count] = _cpu_seconds(work / f"b{count}.wasm", True, runs) / count
        largest, smallest = max(block_counts), min(block_counts)
        wasm_clang(["--target=wasm32", *_FREESTANDING, "-o", f"p{largest}.wasm", f"b{largest}.c"], cwd=work)
        plain[largest] = _cpu_seconds(work / f"p{largest}.wasm", False, runs) / largest
        flat = Row("10a", f"C debug info, one function of N lexical blocks: CPU per block at N={largest:,} vs "
                   f"N={smallest:,}", Side(f"N={largest:,}", [per_block[largest]]),
                   Side(f"N={smallest:,}", [per_block[smallest]]), target=1.5)
        flat.notes.append("per block, compile + object with translated DWARF: "
                          + ", ".join(f"N={n:,} {per_block[n] * 1e3:.2f} ms" for n in block_counts))
        cost = Row("10b", f"C debug info at N={largest:,} blocks: compile + object with producer DWARF translated vs "
                   "without -g", Side("with", [per_block[largest] * largest]),
                   Side("without", [plain[largest] * largest]), target=1.30)
        (work / "words.c").write_text(WASI_PROGRAM)
        wasm_clang(["--target=wasm32-wasi", "-g", "-O1", "-o", "words.wasm", "words.c"], cwd=work)
        real = Row("10c", "A WASI program (wasi-libc's DWARF included): compile + object with debug information vs "
                   "without", Side("with", [_cpu_seconds(work / "words.wasm", True, runs)]),
                   Side("without", [_cpu_seconds(work / "words.wasm", False, runs)]), target=1.30)
        real.notes.append("most of the difference is the translation of the producer DWARF (wasi-libc's units and "
                          "the program's), a walk of the DIE tree in Python")
        return [flat, cost, real, _lua_row(runs), _sqlite_row(runs)]


def _code_base_costs(wasm: Path, runs: int) -> tuple[float, float, float, int, int]:
    """A real code base's compile + object, CPU seconds with debug information and without (best of ``runs``),
    the DWARF translation's own CPU seconds (best), and the object's size each way."""
    from emitter.dwarf import translate

    spent: list[float] = []
    translate_sections = translate.translate_debug_sections

    def timed(*args: object, **kwargs: object) -> object:
        start = time.process_time()
        try:
            return translate_sections(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent.append(time.process_time() - start)

    translate.translate_debug_sections = timed  # type: ignore[assignment]
    jobs = os.environ.get("JITDEBUG_COMPILE_JOBS")
    os.environ["JITDEBUG_COMPILE_JOBS"] = "1"  # code generation in this process, where its CPU time is counted
    _, module = load_module(wasm)
    best = {True: float("inf"), False: float("inf")}
    sizes = {True: 0, False: 0}
    try:
        for _ in range(max(runs, 1)):
            for debug in (True, False):
                start = time.process_time()
                compiled = compile_module(module, module_name="m", listing=render_listing(module, "m"))
                lowered = lower_module(compiled, debug_info=debug)
                best[debug] = min(best[debug], time.process_time() - start)
                sizes[debug] = len(write_relocatable(lowered))  # not timed
    finally:
        translate.translate_debug_sections = translate_sections
        if jobs is None:
            del os.environ["JITDEBUG_COMPILE_JOBS"]
        else:
            os.environ["JITDEBUG_COMPILE_JOBS"] = jobs
    return best[True], best[False], min(spent), sizes[True], sizes[False]


def _code_base_row(key: str, title: str, wasm: Path, runs: int) -> Row:
    with_debug, without, translation, size_with, size_without = _code_base_costs(wasm, runs)
    row = Row(key, f"{title}: compile + object with debug information vs without", Side("with", [with_debug]),
              Side("without", [without]), target=1.30)
    row.notes.append(f"DWARF translation {translation:.2f} s of CPU; object {size_with / 1e6:.1f} MB with debug "
                     f"information, {size_without / 1e6:.1f} MB without")
    return row


def _lua_row(runs: int) -> Row:
    return _code_base_row("10d", "Lua 5.4.7 interpreter (1.4 MB, -O0 -g, wasi-libc)", LUA_WASM, runs)


def _sqlite_row(runs: int) -> Row:
    """SQLite's amalgamation with the project's test program, built now (clang-19, -O0 -g: 4 s)."""
    with tempfile.TemporaryDirectory(prefix="jitdebug-bench-sqlite-") as name:
        wasm = build_sqlite_wasm(Path(name) / "catalog.wasm", "-O0")
        size = wasm.stat().st_size
        return _code_base_row("10e", f"SQLite 3.52.0 amalgamation + test program ({size / 1e6:.1f} MB, -O0 -g, "
                              "wasi-libc)", wasm, runs)
