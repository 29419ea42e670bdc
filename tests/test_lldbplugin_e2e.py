"""The LLDB plugin in a real lldb-19, driven by the same scenario table as gdb: every ``wasm`` command prints
exactly what it prints in GDB, on JIT-registered and AOT-linked programs; backtraces equal wasmtime's, breakpoints
(also set before the program runs) stop on the instruction the listing names, stepping follows the listing, Wasm
exceptions stop catchpoints at the throw and at the catching landing pad, and steps follow a throw to that pad.

Each debugger runs a small driver in its own Python (gdb: ``gdb.execute(..., to_string=True)``; lldb: the SB API
from a child of the test process) that records every command's output and error as JSON.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import wasmtime

from emitter.cli import main as cli_main
from emitter.debuggers import GDB_PLUGIN, LLDB_PLUGIN, inferior, lldb_command
from tests.plugin_programs import Program, build, link_aot, link_jit
from tests.tools import ROOT, run, tool

RUNTIME = ROOT / "emitter" / "runtime"

WAT = """(module $demo
 (func $leaf (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
 (func $mid (param i32) (result i32) local.get 0 i32.const 1 i32.add call $leaf)
 (func (param i32) (result i32) local.get 0 call $mid)
 (func (export "run") (result i32) i32.const 7 call 2))"""
EXPORTS = {3: "run"}
#: The same shape without the trap, so ``finish`` returns.
CALM_WAT = WAT.replace("i32.div_u", "i32.add")

GDB_DRIVER = """
import json, time, gdb
commands, result = json.load(open(DRIVER_ARGS))
out = []
for command in commands:
    start = time.monotonic()
    try:
        text, error = gdb.execute(command, to_string=True), None
    except gdb.error as failure:
        text, error = "", str(failure)
    out.append({"command": command, "output": text, "error": error, "seconds": time.monotonic() - start})
json.dump(out, open(result, "w"))
"""

LLDB_DRIVER = """
import json, sys, time
import lldb
commands, result = json.load(open(sys.argv[1]))
program = sys.argv[2:]
debugger = lldb.SBDebugger.Create(False)
debugger.SetAsync(False)
interpreter = debugger.GetCommandInterpreter()

def do(command):
    ret = lldb.SBCommandReturnObject()
    interpreter.HandleCommand(command, ret)
    return ret

# What the debugger prints outside command results (the stop hook's catchpoint reports) goes to a file, read
# after each command.
notes = open(result + ".notes", "w")
debugger.SetOutputFile(lldb.SBFile.Create(notes, borrow=True))
seen = 0

def new_notes():
    global seen
    debugger.GetOutputFile().Flush()
    notes.flush()
    text = open(result + ".notes").read()
    text, seen = text[seen:], len(text)
    return text

setups = ["command script import " + PLUGIN, "target create " + program[0]]
for setup in setups + (["settings set -- target.run-args " + " ".join(program[1:])] if program[1:] else []):
    ret = do(setup)
    if not ret.Succeeded():
        raise SystemExit(setup + ": " + ret.GetError())
out = []
for command in commands:
    start = time.monotonic()
    ret = do(command)
    error = ret.GetError()
    out.append({"command": command, "output": ret.GetOutput(), "seconds": time.monotonic() - start,
                "notes": new_notes(),
                "error": None if ret.Succeeded() else error.removeprefix("error: ").strip(),
                "warnings": [line.removeprefix("warning: ") for line in error.splitlines()
                             if line.startswith("warning: ")]})
json.dump(out, open(result, "w"))
debugger.GetSelectedTarget().GetProcess().Kill()
"""


@dataclass(frozen=True)
class Step:
    command: str
    output: str
    error: str | None
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    #: What the debugger printed outside the command's result during it (LLDB: stop hook output).
    notes: str = ""

    @property
    def exception_reports(self) -> list[str]:
        """The catchpoint reports printed at the stop this command led to."""
        return [line for line in (self.output + self.notes).splitlines() if line.startswith("Wasm exception ")]


def lldb_env() -> dict[str, str]:
    """What the README set-up documents for ``import lldb`` from a Python outside lldb."""
    return {"PYTHONPATH": run([tool("lldb-19"), "-P"]).stdout.strip(),
            "LLDB_DEBUGSERVER_PATH": str(Path(tool("lldb-server-19")).resolve())}


def _steps(result: Path) -> list[Step]:
    return [Step(s["command"], s["output"], s["error"], tuple(s.get("warnings", ())), s["seconds"],
                 s.get("notes", "")) for s in json.loads(result.read_text())]


def in_gdb(tmp: Path, program: list[str | Path], commands: list[str], env: dict[str, str] | None = None
           ) -> list[Step]:
    args, result, driver = tmp / "gdb_args.json", tmp / "gdb_result.json", tmp / "gdb_driver.py"
    args.write_text(json.dumps([commands, str(result)]))
    driver.write_text(f"DRIVER_ARGS = {str(args)!r}\n" + GDB_DRIVER)
    run(["gdb", "-nx", "-batch", "-iex", f"source {GDB_PLUGIN}", "-x", driver, "--args", *program], timeout=120,
        env=env)
    return _steps(result)


def in_lldb(tmp: Path, program: list[str | Path], commands: list[str], env: dict[str, str] | None = None
            ) -> list[Step]:
    args, result, driver = tmp / "lldb_args.json", tmp / "lldb_result.json", tmp / "lldb_driver.py"
    args.write_text(json.dumps([commands, str(result)]))
    driver.write_text(f"PLUGIN = {str(LLDB_PLUGIN)!r}\n" + LLDB_DRIVER)
    lldb = lldb_env()
    # LLDB passes its environment to the program: the program's import path goes after LLDB's own.
    extra = {k: v for k, v in (env or {}).items() if k != "PYTHONPATH"}
    if env and "PYTHONPATH" in env:
        extra["PYTHONPATH"] = os.pathsep.join((lldb["PYTHONPATH"], env["PYTHONPATH"]))
    run([sys.executable, driver, args, *program], env={**lldb, **extra}, timeout=120)
    return _steps(result)


def wasmtime_bt(program: Program) -> list[str]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module.from_file(engine, str(program.wasm)), [])
    run_export = instance.exports(store)["run"]
    assert isinstance(run_export, wasmtime.Func)
    try:
        run_export(store)
    except wasmtime.Trap as trap:
        return [line for line in str(trap).splitlines() if " - " in line]
    raise AssertionError("the program did not trap under wasmtime")


def wasm_bt(output: str) -> list[str]:
    return [line.split("  [#")[0] for line in output.splitlines() if re.match(r"^ +\d+: +0x[0-9a-f]+ - ", line)]


def program_for(tmp: Path, kind: str, wat: str, exports: dict[int, str] | None = None
                ) -> tuple[Program, list[str | Path]]:
    program = build(tmp, wat, exports or EXPORTS)
    if kind == "aot":
        return program, [link_aot(tmp, program)]
    image, host, entry = link_jit(tmp, program)
    return program, [host, image, f"{entry:x}"]


#: Lines the debuggers print themselves, not the plugin (GDB announces the breakpoints the plugin creates).
NATIVE_CHATTER = (re.compile(r"^Breakpoint \d+ at 0x[0-9a-f]+(: file .*, line \d+\.)?$"),)


def plugin_text(output: str) -> str:
    return "".join(line for line in output.splitlines(keepends=True)
                   if not any(p.match(line.rstrip("\n")) for p in NATIVE_CHATTER))


def _within_page(text: str) -> str:
    """Native addresses reduced to their offset in a page: ``0x00007ffff72a6026`` reads ``0x…026``."""
    return re.sub(r"0x[0-9a-f]{9,16}", lambda m: f"0x…{int(m[0], 16) & 0xFFF:03x}", text)


def both(tmp: Path, argv: list[str | Path], commands: list[str], env: dict[str, str] | None = None
         ) -> tuple[list[Step], list[Step]]:
    """Run the scenario in gdb and lldb; every ``wasm`` command must print the same in both, and so must the
    catchpoint reports at every stop. Returns the steps of gdb and of lldb.

    Native addresses are compared too, so both processes must lay out memory alike: the compile cache is off
    (a run that compiles and one that reads the cache allocate differently, and the JIT code lands elsewhere).
    A C host lays out memory the same way under both debuggers; a Python inferior (``python -m emitter.cli
    run``) does not always (where the interpreter's allocator puts the JIT code depends on its history, and the
    two debuggers start it differently), so there addresses are compared within their page."""
    env = {**(env or {}), "JITDEBUG_CACHE": "0"}
    gdb_steps, lldb_steps = in_gdb(tmp, argv, commands, env), in_lldb(tmp, argv, commands, env)
    same = _within_page if "-m" in map(str, argv) else (lambda text: text)
    for g, ll in zip(gdb_steps, lldb_steps, strict=True):
        if g.command.startswith("wasm "):
            assert (same(ll.output), ll.error) == (same(plugin_text(g.output)), g.error), (
                f"{g.command!r} differs\n--- gdb\n{g.output}{g.error or ''}\n--- lldb\n{ll.output}{ll.error or ''}")
        assert g.exception_reports == ll.exception_reports, (g, ll)
    return gdb_steps, lldb_steps


def outputs(steps: list[Step], command: str) -> list[str]:
    return [s.output for s in steps if s.command == command]


def marker_offset(disas: str) -> int:
    """The function-relative offset of the ``=>`` (current instruction) line of ``wasm disas``."""
    found = re.search(r"^=> 0x[0-9a-f]+ <\+(\d+)>", disas, re.M)
    assert found, disas
    return int(found[1])


# -- the scenario table: each runs on both program kinds, in both debuggers ------------------------------------
KINDS = ("jit", "aot")


@pytest.mark.parametrize("kind", KINDS)
def test_trap_backtrace_modules_functions_disas(tmp_path: Path, kind: str) -> None:
    commands = ["wasm bt", "wasm modules", "run", "wasm bt", "wasm bt 2", "wasm modules", "wasm functions",
                "wasm functions ^demo!m", "wasm disas", "wasm disas mid", "wasm bt x", "wasm disas nosuch"]
    program, argv = program_for(tmp_path, kind, WAT)
    _gdb, steps = both(tmp_path, argv, commands)
    assert steps[0].output == "No Wasm frames.\n"
    expected = wasmtime_bt(program)
    bt, bt2 = outputs(steps, "wasm bt")[1], outputs(steps, "wasm bt 2")[0]
    assert wasm_bt(bt) == expected and wasm_bt(bt2) == expected[:2], bt
    # Each Wasm frame names the debugger frame to select (the trap is frame 0, the host frame follows them).
    assert [int(n) for n in re.findall(r"\[#(\d+)\]", bt)] == [0, 1, 2, 3]
    modules = outputs(steps, "wasm modules")[1]
    origin = "JIT image at 0x[0-9a-f]+" if kind == "jit" else re.escape(str(argv[0]))
    assert re.search(rf"^demo +4 +0x[0-9a-f]+-0x[0-9a-f]+ +\d+ +{origin}$", modules, re.M), modules
    functions = outputs(steps, "wasm functions")[0]
    assert [line.split()[0] for line in functions.splitlines()[1:]] == [
        "demo!leaf", "demo!mid", "demo!<wasm", "demo!<wasm"], functions
    assert [line.split()[0] for line in outputs(steps, "wasm functions ^demo!m")[0].splitlines()[1:]] == ["demo!mid"]
    # The current instruction is the division, under its listing line.
    leaf = next(f for f in program.functions if f.name == "leaf")
    division = next(i for i in leaf.instrs if i.text == "i32.div_u")
    disas = outputs(steps, "wasm disas")[0]
    assert re.search(rf"wasm {division.offset:#x}  {division.line}: .*i32\.div_u\n(   .*\n)*=> .*\tdiv\t", disas), disas
    assert marker_offset(disas) > program.code_of[division.offset][1]
    assert outputs(steps, "wasm disas mid")[0].startswith("Wasm function demo!mid (index 1, body at ")
    errors = {s.command: s.error for s in steps if s.error}
    assert set(errors) == {"wasm bt x", "wasm disas nosuch"}, errors
    assert errors["wasm bt x"] == "usage: wasm bt [N], not 'x'"


@pytest.mark.parametrize("kind", KINDS)
def test_breakpoints_by_name_and_offset_stop_on_the_listed_instruction(tmp_path: Path, kind: str) -> None:
    program, argv = program_for(tmp_path, kind, WAT)
    mid = next(f for f in program.functions if f.name == "mid")
    add = next(i for i in mid.instrs if i.text == "i32.add")
    # Set once the program runs (before it: test_breakpoints_set_before_run_stop_there).
    commands = ["tbreak main", "run", "wasm break mid", f"wasm break demo+{add.offset:#x}", "continue", "wasm disas",
                "wasm bt 1", "continue", "wasm disas", "wasm bt 1", "wasm break", "wasm break nosuch!x"]
    _gdb, steps = both(tmp_path, argv, commands)
    first, second = outputs(steps, "wasm disas")
    assert marker_offset(first) == program.code_of[mid.instrs[0].offset][1]
    assert marker_offset(second) == program.code_of[add.offset][1]
    assert [wasm_bt(o) for o in outputs(steps, "wasm bt 1")] == [
        [f"    0: {mid.instrs[0].offset:#8x} - demo!mid"], [f"    0: {add.offset:#8x} - demo!mid"]]
    assert steps[-2].error and steps[-2].error.startswith("usage: wasm break")
    assert steps[-1].output == "Wasm breakpoint 3 (nosuch!x) pending.\n"


@pytest.mark.parametrize("kind", KINDS)
def test_step_next_finish_follow_the_listing(tmp_path: Path, kind: str) -> None:
    commands = ["tbreak main", "run", "wasm break mid", "continue", "wasm next", "wasm next", "wasm next",
                "wasm step", "wasm step", "wasm finish", "wasm next"]
    program, argv = program_for(tmp_path, kind, CALM_WAT)
    _gdb, steps = both(tmp_path, argv, commands)
    mid = next(f for f in program.functions if f.name == "mid")
    leaf = next(f for f in program.functions if f.name == "leaf")
    text = "".join(s.output for s in steps if s.command.startswith("wasm "))
    offsets = [int(m, 16) for m in re.findall(r"in demo!\S+, wasm offset (0x[0-9a-f]+)", text)]
    assert offsets == [mid.instrs[1].offset, mid.instrs[2].offset, mid.instrs[3].offset,  # next x3 (to the call)
                       leaf.instrs[0].offset, leaf.instrs[1].offset,  # step into leaf, one more
                       mid.instrs[4].offset,  # finish: back in mid, the call done
                       ], text
    assert "Run till exit from demo!leaf" in text
    # Stepping past mid's end leaves for the caller's next instruction.
    assert re.search(r"in demo!<wasm function 2>, wasm offset", steps[-1].output), steps[-1].output


@pytest.mark.parametrize("kind", KINDS)
def test_breakpoints_set_before_run_stop_there(tmp_path: Path, kind: str) -> None:
    program, argv = program_for(tmp_path, kind, WAT)
    mid = next(f for f in program.functions if f.name == "mid")
    add = next(i for i in mid.instrs if i.text == "i32.add")
    commands = ["wasm break mid", f"wasm break demo+{add.offset:#x}", "run", "wasm bt 1", "wasm disas", "continue",
                "wasm bt 1"]
    _gdb, steps = both(tmp_path, argv, commands)
    # AOT: placed at once, at the link-time address (a position-independent executable moves when it loads; the
    # debugger moves the breakpoint with it); JIT: pending until the image registers.
    placed = {"aot": r"Wasm breakpoint 1 at 0x[0-9a-f]+: demo!mid, wasm ", "jit": r"Wasm breakpoint 1 \(mid\) pending"}
    assert re.match(placed[kind], steps[0].output), steps
    assert [wasm_bt(o) for o in outputs(steps, "wasm bt 1")] == [
        [f"    0: {mid.instrs[0].offset:#8x} - demo!mid"], [f"    0: {add.offset:#8x} - demo!mid"]], steps
    assert marker_offset(steps[4].output) == program.code_of[mid.instrs[0].offset][1]


# -- exceptions: programs from our compiler, thrown and caught through the exception runtime ---------------------
#: The legacy try/catch form, which wabt decodes (its offsets are the oracle). ``selfcatch`` catches its own
#: throw; ``run`` catches the one ``middle`` lets through.
EH_WAT = """(module $eh
  (tag $boom (param i32))
  (func $thrower (param i32) local.get 0 throw $boom)
  (func $middle (param i32) (result i32) local.get 0 call $thrower i32.const 5)
  (func $selfcatch (result i32)
    try (result i32)
      i32.const 9
      call $thrower
      i32.const 0
    catch $boom
    end)
  (func (export "run") (result i32)
    call $selfcatch
    drop
    try (result i32)
      i32.const 42
      call $middle
    catch $boom
      i32.const 1
      i32.add
    end))"""
EH_HOST = """#include <stdint.h>
#include <stdio.h>
int32_t run(void);
int main(void) { printf("run: %d\\n", run()); return 0; }
"""


@dataclass(frozen=True)
class EhProgram:
    argv: list[str | Path]
    env: dict[str, str]
    #: (function, instruction text) -> Wasm offset, from ``wasm-objdump -d``.
    offsets: dict[tuple[str, str], int]


def eh_program(tmp: Path, kind: str) -> EhProgram:
    wat, wasm = tmp / "eh.wat", tmp / "eh.wasm"
    wat.write_text(EH_WAT)
    run(["wat2wasm", "--enable-exceptions", "--debug-names", wat, "-o", wasm])
    offsets: dict[tuple[str, str], int] = {}
    function = ""
    for line in run(["wasm-objdump", "-d", wasm]).stdout.splitlines():
        if found := re.match(r"^[0-9a-f]+ func\[\d+\] <(.*)>:", line):
            function = found[1]
        elif found := re.match(r"^ ([0-9a-f]+):.*\| +(.*?)(?: <.*>)?$", line):
            offsets.setdefault((function, found[2]), int(found[1], 16))
    if kind == "jit":
        command, env = inferior(["jitdebug", "run", str(wat), "--invoke", "run"])
        return EhProgram(list(command), env, offsets)
    obj, host, exe = tmp / "eh.o", tmp / "eh_host.c", tmp / "eh_aot"
    assert cli_main(["compile", str(wat), "-o", str(obj)]) == 0
    host.write_text(EH_HOST)
    run(["gcc", "-g", "-I", RUNTIME, host, obj, RUNTIME / "jitdebug_eh.c", "-o", exe])
    return EhProgram([exe], {}, offsets)


@pytest.mark.parametrize("kind", KINDS)
def test_catchpoints_stop_at_the_throw_and_at_the_catching_landing_pad(tmp_path: Path, kind: str) -> None:
    eh = eh_program(tmp_path, kind)
    commands = ["wasm catch throw", "wasm catch catch", "run", "wasm bt", "continue", "wasm bt 1", "continue",
                "wasm bt", "continue", "wasm bt 1", "continue", "wasm catch nothing"]
    _gdb, steps = both(tmp_path, eh.argv, commands, eh.env)
    at = eh.offsets
    reports = [(s.command, s.exception_reports) for s in steps if s.exception_reports]
    thrown = ("Wasm exception thrown in eh!thrower, wasm offset {:#x}: tag eh.tag0 (index 0), payload [{}]; "
              "it will be caught in {} (frame #{})")
    caught = "Wasm exception caught at a landing pad: tag eh.tag0 (index 0), payload [{}]"
    # The payloads by the tag's type: EH_WAT throws ``i32.const 9`` (selfcatch), then ``i32.const 42`` (run).
    assert reports == [
        ("run", [thrown.format(at["thrower", "throw 0"], "i32 9", "eh!selfcatch", 2)]),
        ("continue", [caught.format("i32 9")]),
        ("continue", [thrown.format(at["thrower", "throw 0"], "i32 42", "eh!<wasm function 3>", 3)]),
        ("continue", [caught.format("i32 42")])], reports
    # At the throws, the Wasm stack is the throwing chain; at the pads, the catching frame is on top, at its try.
    first_throw, second_throw = outputs(steps, "wasm bt")
    assert wasm_bt(first_throw) == [f"    0: {at['thrower', 'throw 0']:#8x} - eh!thrower",
                                    f"    1: {at['selfcatch', 'call 0']:#8x} - eh!selfcatch",
                                    f"    2: {at['run', 'call 2']:#8x} - eh!<wasm function 3>"], first_throw
    assert [line.split(" - ")[1] for line in wasm_bt(second_throw)] == ["eh!thrower", "eh!middle",
                                                                      "eh!<wasm function 3>"]
    assert [wasm_bt(o) for o in outputs(steps, "wasm bt 1")] == [
        [f"    0: {at['selfcatch', 'try i32']:#8x} - eh!selfcatch"],
        [f"    0: {at['run', 'try i32']:#8x} - eh!<wasm function 3>"]]
    assert steps[-1].error == "usage: wasm catch throw | catch"


def landing(function: str, frame: int, offset: int) -> str:
    return rf"^Stopped at landing pad of eh!{re.escape(function)} in frame #{frame} \(exception caught\)\n" \
           rf"0x[0-9a-f]+ in eh!{re.escape(function)}, wasm offset {offset:#x}\n"


@pytest.mark.parametrize("kind", KINDS)
def test_next_over_a_throwing_call_lands_at_the_landing_pad(tmp_path: Path, kind: str) -> None:
    eh = eh_program(tmp_path, kind)
    at = eh.offsets
    commands = [f"wasm break eh+{at['run', 'call 2']:#x}", f"wasm break eh+{at['run', 'call 1']:#x}", "run",
                "wasm next", "continue", "wasm next", "wasm next"]
    _gdb, steps = both(tmp_path, eh.argv, commands, eh.env)
    over_selfcatch, over_middle, after_pad = outputs(steps, "wasm next")
    # selfcatch catches its own exception: the step goes on to the next instruction that has code (``drop`` and
    # ``try`` have none), not into selfcatch's pad.
    assert re.match(rf"0x[0-9a-f]+ in eh!<wasm function 3>, wasm offset {at['run', 'i32.const 42']:#x}\n",
                    over_selfcatch), over_selfcatch
    assert re.match(landing("<wasm function 3>", 0, at["run", "try i32"]), over_middle), over_middle
    # From the pad on, stepping enters the catch block.
    assert re.match(rf"0x[0-9a-f]+ in eh!<wasm function 3>, wasm offset {at['run', 'catch 0']:#x}\n", after_pad)


@pytest.mark.parametrize("kind", KINDS)
def test_step_from_a_throw_and_finish_land_at_the_landing_pad_of_the_catching_frame(tmp_path: Path,
                                                                                      kind: str) -> None:
    eh = eh_program(tmp_path, kind)
    at = eh.offsets
    commands = ["wasm break thrower", "run", "wasm next", "wasm step", "wasm bt 1", "continue", "wasm finish",
                "wasm bt 1"]
    _gdb, steps = both(tmp_path, eh.argv, commands, eh.env)
    assert f"wasm offset {at['thrower', 'throw 0']:#x}\n" in outputs(steps, "wasm next")[0]
    # The throw in thrower (frame #0), called by selfcatch (#1), which catches it.
    step = outputs(steps, "wasm step")[0]
    assert re.match(landing("selfcatch", 1, at["selfcatch", "try i32"]), step), step
    # finish from thrower, called by middle, called by run (#2), which catches it.
    finish = outputs(steps, "wasm finish")[0]
    assert re.match(landing("<wasm function 3>", 2, at["run", "try i32"]), finish), finish
    assert [wasm_bt(o) for o in outputs(steps, "wasm bt 1")] == [
        [f"    0: {at['selfcatch', 'try i32']:#8x} - eh!selfcatch"],
        [f"    0: {at['run', 'try i32']:#8x} - eh!<wasm function 3>"]]


# -- LLDB only -------------------------------------------------------------------------------------------------
def test_corrupted_jit_list_warns_and_lldb_keeps_working(tmp_path: Path) -> None:
    _program, argv = program_for(tmp_path, "jit", WAT)
    for mode in ("cycle", "wild", "size"):
        start = time.monotonic()
        steps = in_lldb(tmp_path, [*argv, mode], ["run", "wasm modules", "wasm bt", "expression 6*7"])
        assert time.monotonic() - start < 30
        warnings = [w for s in steps for w in s.warnings]
        assert any("JIT code" in w for w in warnings), steps
        assert "42" in steps[-1].output


def test_plugin_turns_the_jit_loader_on_and_says_so(tmp_path: Path) -> None:
    _program, argv = program_for(tmp_path, "jit", WAT)
    out = run(["lldb-19", "-b", "-o", "settings set plugin.jit-loader.gdb.enable off",
               "-o", f"command script import {LLDB_PLUGIN}", "-o", "settings show plugin.jit-loader.gdb.enable",
               "-o", "run", "-k", "bt", "-k", "quit 0", "--", *argv], timeout=120).stdout
    assert "jitdebug: set plugin.jit-loader.gdb.enable to on (was off)" in out, out
    assert "plugin.jit-loader.gdb.enable (enum) = on" in out, out
    # LLDB read the registered image: its native backtrace names the JIT functions.
    backtrace = out.split("(lldb) bt\n")[1]
    assert re.search(r"frame #0: 0x[0-9a-f]+ JIT\(0x[0-9a-f]+\)`leaf \+ \d+", backtrace), backtrace
    assert re.search(r"frame #1: 0x[0-9a-f]+ JIT\(0x[0-9a-f]+\)`mid \+ \d+", backtrace), backtrace


def test_jitdebug_lldb_loads_the_plugin_in_batch_mode(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    program, argv = program_for(tmp_path, "aot", WAT)
    status = lldb_command(["-b", "-o", "run", "-k", "wasm bt", "-k", "quit 0", "--", *map(str, argv)])
    out = capfd.readouterr().out
    assert status == 0
    assert wasm_bt(out) == wasmtime_bt(program), out


def test_jitdebug_lldb_runs_python_programs_under_the_real_interpreter(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "hello.py"
    script.write_text("import sys\nprint('hello from', sys.prefix)\n")
    status = lldb_command(["-b", "-o", "run", "-o", "wasm modules", "--", sys.executable, str(script)])
    out = capfd.readouterr().out
    assert status == 0
    assert f"hello from {sys.prefix}" in out
    assert "No Wasm modules loaded." in out
