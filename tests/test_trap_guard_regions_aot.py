"""Guard regions in AOT objects for Linux (``emitter/codegen/aot_guards.py``): a C host links nothing but the
object, whose own signal handler turns a fault in the guard into the trap. Every report equals wasmtime-py's (the
grid of ``test_trap_guard_regions.py``: access widths, offsets around the guard's edge, memory 0 and memory 1 of
two), with and without ``-O signals-based-traps=n``; a host's own SIGSEGV action, installed before the module's,
still gets the host's faults (an ``SA_SIGINFO`` handler, a plain one) or ends the process with SIGSEGV (the
default, ignored); a signal sent to the process reaches that action too; two objects in one process chain to
each other; a WASI command linked with the WASI runtime reports as wasmtime; Windows objects keep their checks."""

from __future__ import annotations

import signal
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import wasmtime

from emitter.codegen.compiler import compile_module
from emitter.wasm.load import load_bytes, wat_to_wasm
from tests.test_trap_guard_regions import ACCESSES, ADDRESSES, GUARD, LAYOUTS, OFFSETS, _wasmtime, module_text
from tests.tools import ROOT, run
from tests.wasi_support import oracle_command, run_program, wasi_runtime_library

RUNTIME = ROOT / "emitter" / "runtime"
SEPARATOR = "-- end --"


def compile_object(source: Path, obj: Path, *options: str, prefix: str = "wasm_") -> None:
    run([sys.executable, "-m", "emitter.cli", "compile", source, "-o", obj, "--header", obj.with_suffix(".h"),
         "--export-prefix", prefix, *options], env={"PYTHONPATH": str(ROOT)})


def guard_sites(obj: Path) -> int | None:
    """The site count of the object's ``jitdebug_guards`` record (None without the section: explicit checks)."""
    dump = run(["readelf", "-x", "jitdebug_guards", obj], check=False)
    if "Hex dump" not in dump.stdout:
        return None
    words = [word for line in dump.stdout.splitlines() if line.strip().startswith("0x")
             for word in line.split()[1:5] if len(word) == 8]
    magic, _version, _size, sites = struct.unpack("<4I", bytes.fromhex("".join(words[:4])))
    assert magic == 0x5347444A
    return int(sites)


TRAP_HOOK = """
static sigjmp_buf back;
void jitdebug_trap(int32_t code) {
    static char report[16384];
    jitdebug_trap_report(code, report, sizeof report);
    printf("%s" SEPARATOR "\\n", report);
    siglongjmp(back, 1);
}
"""


def _grid_host(names: list[str]) -> str:
    table = ", ".join(f"wasm_{name}" for name in names)
    quoted = ", ".join(f'"{name}"' for name in names)
    addresses = ", ".join(f"{address:#x}u" for address in ADDRESSES)
    return ("#include <setjmp.h>\n#include <stdio.h>\n#include <stdint.h>\n"
            '#include "guards.h"\n#include "jitdebug_eh.h"\n'
            f'#define SEPARATOR "{SEPARATOR}"\n{TRAP_HOOK}'
            f"static void (*const calls[])(int32_t) = {{{table}}};\n"
            f"static const char *const names[] = {{{quoted}}};\n"
            f"static const uint32_t addresses[] = {{{addresses}}};\n"
            "int main(void) {\n"
            "    for (size_t f = 0; f < sizeof calls / sizeof calls[0]; f++)\n"
            "        for (size_t k = 0; k < sizeof addresses / sizeof addresses[0]; k++) {\n"
            '            printf("%s %u\\n", names[f], addresses[k]);\n'
            "            if (!sigsetjmp(back, 1)) {\n"
            "                calls[f]((int32_t)addresses[k]);\n"
            '                printf("ok\\n" SEPARATOR "\\n");\n'
            "            }\n"
            "        }\n"
            "    return 0;\n}\n")


@pytest.mark.parametrize("signals", [True, False], ids=["guard_regions", "signals_based_traps_n"])
@pytest.mark.parametrize("layout", ["memory0", "memory1"])
def test_aot_out_of_bounds_accesses_trap_as_wasmtime(layout: str, signals: bool, tmp_path: Path) -> None:
    memories, memory, maximum = LAYOUTS[layout]
    text = module_text(memories, memory)
    expected = _wasmtime(text, signals)
    source, obj = tmp_path / "guards.wat", tmp_path / "guards.o"
    source.write_text(text)
    compile_object(source, obj, *([] if signals else ["-O", "signals-based-traps=n"]))
    unchecked = sum(offset + 16 <= min(GUARD, maximum) for offset in OFFSETS) * len(ACCESSES)
    sites = guard_sites(obj)
    assert (sites is not None and sites >= unchecked) if signals else sites is None
    names = [f"{name}_{offset:x}" for name, _ in ACCESSES for offset in OFFSETS]
    host = tmp_path / "host.c"
    host.write_text(_grid_host(names))
    exe = tmp_path / "host"
    run(["gcc", "-O1", "-I", RUNTIME, "-I", tmp_path, "-o", exe, host, obj, RUNTIME / "jitdebug_eh.c"])
    got = {}
    for chunk in run([exe], timeout=600).stdout.split(f"{SEPARATOR}\n")[:-1]:
        call, _, outcome = chunk.partition("\n")
        name, address = call.split()
        got[name, int(address)] = "ok" if outcome == "ok\n" else outcome
    assert got.keys() == expected.keys()
    faults = sum("memory fault at" in outcome for outcome in expected.values())
    assert (faults > 500) if signals else faults == 0, "the grid no longer covers the guard's faults"
    differing = {key: (expected[key], got[key]) for key in expected if expected[key] != got[key]}
    assert differing == {}, f"{len(differing)} of {len(expected)} calls differ, e.g. {next(iter(differing.items()))}"


LOAD = '(module ${name} (memory 1) (func (export "load") (param i32) (result i32) local.get 0 i32.load offset=16))'


def _wasmtime_load(name: str, address: int) -> str:
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, LOAD.format(name=name)), [])
    with pytest.raises(wasmtime.Trap) as trap:
        instance.exports(store)["load"](store, address)  # type: ignore[operator]
    return str(trap.value)


#: Host programs around one module ``a``: ``before`` runs first in main (the host's own SIGSEGV action), then a
#: guard trap, then ``after`` (the host's own fault, or a signal sent).
HANDLERS = {
    "siginfo": ("static void on_fault(int s, siginfo_t *info, void *uc) {\n"
                '    (void)uc; printf("host handler: signal %d code %d address %p\\n", s, info->si_code, '
                "info->si_addr);\n    fflush(stdout); _exit(42);\n}\n",
                "struct sigaction action = {0}; action.sa_sigaction = on_fault; action.sa_flags = SA_SIGINFO;\n"
                "    sigaction(SIGSEGV, &action, NULL);"),
    "plain": ('static void on_fault(int s) { printf("host handler: signal %d\\n", s); fflush(stdout); _exit(42); }\n',
              "signal(SIGSEGV, on_fault);"),
    "ignored": ("", "signal(SIGSEGV, SIG_IGN);"),
    "default": ("", ""),
}


def _host_with_action(handler: str, action: str, after: str) -> str:
    return ("#define _GNU_SOURCE\n#include <setjmp.h>\n#include <signal.h>\n#include <stdio.h>\n#include <stdint.h>\n"
            '#include <sys/mman.h>\n#include <unistd.h>\n#include "a.h"\n#include "jitdebug_eh.h"\n'
            f'#define SEPARATOR "{SEPARATOR}"\n{TRAP_HOOK}{handler}'
            "int main(void) {\n"
            "    setvbuf(stdout, NULL, _IONBF, 0);  /* the process may die of a signal */\n"
            f"    {action}\n"
            "    char *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);\n"
            "    if (!sigsetjmp(back, 1)) a_load(0xfff0);\n"
            f"    {after}\n"
            '    printf("still running\\n");\n'
            "    return page == NULL;\n}\n")


def _build(tmp_path: Path, host_text: str, *modules: str) -> Path:
    objects = []
    for name in modules:
        source = tmp_path / f"{name}.wat"
        source.write_text(LOAD.format(name=name))
        compile_object(source, tmp_path / f"{name}.o", prefix=f"{name}_")
        objects.append(tmp_path / f"{name}.o")
    host = tmp_path / "host.c"
    host.write_text(host_text)
    exe = tmp_path / "host"
    run(["gcc", "-g", "-O1", "-I", RUNTIME, "-I", tmp_path, "-o", exe, host, *objects, RUNTIME / "jitdebug_eh.c"])
    return exe


@pytest.mark.parametrize("action", sorted(HANDLERS))
def test_the_hosts_own_faults_go_to_its_own_action(action: str, tmp_path: Path) -> None:
    """The host installs its action first; the object's handler, installed at the first call, chains to it."""
    handler, install = HANDLERS[action]
    exe = _build(tmp_path, _host_with_action(handler, install, "page[8] = 1;"), "a")
    result = subprocess.run([exe], capture_output=True, text=True, timeout=60)
    report = _wasmtime_load("a", 0xfff0) + SEPARATOR + "\n"
    assert result.stdout.startswith(report), result.stdout
    rest = result.stdout.removeprefix(report)
    if action == "siginfo":
        # A fault the kernel raised (SEGV_ACCERR), at the host's address.
        assert (rest, result.returncode) == (f"host handler: signal 11 code 2 address {_pointer(rest)}\n", 42)
        assert int(_pointer(rest), 16) % 4096 == 8
    elif action == "plain":
        assert (rest, result.returncode) == ("host handler: signal 11\n", 42)
    else:  # default or ignored: the process dies of the signal (the kernel forces an ignored fault's default)
        assert (rest, result.returncode) == ("", -signal.SIGSEGV)


def _pointer(line: str) -> str:
    return line.split()[-1] if line else ""


@pytest.mark.parametrize("action", sorted(HANDLERS))
def test_a_signal_sent_goes_to_the_hosts_action(action: str, tmp_path: Path) -> None:
    """``raise(SIGSEGV)`` (no fault): the host's handler gets it, an ignored one is ignored, the default kills."""
    handler, install = HANDLERS[action]
    exe = _build(tmp_path, _host_with_action(handler, install, "raise(SIGSEGV);"), "a")
    result = subprocess.run([exe], capture_output=True, text=True, timeout=60)
    rest = result.stdout.split(SEPARATOR + "\n", 1)[1]
    outcome = {"siginfo": ("host handler: signal 11 code -6 address", 42), "plain": ("host handler: signal 11", 42),
               "ignored": ("still running", 0), "default": ("", -signal.SIGSEGV)}[action]
    assert (rest.rsplit(" ", 1)[0] if action == "siginfo" else rest.strip(), result.returncode) == outcome, rest


TWO = """#include <setjmp.h>
#include <stdio.h>
#include <stdint.h>
#include "a.h"
#include "b.h"
#include "jitdebug_eh.h"
#define SEPARATOR "{separator}"
{hook}
int main(int argc, char **argv) {{
    (void)argv;
    setvbuf(stdout, NULL, _IONBF, 0);  /* the process may die of a signal */
    if (!sigsetjmp(back, 1)) printf("%d\\n" SEPARATOR "\\n", {first}_load(16));  /* installs first */
    if (!sigsetjmp(back, 1)) {second}_load(0xfff0);  /* installs second, chained to the first */
    if (!sigsetjmp(back, 1)) {first}_load(0xfffffff0);  /* the later handler passes it to the first */
    if (!sigsetjmp(back, 1)) {second}_load(0x10000);
    if (argc > 1) *(volatile int *)(uintptr_t)argc = 1;  /* neither's: the default action */
    return 0;
}}
"""


@pytest.mark.parametrize("first", ["a", "b"])
def test_two_objects_chain_to_each_other(first: str, tmp_path: Path) -> None:
    second = "b" if first == "a" else "a"
    exe = _build(tmp_path, TWO.format(separator=SEPARATOR, hook=TRAP_HOOK, first=first, second=second), "a", "b")
    expected = ["0\n", _wasmtime_load(second, 0xfff0), _wasmtime_load(first, 0xfffffff0),
                _wasmtime_load(second, 0x10000)]
    assert run([exe]).stdout.split(SEPARATOR + "\n")[:-1] == expected
    crashed = subprocess.run([exe, "crash"], capture_output=True, text=True, timeout=60)
    assert crashed.returncode == -signal.SIGSEGV
    assert crashed.stdout.split(SEPARATOR + "\n")[:-1] == expected


WASI = """(module $command
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (memory (export "memory") 1)
  (func $read (param i32) (result i32) local.get 0 i32.load offset=4)
  (func (export "_start") i32.const 0xfffffff8 call $read drop))
"""


def test_a_wasi_command_reports_a_guard_trap_as_wasmtime(tmp_path: Path) -> None:
    module = tmp_path / "command.wasm"
    module.write_bytes(wat_to_wasm(WASI))
    obj, executable = tmp_path / "command.o", tmp_path / "command"
    run([sys.executable, "-m", "emitter.cli", "compile", module, "-o", obj], env={"PYTHONPATH": str(ROOT)})
    assert guard_sites(obj) == 1
    run(["gcc", "-o", executable, obj, wasi_runtime_library(tmp_path)])
    ours = run_program([], module, cwd=tmp_path, dirs=[], env=[], args=[], executable=executable)
    oracle = run_program(oracle_command(), module, cwd=tmp_path, dirs=[], env=[], args=[])
    assert "memory fault at wasm address 0xfffffffc" in oracle.stderr and oracle.returncode == 1
    assert ours.returncode != 0 and ours.stderr + "\n" == oracle.stderr


def test_windows_objects_keep_their_explicit_checks() -> None:
    module = load_bytes(wat_to_wasm(LOAD.format(name="w")))
    for target, sites in (("x86_64-windows", 0), ("x86_64-linux", 1)):
        compiled = compile_module(module, module_name="w", target=target, default_trap_hook=True, c_host=True)
        assert sum(len(function.guard_sites) for function in compiled.functions) == sites


def test_compile_spells_the_opt_out_as_run(tmp_path: Path) -> None:
    source = tmp_path / "m.wat"
    source.write_text(LOAD.format(name="m"))
    for option, expected in ((["-O", "signals-based-traps=y"], 1), (["-O", "signals-based-traps=n"], None),
                             ([], 1)):
        compile_object(source, tmp_path / "m.o", *option)
        assert guard_sites(tmp_path / "m.o") == expected
    bad = subprocess.run([sys.executable, "-m", "emitter.cli", "compile", str(source), "-o", str(tmp_path / "x.o"),
                          "-O", "signals-based-traps=maybe"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (bad.returncode, bad.stderr) == (2, "jitdebug: error: -O signals-based-traps: expected y or n, got "
                                               "'maybe'\n")
    assert not (tmp_path / "x.o").exists()
