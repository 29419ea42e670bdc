"""Rows 3, 6 and 7 of ``./dev bench``: whole debugger sessions, timed from start to exit.

Row 3: start -> stopped at a native breakpoint below ``depth`` Wasm frames of a large module -> ``bt`` printed,
in gdb and in lldb, our JIT against wasmtime-py (``debug_info=True``, ``cranelift_opt_level='none'``) under the
same debugger, and against the same program without a debugger. Row 6: in one gdb session stopped below a deep
Wasm stack, the plugin's ``wasm bt`` against plain ``bt`` (frame caches flushed before each). Row 7: load many
small modules (each registered with the debugger) under gdb and lldb against without a debugger, then stop in a
chain of calls through the last modules and check that ``bt`` shows every one of their frames.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import wasmtime

from emitter.debuggers import GDB_PLUGIN
from scripts.bench_backtrace import probe_library
from scripts.bench_common import ROOT

INFERIOR = ROOT / "scripts" / "bench_inferior.py"
CACHE = ROOT / "build" / "bench" / "cache"
PYTHON = sys.executable  # the venv's link to the real interpreter: debuggers refuse script shims


def _filler(name: str, n: int) -> str:
    return f"""  (func ${name} (param i32) (result i32) (local i32)
    (local.set 1 (i32.add (local.get 0) (i32.const {n})))
    (if (result i32) (i32.gt_s (local.get 1) (i32.const {n * 3 + 1}))
      (then (i32.mul (local.get 1) (i32.const 3))) (else (i32.sub (local.get 1) (i32.const {n})))))"""


def deep_module(functions: int) -> bytes:
    """``run(n)``: n nested frames of ``$rec``, the deepest calling the import ``hit``; plus fillers up to
    ``functions`` functions."""
    parts = ["(module $deep", '  (import "env" "hit" (func $hit))',
             """  (func $rec (export "run") (param i32) (result i32)
    (if (result i32) (i32.le_s (local.get 0) (i32.const 1))
      (then (call $hit) (i32.const 0))
      (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))"""]
    parts += [_filler(f"filler{n}", n) for n in range(functions - 1)]
    parts.append(")")
    return bytes(wasmtime.wat2wasm("\n".join(parts)))


def chain_module(index: int, functions: int) -> bytes:
    """Module ``m<index>``: ``run`` (function ``link<index>``) calls the import ``next``; fillers up to
    ``functions`` functions, named after the module so that every module's symbols are its own."""
    parts = [f"(module $m{index}", '  (import "env" "next" (func $next))',
             f'  (func $link{index} (export "run") (call $next))']
    parts += [_filler(f"m{index}_f{n}", n) for n in range(functions - 1)]
    parts.append(")")
    return bytes(wasmtime.wat2wasm("\n".join(parts)))


def _session(argv: list[str], timeout: float = 900) -> tuple[float, str]:
    env = dict(os.environ, LC_ALL="C", PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds, done.stdout + done.stderr


def gdb(commands: list[str], program: list[str]) -> list[str]:
    argv = ["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on"]
    for command in commands:
        argv += ["-ex", command]
    return [*argv, "--args", *program]


def lldb(commands: list[str], program: list[str]) -> list[str]:
    argv = ["lldb-19", "-b"]
    for command in commands:
        argv += ["-o", command]
    return [*argv, "--", *program]


def _frames(output: str, name: str) -> int:
    """Backtrace lines naming function ``name`` (gdb ``in name (``, lldb ``name(`` / `` `name``)."""
    return sum(1 for line in output.splitlines()
               if ("#" in line or "frame #" in line) and (f" {name} (" in line or f"`{name}" in line
                                                          or f" {name}(" in line))


def first_stop(functions: int, depth: int, runs: int) -> dict[str, Any]:
    """Row 3: every configuration ``runs`` times, interleaved."""
    build = ROOT / "build" / "bench"
    build.mkdir(parents=True, exist_ok=True)
    probe = str(probe_library(build))
    samples: dict[str, list[float]] = {}
    frames: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as scratch:
        wasm = Path(scratch) / "deep.wasm"
        wasm.write_bytes(deep_module(functions))
        sessions = {}
        for kind in ("ours", "cached", "wasmtime"):
            program = [PYTHON, str(INFERIOR), "deep", kind, str(wasm), probe, str(depth)]
            sessions[f"{kind}:none"] = program
            sessions[f"{kind}:gdb"] = gdb(["break bench_stop", "run", "bt"], program)
            sessions[f"{kind}:lldb"] = lldb(["breakpoint set -n bench_stop", "run", "bt", "process kill"], program)
        # The cached configuration starts from an empty cache that one unmeasured run fills (warm = every run
        # after the first one a user makes).
        shutil.rmtree(CACHE, ignore_errors=True)
        _session(sessions["cached:none"])
        for _ in range(runs):
            for key, argv in sessions.items():
                seconds, output = _session(argv)
                samples.setdefault(key, []).append(seconds)
                if key.startswith(("ours:", "cached:")) and not key.endswith(":none"):
                    frames[key] = _frames(output, "rec")
    return {"functions": functions, "depth": depth, "samples": samples, "rec_frames": frames}


GDB_TIMING_DRIVER = """
import json, sys, time, gdb
runs, result = int(sys.argv[-2]), sys.argv[-1]
gdb.execute("set breakpoint pending on")
gdb.execute("break bench_stop")
gdb.execute("run")
out = {"bt": [], "wasm bt": [], "lines": {}}
for _ in range(runs):
    for command in ("bt", "wasm bt"):
        gdb.execute("maintenance flush register-cache")
        start = time.perf_counter()
        text = gdb.execute(command, to_string=True)
        out[command].append(time.perf_counter() - start)
        out["lines"][command] = len(text.splitlines())
json.dump(out, open(result, "w"))
gdb.execute("kill")
"""


def plugin_bt(depth: int, runs: int) -> dict[str, Any]:
    """Row 6: in one gdb session with the plugin loaded, ``wasm bt`` against ``bt`` below ``depth`` frames."""
    probe = str(probe_library(ROOT / "build" / "bench"))
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        wasm = work / "deep.wasm"
        wasm.write_bytes(deep_module(2))
        driver, result = work / "driver.py", work / "result.json"
        driver.write_text(GDB_TIMING_DRIVER)
        program = [PYTHON, str(INFERIOR), "deep", "ours", str(wasm), probe, str(depth)]
        argv = ["gdb", "-nx", "-batch", "-iex", f"source {GDB_PLUGIN}",
                "-ex", f"python sys.argv = ['driver', '{runs}', '{result}']", "-x", str(driver), "--args", *program]
        _session(argv)
        measured: dict[str, Any] = json.loads(result.read_text())
    return {"depth": depth, **measured}


def many_modules(modules: int, functions: int, runs: int, chain: int = 5) -> dict[str, Any]:
    """Row 7: the ``many`` inferior with no debugger, under gdb and under lldb, interleaved."""
    probe = str(probe_library(ROOT / "build" / "bench"))
    samples: dict[str, list[float]] = {}
    frames: dict[str, list[int]] = {}
    images = ""
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        for index in range(modules):
            (directory / f"m{index:05d}.wasm").write_bytes(chain_module(index, functions))
        program = [PYTHON, str(INFERIOR), "many", str(directory), probe, str(chain)]
        sessions = {
            "none": program,
            "gdb": gdb(["break bench_stop", "run", "bt"], program),
            "lldb": lldb(["breakpoint set -n bench_stop", "run", "bt", "process kill"], program),
        }
        linked = [f"link{index}" for index in range(modules - chain, modules)]
        for _ in range(runs):
            for key, argv in sessions.items():
                seconds, output = _session(argv, timeout=1800)
                samples.setdefault(key, []).append(seconds)
                images = next((line for line in output.splitlines() if line.startswith("registered images:")), images)
                if key != "none":
                    frames[key] = [_frames(output, name) for name in linked]
    return {"modules": modules, "functions": functions, "chain": chain, "samples": samples, "frames": frames,
            "images": images}
