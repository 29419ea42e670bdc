"""Batched JIT registration under the real debuggers. Sixty modules (ten of them instances of one module) are
loaded without running anything, so nothing is registered yet; the first call registers them all in a few images
(the registrar's cap is lowered so the chain crosses images). A call chain through five modules into a native
breakpoint must then look, in gdb 13 and lldb-19, exactly as if every module had an image of its own: every Wasm
frame by name and listing line, ``wasm bt`` equal to wasmtime's trace of the same chain, and a breakpoint set
before ``run`` on a function of a module that has not run yet stops there. Half the modules are then freed and
the chain called again: the same frames, and no image describes freed code."""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import wasmtime

from emitter.debuggers import GDB_PLUGIN, LLDB_PLUGIN
from tests.tools import ROOT, run

DISTINCT = 50
TWINS = 10
#: Modules per image in the inferior (the registrar's cap, lowered so that 60 modules take several images).
CAP = 16
#: The call chain, outermost first; the innermost calls the native ``jd_stop``.
CHAIN = ("c49", "twin7", "c30", "twin2", "c5")
TWIN_ADD = 1000

CHAIN_WAT = """(module ${name}
  (import "env" "next" (func $next (param i32) (result i32)))
  (func ${hop} (export "run") (param $depth i32) (result i32)
    (local $twice i32)
    (local.set $twice (i32.add (local.get $depth) (local.get $depth)))
    (i32.add (call $next (i32.add (local.get $depth) (i32.const 1))) (i32.const {add})))
  (func ${name}_pad (param i32) (result i32) (i32.mul (local.get 0) (i32.const {add}))))"""

STOP_C = "__attribute__((noinline)) int jd_stop(int depth) { __asm__ volatile(\"\"); return depth * 100; }\n"

PROGRAM = """\
import ctypes, json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from emitter.debugcore.elf import ElfFile
from emitter.jit import NativeFunction, _native, compile_wasm, registrar

registrar.MAX_MODULES = {cap}
directory = Path(sys.argv[1])
stop = NativeFunction(ctypes.cast(ctypes.CDLL(sys.argv[2]).jd_stop, ctypes.c_void_p).value)
plan = json.loads((directory / "plan.json").read_text())
twin = compile_wasm(directory / "twin.wasm", listing_dir=directory)
instances = {{}}
for name, following in plan["loads"]:
    module = twin if name.startswith("twin") else compile_wasm(directory / f"{{name}}.wasm", listing_dir=directory)
    target = stop if following is None else NativeFunction(instances[following].loaded.address("run"))
    instances[name] = module.instantiate({{"next": target}})
print("images before the first call:", len(_native.gdb_entries()))
entry = instances[plan["chain"][0]].exports["run"]
print("result:", entry(1))
print("images:", len(_native.gdb_entries()))
freed = [name for name in list(instances)[::2] if name not in plan["chain"]]
code = [f.address for name in freed for f in instances[name].loaded.functions]
for name in freed:
    instances.pop(name).free()
print("freed:", len(freed))
print("result:", entry(2))
texts = [(s.address, s.address + s.size) for address, size in _native.gdb_entries()
         for s in ElfFile(ctypes.string_at(address, size)).sections if s.name == ".text"]
print("images after freeing:", len(_native.gdb_entries()), "describing", len(texts), "modules")
print("freed code described:", sum(any(start <= pc < end for start, end in texts) for pc in code))
for instance in instances.values():
    instance.free()
print("images at exit:", len(_native.gdb_entries()))
"""


def chain_wat(name: str) -> str:
    hop = "twin_hop" if name == "twin" else f"hop{name[1:]}"
    return CHAIN_WAT.format(name=name, hop=hop, add=TWIN_ADD if name == "twin" else int(name[1:]))


def module_file(name: str) -> str:
    """The compiled module an instance comes from (``twin7`` is an instance of ``twin``)."""
    return "twin" if name.startswith("twin") else name


def loads() -> list[tuple[str, str | None]]:
    """Load order (each instance after the one it calls) and what each instance's import ``next`` is."""
    following = dict(zip(CHAIN, [*CHAIN[1:], None], strict=True))
    order: list[tuple[str, str | None]] = []
    for k in range(DISTINCT):
        order.append((f"c{k}", following.get(f"c{k}")))
        if k % (DISTINCT // TWINS) == DISTINCT // TWINS - 1:
            twin = f"twin{k // (DISTINCT // TWINS)}"
            order.append((twin, following.get(twin)))
    return order


def build(directory: Path) -> list[str]:
    """The modules, the stop library and the plan in ``directory``; returns the inferior's command line."""
    for name in [f"c{k}" for k in range(DISTINCT)] + ["twin"]:
        (directory / f"{name}.wasm").write_bytes(wasmtime.wat2wasm(chain_wat(name)))
    (directory / "plan.json").write_text(json.dumps({"loads": loads(), "chain": CHAIN}))
    source = directory / "stop.c"
    source.write_text(STOP_C)
    library = directory / "libstop.so"
    run(["gcc", "-shared", "-fPIC", "-O1", "-o", library, source])
    script = directory / "program.py"
    script.write_text(PROGRAM.format(root=str(ROOT), cap=CAP))
    return [str(Path(sys.executable)), str(script), str(directory), str(library)]


def wasmtime_chain(directory: Path) -> tuple[int, list[tuple[int, str]]]:
    """wasmtime's result of the chain with ``jd_stop``'s arithmetic, and its trace of the chain when the
    innermost call traps instead: (module offset, ``module!function``) per Wasm frame, innermost first."""
    results = []
    for stop_wat in ('(module $stop (func (export "stop") (param i32) (result i32) '
                     "(i32.mul (local.get 0) (i32.const 100))))",
                     '(module $stop (func (export "stop") (param i32) (result i32) unreachable))'):
        engine = wasmtime.Engine()
        store = wasmtime.Store(engine)
        following = wasmtime.Instance(store, wasmtime.Module(engine, stop_wat), []).exports(store)["stop"]
        for name in reversed(CHAIN):
            module = wasmtime.Module.from_file(engine, str(directory / f"{module_file(name)}.wasm"))
            following = wasmtime.Instance(store, module, [following]).exports(store)["run"]
        assert isinstance(following, wasmtime.Func)
        try:
            results.append(following(store, 1))
        except wasmtime.Trap as trap:
            frames = [re.match(r"^ +\d+: +(0x[0-9a-f]+) - (.+)$", line) for line in str(trap).splitlines()]
            # Without the trapping stand-in for jd_stop.
            results.append([(int(m.group(1), 16), m.group(2)) for m in frames if m and "stop!" not in m.group(2)])
    value, trace = results
    assert isinstance(value, int) and isinstance(trace, list)
    return value, trace


def listing_line(directory: Path, module: str, offset: int) -> int:
    """The line of ``module``'s listing that shows the instruction at ``offset``."""
    lines = (directory / f"{module}.wat.lst").read_text().splitlines()
    return next(number for number, text in enumerate(lines, 1) if text.lstrip().startswith(f"0x{offset:04x}:"))


def expected_frames(directory: Path, trace: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """(function, ``listing:line``) of each Wasm frame of the chain, innermost first."""
    out = []
    for offset, qualified in trace:
        module, function = qualified.split("!")
        out.append((function, f"{module}.wat.lst:{listing_line(directory, module, offset)}"))
    return out


def wasm_bt(output: str) -> list[tuple[int, str]]:
    """The frames of a plugin ``wasm bt``: (module offset, ``module!function``)."""
    return [(int(m.group(1), 16), m.group(2)) for m in re.finditer(r"^ +\d+: +(0x[0-9a-f]+) - (\S+?)(?:  \[#|$)",
                                                                     output, re.M)]


def check_native_bt(text: str, frame_pattern: str, name_format: str, expected: list[tuple[str, str]]) -> None:
    """The Wasm frames of a native ``bt`` are consecutive, right after ``jd_stop``, each with its listing line."""
    frames = [line for line in text.splitlines() if re.match(frame_pattern, line)]
    assert "jd_stop" in frames[0], text
    for frame, (function, line) in zip(frames[1:], expected, strict=False):
        assert name_format.format(function) in frame and line in frame, f"{function} {line}\n{text}"
    assert len(frames) > len(expected) + 1, text


def check_program_output(out: str, value: int) -> None:
    modules = DISTINCT + TWINS
    freed = len([name for name, _ in loads()[::2] if name not in CHAIN])
    assert "images before the first call: 0\n" in out, out
    assert out.count(f"result: {value}\n") == 1, out
    assert f"images: {math.ceil(modules / CAP)}\n" in out, out
    assert f"freed: {freed}\n" in out, out
    assert f"describing {modules - freed} modules\n" in out, out
    assert "freed code described: 0\n" in out, out
    assert "images at exit: 0\n" in out, out


def sections(out: str, marker: str) -> list[str]:
    return out.split(marker)[1:]


def test_gdb_sees_every_module_of_batched_images(tmp_path: Path) -> None:
    program = build(tmp_path)
    value, trace = wasmtime_chain(tmp_path)
    mark = "echo @@@\\n"
    argv = ["gdb", "-nx", "-batch", "-iex", f"source {GDB_PLUGIN}", "-ex", "set breakpoint pending on",
            "-ex", "break hop30", "-ex", "run", "-ex", mark, "-ex", "bt -no-filters", "-ex", "delete",
            "-ex", "break jd_stop", "-ex", "continue"]
    for _ in range(2):
        argv += ["-ex", mark, "-ex", "bt -no-filters", "-ex", mark, "-ex", "wasm bt", "-ex", "continue"]
    out = run([*argv, "--args", *program], timeout=300).stdout
    check_program_output(out, value)
    expected = expected_frames(tmp_path, trace)  # the listings the inferior wrote
    at_hop30, first_bt, first_wasm_bt, second_bt, second_wasm_bt = sections(out, "@@@\n")
    # The breakpoint set before run, on a module that had not run yet, stopped in that module.
    assert re.search(r"Breakpoint 1, hop30 \(depth=3\)", out.split("@@@")[0]), out
    assert re.match(r"#0 +hop30 \(depth=3\)", at_hop30), at_hop30
    for bt, plugin_bt in ((first_bt, first_wasm_bt), (second_bt, second_wasm_bt)):
        check_native_bt(bt, r"#\d+ ", " {} (", expected)
        assert wasm_bt(plugin_bt) == trace, plugin_bt
    assert "warning" not in out.lower(), out


def test_lldb_sees_every_module_of_batched_images(tmp_path: Path) -> None:
    program = build(tmp_path)
    value, trace = wasmtime_chain(tmp_path)
    argv = ["lldb-19", "-b", "-O", f"command script import {LLDB_PLUGIN}", "-o", "breakpoint set -n hop30",
            "-o", "run", "-o", "bt", "-o", "breakpoint delete -f", "-o", "breakpoint set -n jd_stop",
            "-o", "continue"]
    for _ in range(2):
        argv += ["-o", "bt", "-o", "wasm bt", "-o", "continue"]
    out = run([*argv, "-k", "quit 1", "--", *program], timeout=300).stdout
    check_program_output(out, value)
    expected = expected_frames(tmp_path, trace)  # the listings the inferior wrote
    at_hop30, first_bt, first_wasm_bt, second_bt, second_wasm_bt = [
        part.split("\n(lldb) ")[0] for part in re.split(r"\(lldb\) (?:bt|wasm bt)\n", out)[1:]]
    assert re.search(r"frame #0: .*`hop30\(depth=3\)", at_hop30), at_hop30
    for bt, plugin_bt in ((first_bt, first_wasm_bt), (second_bt, second_wasm_bt)):
        check_native_bt(bt, r"\s+\*? ?frame #\d+", "`{}(", expected)
        assert wasm_bt(plugin_bt) == trace, plugin_bt
    assert "exited with status = 0" in out, out
