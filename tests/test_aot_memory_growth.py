"""An AOT object's memory grows as the spec's: the object reserves its whole maximum (4 GiB without one) when it
instantiates and commits pages as ``memory.grow`` asks, in a plain C host and in a WASI executable; wasmtime-py
50 says what every result must be."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_embed_memory_growth import GROWER, SCHEDULES, _wasmtime_growth
from tests.tools import ROOT, run
from tests.wasi_support import build_aot, build_wasi, oracle_command, run_program

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

HOST = r"""
#include <stdio.h>
#include <stdlib.h>
#include "grower.h"
/* The resident set now, not ru_maxrss: that high-water mark survives execve, so it starts at the test process's. */
static long rss_kb(void) {
    long size = 0, resident = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    if (statm == NULL || fscanf(statm, "%ld %ld", &size, &resident) != 2) abort();
    fclose(statm);
    return resident * 4;
}
int main(int argc, char **argv) {
    long before = rss_kb();
    for (int i = 1; i < argc; i++) {
        printf("%d\n", grow(atoi(argv[i])));
        int32_t size = size_();
        printf("%d\n", size);
        if (size) {
            int32_t last = (int32_t)((uint32_t)size * 65536u - 1u);
            poke(last, 0x5A);
            printf("%d\n", peek(last));
        }
    }
    fprintf(stderr, "%ld\n", rss_kb() - before);
    return 0;
}
"""


def _grower(tmp_path: Path, limits: str) -> Path:
    source = tmp_path / "grower.wat"
    # ``size`` is also a C function name a host may define: the export is renamed for the host's sake only.
    source.write_text(GROWER.format(limits=limits).replace('(export "size")', '(export "size_")'))
    obj = tmp_path / "grower.o"
    run([JITDEBUG, "compile", source, "-o", obj, "--header", tmp_path / "grower.h"])
    host = tmp_path / "host.c"
    host.write_text(HOST)
    exe = tmp_path / "host"
    run(["gcc", "-std=c11", "-Wall", "-Werror", "-o", exe, host, obj], cwd=tmp_path)
    return exe


@pytest.mark.parametrize("limits", sorted(SCHEDULES))
def test_memory_grow_in_an_object_matches_wasmtime_up_to_the_maximum(limits: str, tmp_path: Path) -> None:
    """Every ``memory.grow`` result and size as wasmtime's (the probe past the size is the JIT test's: a trap
    ends a C host), the last page of each size writable."""
    deltas = SCHEDULES[limits]
    expected = [v for v in _wasmtime_growth(limits, deltas) if v not in ("trap", "no trap")]
    got = run([_grower(tmp_path, limits), *map(str, deltas)]).stdout.split()
    assert [int(v) for v in got] == expected


def test_growing_an_object_memory_to_4_gib_commits_only_the_pages_touched(tmp_path: Path) -> None:
    """Reserved, not committed: growing to 65,536 pages and writing the last byte of the memory costs a few
    pages of resident memory, not 4 GiB (the host prints its RSS growth in KiB on stderr)."""
    proc = run([_grower(tmp_path, "1"), "65535", "1"])
    assert proc.stdout.split() == ["1", "65536", "90", "-1", "65536", "90"]
    assert int(proc.stderr) < 4096


MALLOC = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        size_t mib = (size_t)atoi(argv[i]);
        unsigned char *p = malloc(mib << 20);
        if (p == NULL) {
            printf("malloc of %zu MiB failed\n", mib);
            continue;
        }
        memset(p, i, mib << 20);
        unsigned long sum = 0;
        for (size_t k = 0; k < (mib << 20); k += 65536)
            sum += p[k];
        printf("malloc of %zu MiB: %lu\n", mib, sum);
        free(p);
    }
    return 0;
}
"""


def test_a_wasi_executable_mallocs_as_much_as_under_wasmtime(tmp_path: Path) -> None:
    """64 MiB, 1 GiB and 2 GiB succeed, 3.5 GiB fails (wasi-libc's malloc), as under wasmtime: the executable's
    memory is no longer its minimum + 256 pages."""
    source = tmp_path / "malloc.c"
    source.write_text(MALLOC)
    module = build_wasi(source, tmp_path / "malloc.wasm")
    exe = build_aot(module, tmp_path / "malloc")
    args = ["64", "1024", "2048", "3584", "1"]
    oracle = run_program(oracle_command(), module, cwd=tmp_path, dirs=[], env=[], args=args)
    aot = run_program([], module, cwd=tmp_path, dirs=[], env=[], args=args, executable=exe)
    assert oracle.returncode == 0 and "malloc of 64 MiB: 1024" in oracle.stdout
    assert (aot.stdout, aot.stderr, aot.returncode) == (oracle.stdout, oracle.stderr, oracle.returncode)
