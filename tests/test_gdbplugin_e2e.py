"""The GDB plugin in a real gdb: Wasm backtraces equal wasmtime's, breakpoints stop on the instruction the
listing names, stepping follows the listing, a corrupted JIT list costs a warning, not the session."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest
import wasmtime

from emitter.cli import main as cli_main
from emitter.debuggers import GDB_PLUGIN, gdb_command, inferior
from tests.plugin_programs import Program, build, elf_symbols, link_aot, link_jit
from tests.tools import ROOT, run

WAT = """(module $demo
 (func $leaf (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
 (func $mid (param i32) (result i32) local.get 0 i32.const 1 i32.add call $leaf)
 (func (param i32) (result i32) local.get 0 call $mid)
 (func (export "run") (result i32) i32.const 7 call 2))"""
EXPORTS = {3: "run"}
#: The same shape without the trap, so ``finish`` returns.
CALM_WAT = WAT.replace("i32.div_u", "i32.add")


def gdb(program: list[str | Path], *commands: str, env: dict[str, str] | None = None) -> str:
    argv: list[str | Path] = ["gdb", "-nx", "-batch", "-iex", f"source {GDB_PLUGIN}"]
    for command in commands:
        argv += ["-ex", command]
    proc = run([*argv, "--args", *program], timeout=60, env=env)
    return proc.stdout + proc.stderr


def wasm_bt(output: str) -> list[str]:
    return [line.split("  [#")[0] for line in output.splitlines() if re.match(r"^ +\d+: +0x[0-9a-f]+ - ", line)]


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


def jit(tmp_path: Path, wat: str = WAT) -> tuple[Program, list[str | Path], dict[str, int]]:
    program = build(tmp_path, wat, EXPORTS)
    image, host, entry = link_jit(tmp_path, program)
    symbols = {name: value for value, _size, name, _kind in elf_symbols(image)}
    return program, [host, image, f"{entry:x}"], symbols


def test_aot_trap_backtrace_equals_wasmtime(tmp_path: Path) -> None:
    program = build(tmp_path, WAT, EXPORTS)
    exe = link_aot(tmp_path, program)
    out = gdb([exe], "run", "wasm bt", "bt")
    assert "SIGFPE" in out
    assert wasm_bt(out) == wasmtime_bt(program)
    # Plain bt names the Wasm frames; the host frame keeps its own name.
    assert re.search(r"#0 .* in demo!leaf \[wasm 0x[0-9a-f]+\]", out), out
    assert re.search(r"#3 .* in demo!<wasm function 3> \[wasm", out), out
    assert re.search(r"#4 .* in main \(\)", out), out


def test_jit_trap_backtrace_equals_wasmtime(tmp_path: Path) -> None:
    program, command, _ = jit(tmp_path)
    out = gdb(command, "run", "wasm bt", "wasm bt 2", "wasm modules", "wasm functions mid")
    assert wasm_bt(out).count(wasmtime_bt(program)[0]) == 2
    assert wasm_bt(out)[:4] == wasmtime_bt(program)
    assert wasm_bt(out)[4:] == wasmtime_bt(program)[:2]
    assert re.search(r"^demo +4 +0x200001000-0x[0-9a-f]+ +\d+ +JIT image at 0x", out, re.M), out
    assert re.search(r"^demo!mid +1 +0x[0-9a-f]+-0x[0-9a-f]+ +\d+ +0x[0-9a-f]+ +mid$", out, re.M), out


def test_breakpoints_by_name_and_offset_stop_on_the_listed_instruction(tmp_path: Path) -> None:
    program, command, symbols = jit(tmp_path)
    mid = next(f for f in program.functions if f.name == "mid")
    add = next(i for i in mid.instrs if i.text == "i32.add")
    out = gdb(command, "wasm break mid", f"wasm break demo+{add.offset:#x}", "run", "print/x $pc", "continue",
              "print/x $pc", "wasm disas")
    pcs = [int(m, 16) for m in re.findall(r"^\$\d+ = (0x[0-9a-f]+)", out, re.M)]
    assert pcs == [program.address_of(mid.instrs[0].offset, symbols), program.address_of(add.offset, symbols)], out
    # The disassembly interleaves the listing: the current instruction follows its Wasm line.
    listing_line = next(line for line in program.listing.read_text().splitlines() if f"{add.offset:06x}:" in line)
    assert f"wasm {add.offset:#x}  " in out and listing_line.strip() in out
    assert re.search(rf"wasm {add.offset:#x} .*\n=> 0x", out), out


def test_step_next_finish_follow_the_listing(tmp_path: Path) -> None:
    program, command, _ = jit(tmp_path, CALM_WAT)
    mid = next(f for f in program.functions if f.name == "mid")
    leaf = next(f for f in program.functions if f.name == "leaf")
    out = gdb(command, "wasm break mid", "run", "wasm next", "wasm next", "wasm next", "wasm step", "wasm step",
              "wasm finish")
    offsets = [int(m, 16) for m in re.findall(r"in demo!\S+, wasm offset (0x[0-9a-f]+)", out)]
    assert offsets == [mid.instrs[1].offset, mid.instrs[2].offset, mid.instrs[3].offset,  # next x3 (to the call)
                       leaf.instrs[0].offset, leaf.instrs[1].offset,  # step into leaf, one more
                       mid.instrs[4].offset], out  # finish: back in mid, the call done
    assert "Run till exit from demo!leaf" in out


def test_corrupted_jit_list_warns_and_gdb_keeps_working(tmp_path: Path) -> None:
    _program, command, _ = jit(tmp_path)
    for mode in ("cycle", "wild", "size"):
        start = time.monotonic()
        out = gdb([*command, mode], "run", "python import time; t = time.monotonic()", "wasm modules", "wasm bt",
                  "python print('elapsed %.3f' % (time.monotonic() - t))", "print 6*7")
        assert time.monotonic() - start < 30
        assert "warning: " in out and "JIT code" in out, out
        elapsed = float(re.search(r"elapsed ([0-9.]+)", out)[1])  # type: ignore[index]
        assert elapsed < 1.0
        assert "$1 = 42" in out


def test_jitdebug_gdb_runs_python_programs_under_the_real_interpreter(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "hello.py"
    script.write_text("import sys\nprint('hello from', sys.prefix)\n")
    status = gdb_command(["-nx", "-batch", "-ex", "run", "-ex", "wasm modules", "--", sys.executable, str(script)])
    out = capfd.readouterr().out
    assert status == 0
    assert f"hello from {sys.prefix}" in out
    assert "No Wasm modules loaded." in out


JIT_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[2])
from emitter.errors import TrapError
from emitter.jit.api import compile_wasm

with compile_wasm(sys.argv[1]).instantiate({}) as instance:
    try:
        instance.exports["run"]()
    except TrapError as error:
        print(error)
"""


def test_real_jit_wasm_bt_at_the_trapping_instruction_equals_wasmtime(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    wat, script = tmp_path / "demo.wat", tmp_path / "host.py"
    wat.write_text(WAT)
    script.write_text(JIT_SCRIPT)
    program = build(tmp_path, WAT, EXPORTS)  # the same module, for wasmtime
    expected = wasmtime_bt(program)
    trap_offset = expected[0].split()[1]
    status = gdb_command(["-nx", "-batch", "-ex", f"wasm break demo+{trap_offset}", "-ex", "run", "-ex", "wasm bt",
                          "-ex", "bt 1", "--", sys.executable, str(script), str(wat), str(ROOT)])
    out = capfd.readouterr().out
    assert status == 0, out
    assert wasm_bt(out) == expected, out
    assert re.search(r"#0 .*demo!leaf \[wasm " + trap_offset, out), out


#: What the program throws: a value of every numeric type, negative integers and non-integral floats.
PAYLOAD = (("i32", "-7"), ("i64", "-1234567890123"), ("f32", "1.5"), ("f64", "-2.25"))
TYPED_WAT = f"""(module $typed
  (tag $mixed (param i32 i64 f32 f64))
  (func $thrower (param i32 i64 f32 f64)
    local.get 0 local.get 1 local.get 2 local.get 3 throw $mixed)
  (func (export "run") (result i32)
    try (result i32)
      {" ".join(f"{t}.const {v}" for t, v in PAYLOAD)}
      call $thrower
      i32.const 0
    catch $mixed
      drop drop drop
    end))"""
TYPED_HOST = """#include <stdint.h>
#include <stdio.h>
int32_t run(void);
int main(void) { printf("run: %d\\n", run()); return 0; }
"""


@pytest.mark.parametrize("kind", ["aot", "jit"])
def test_catchpoints_print_the_payload_by_the_tag_parameter_types(tmp_path: Path, kind: str) -> None:
    """``wasm catch throw|catch``: the payload shows each value the program throws by its type (the tag table in
    the metadata), not as raw 64-bit words."""
    wat = tmp_path / "typed.wat"
    wat.write_text(TYPED_WAT)
    env: dict[str, str] | None = None
    if kind == "jit":
        command, env = inferior(["jitdebug", "run", str(wat), "--invoke", "run"])
        program: list[str | Path] = list(command)
    else:
        obj, host, exe = tmp_path / "typed.o", tmp_path / "host.c", tmp_path / "typed"
        assert cli_main(["compile", str(wat), "-o", str(obj)]) == 0
        host.write_text(TYPED_HOST)
        runtime = ROOT / "emitter" / "runtime"
        run(["gcc", "-g", "-I", runtime, host, obj, runtime / "jitdebug_eh.c", "-o", exe])
        program = [exe]
    out = gdb(program, "wasm catch throw", "wasm catch catch", "run", "continue", "continue", env=env)
    payload = "payload [" + ", ".join(f"{t} {v}" for t, v in PAYLOAD) + "]"
    reports = [line for line in out.splitlines() if line.startswith("Wasm exception ")]
    assert len(reports) == 2, out
    assert re.fullmatch(r"Wasm exception thrown in typed!thrower, wasm offset 0x[0-9a-f]+: tag typed\.tag0 "
                        rf"\(index 0\), {re.escape(payload)}; it will be caught in typed!<wasm function 1> "
                        r"\(frame #2\)", reports[0]), out
    assert reports[1] == f"Wasm exception caught at a landing pad: tag typed.tag0 (index 0), {payload}", out
    # The catch block returns the i32 it caught: the program agrees with the catchpoint.
    assert re.search(r"^(run: )?-7$", out, re.M), out
