"""The demo: one Wasm module through every path the project offers, each checked by a standard tool.

1. AOT: ``jitdebug compile`` to an ELF object with DWARF; readelf, llvm-dwarfdump --verify, objdump, a C host.
2. JIT: ``jitdebug run`` of a trapping module, the Wasm backtrace beside wasmtime's.
3. Debuggers: a Python program JIT-runs the module and stops in a host import 100 Wasm frames deep; gdb and lldb
   (plain ``bt`` and the plugin's ``wasm bt``) against wasmtime-py with ``debug_info=True`` under the same gdb.
4. Native debugging: a hardware watchpoint on linear memory, and a post-mortem core file of a trap 100 frames
   deep opened in gdb and lldb with every frame's locals (its size printed).
Outputs go to build/demo/.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import wasmtime

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "demo"
OUT = ROOT / "build" / "demo"
ENV = {**os.environ, "LC_ALL": "C", "PYTHONPATH": str(ROOT)}
JITDEBUG = [sys.executable, "-m", "emitter.cli"]


def banner(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


def run(argv: list[str], *, show: bool = True, check: bool = True, lines: int | None = None) -> str:
    shown = shlex.join("jitdebug" if a == "emitter.cli" else a for a in argv if a not in (sys.executable, "-m"))
    print(f"$ {shown}", flush=True)
    proc = subprocess.run(argv, capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=600)
    text = proc.stdout + proc.stderr
    if show:
        body = text.splitlines()
        if lines is not None and len(body) > lines:
            body = body[:lines] + [f"... ({len(text.splitlines()) - lines} more lines)"]
        print("\n".join(body), flush=True)
    if check and proc.returncode != 0 and not (argv[:3] == JITDEBUG and proc.returncode == 1):
        raise SystemExit(f"demo: {shown!r} exited {proc.returncode}")
    return text


def aot() -> None:
    banner("AOT: Wasm -> ELF object with DWARF, linked with a C host")
    obj, header = OUT / "demo.o", OUT / "demo.h"
    run([*JITDEBUG, "compile", str(SAMPLES / "demo.wat"), "-o", str(obj), "--header", str(header)])
    run(["readelf", "-S", "-W", str(obj)], lines=40)
    print("llvm-dwarfdump-19 --verify:", run(["llvm-dwarfdump-19", "--verify", str(obj)], show=False).splitlines()[-1])
    run(["objdump", "-d", "--no-show-raw-insn", str(obj)], lines=14)
    exe = OUT / "demo-aot"
    run(["gcc", "-g", "-I", str(OUT), "-o", str(exe), str(SAMPLES / "host.c"), str(obj)])
    run([str(exe)], check=False)


def jit_trap() -> None:
    banner("JIT: jitdebug run, and the trap's Wasm backtrace beside wasmtime's")
    trap = SAMPLES / "trap.wat"
    run([*JITDEBUG, "run", str(trap), "--invoke", "divide", "7"])
    ours = run([*JITDEBUG, "run", str(trap), "--invoke", "divide", "0"], check=False)
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, wasmtime.wat2wasm(trap.read_text())), [])
    try:
        instance.exports(store)["divide"](store, 0)
    except wasmtime.Trap as trap_error:
        print("wasmtime-py says:\n" + str(trap_error))
        same = [ln for ln in ours.splitlines() if " - " in ln] == [ln for ln in str(trap_error).splitlines()
                                                                      if " - " in ln]
        print(f"frames identical: {same}")


def debuggers() -> None:
    banner("Debuggers: stopped in a host import under 100 Wasm frames")
    python = sys.executable
    gdb_ex = ["-ex", "set breakpoint pending on", "-ex", "break getppid", "-ex", "run"]
    ours = run([*JITDEBUG, "gdb", "-batch", "-nx", *gdb_ex, "-ex", "bt", "-ex", "wasm bt 3",
                "--", python, str(SAMPLES / "jit_host.py"), "100"], show=False)
    frames = [ln for ln in ours.splitlines() if re.match(r"#\d+ ", ln)]
    print("gdb `bt`, first frames:\n" + "\n".join(frames[:6]))
    print("gdb `wasm bt 3`:\n" + "\n".join(ln for ln in ours.splitlines() if re.match(r"\s+\d+:\s+0x", ln)
                                             or ln.startswith(" " * 20)))
    ours_count = sum("descend" in ln for ln in frames)
    peer = run(["gdb", "-batch", "-nx", *gdb_ex, "-ex", "bt", "--args", python, str(SAMPLES / "wasmtime_host.py"),
                "100"], show=False, check=False)
    peer_frames = [ln for ln in peer.splitlines() if re.match(r"#\d+ ", ln)]
    peer_count = sum("descend" in ln for ln in peer_frames)
    print(f"gdb: Wasm frames `descend` in bt — jitdebug: {ours_count} of 101, wasmtime-py 50: {peer_count} of 101")
    lldb = run([*JITDEBUG, "lldb", "-b", "-o", "breakpoint set -n getppid", "-o", "run", "-o", "bt",
                "-o", "wasm bt 3", "-k", "quit 0", "--", python, str(SAMPLES / "jit_host.py"), "100"], show=False)
    lldb_count = sum("descend" in ln for ln in lldb.splitlines() if re.match(r"\s*(\*\s*)?frame #\d+", ln))
    print(f"lldb-19: Wasm frames `descend` in bt — jitdebug: {lldb_count} of 101")
    print("lldb `wasm bt 3`:\n" + "\n".join(ln for ln in lldb.splitlines() if re.match(r"\s+\d+:\s+0x", ln)
                                              or ln.startswith(" " * 20)))


def native_debugging() -> None:
    banner("Native debugging: a watchpoint on linear memory, a core file of a trap 100 frames deep")
    watch = ROOT / "samples" / "nativedebug" / "watch.wat"
    out = run([*JITDEBUG, "gdb", "-batch", "-nx", "-ex", "set breakpoint pending on", "-ex", "wasm break descend",
               "-ex", "run", "-ex", "delete", "-ex", "wasm watch 64", "-ex", "continue",
               "--", "jitdebug", "run", str(watch), "--invoke", "descend", "50"], show=False)
    print("gdb `wasm watch 64`, then `continue`:\n" + "\n".join(
        ln for ln in out.splitlines() if re.match(r"(Wasm watchpoint|Old value|New value|Accessed by|\s+\d+  0x)", ln)))
    core = OUT / "fall.core"
    trapped = run([*JITDEBUG, "run", "-D", f"coredump={core}", str(watch), "--invoke", "fall", "99"], show=False)
    print(trapped.splitlines()[-1])
    program = ["--", "jitdebug", "run", str(watch), "--invoke", "fall", "99"]
    out = run([*JITDEBUG, "gdb", "-batch", "-nx", "-ex", "bt full 4", "-ex", "wasm globals", "-ex",
               "wasm memory 128 4", "-c", str(core), *program], show=False)
    shown = dict.fromkeys(ln for ln in out.splitlines() if re.match(r"(#\d+ |\s+(i|acc) = )", ln))
    print("gdb -c, `bt full 4`:\n" + "\n".join(shown))
    print("\n".join(ln for ln in out.splitlines() if ln.startswith(("Module", "watchme"))))
    out = run([*JITDEBUG, "gdb", "-batch", "-nx", "-ex", "bt", "-c", str(core), *program], show=False)
    count = sum("watchme!fall" in ln for ln in out.splitlines() if re.match(r"#\d+ ", ln))
    lldb = run([*JITDEBUG, "lldb", "-b", "-o", "bt", "-k", "quit 0", "-c", str(core), *program], show=False)
    lldb_count = sum("`fall(depth=" in ln for ln in lldb.splitlines())
    print(f"Wasm frames in bt from the core: gdb {count} of 100, lldb {lldb_count} of 100; core file "
          f"{core.stat().st_size / 1e6:.1f} MB (wasmtime's Wasm coredump has no locals and needs wasmgdb)")


def main() -> int:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    aot()
    jit_trap()
    debuggers()
    native_debugging()
    print("\ndemo: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
