"""Post-mortem core files: ``jitdebug run -D coredump=FILE`` (wasmtime's spelling; ``--core-dump FILE`` too) at a
trap 100 Wasm frames deep, at an uncaught Wasm exception and at a fatal signal in a host function called from
Wasm; an AOT host through ``jitdebug_trap_report`` with ``JITDEBUG_COREDUMP``. gdb 13 (``-c``) and lldb-19
(``-c``) open each core with the program: ``bt`` names every Wasm frame with its listing line and arguments,
``wasm bt`` lists all 100, each frame's locals are those of the trap, and ``wasm globals`` / ``wasm memory`` show
the instance's state. The state oracle is wasmtime, whose instance keeps its memory and globals after the trap.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import wasmtime

from tests.native_debug import SAMPLES, in_gdb, in_lldb, jitdebug_env, offsets_of, wasm_bt_frames
from tests.tools import ENV, ROOT, run

WAT = SAMPLES / "watch.wat"
DEPTH = 99  # fall(99): 100 Wasm frames, the innermost traps
RUNTIME = ROOT / "emitter" / "runtime"


def _wasmtime_state() -> tuple[int, int]:
    """(the i32 at address 128, global $counter) after fall(DEPTH) trapped, by wasmtime."""
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module.from_file(store.engine, str(WAT)), [])
    exports = instance.exports(store)
    fall, memory = exports["fall"], exports["memory"]
    assert isinstance(fall, wasmtime.Func) and isinstance(memory, wasmtime.Memory)
    try:
        fall(store, DEPTH)
    except wasmtime.Trap as trap:
        assert "integer divide by zero" in str(trap)
    else:
        raise AssertionError("fall did not trap under wasmtime")
    return int.from_bytes(memory.read(store, 128, 132), "little"), _counter_after_trap()


def _counter_after_trap() -> int:
    """$counter is set to the depth on entry of every level: the innermost, 0, wrote it last (read through an
    exported copy of the module, since the sample does not export the global)."""
    text = WAT.read_text().replace("(global $counter (mut i32)", '(global $counter (export "counter") (mut i32)')
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, text), [])
    fall, counter = instance.exports(store)["fall"], instance.exports(store)["counter"]
    assert isinstance(fall, wasmtime.Func) and isinstance(counter, wasmtime.Global)
    try:
        fall(store, DEPTH)
    except wasmtime.Trap:
        pass
    value = counter.value(store)
    assert isinstance(value, int)
    return value


def _jitdebug(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "emitter.cli", *map(str, args)], capture_output=True, text=True,
                          env={**ENV, **jitdebug_env(), **(env or {})}, timeout=120)


def _trap_core(tmp_path: Path, spelling: list[str]) -> tuple[Path, list[str | Path]]:
    core = tmp_path / "fall.core"
    program: list[str | Path] = ["jitdebug", "run", WAT, "--invoke", "fall", str(DEPTH)]
    result = _jitdebug("run", *spelling, WAT, "--invoke", "fall", str(DEPTH))
    assert result.returncode == 1, result.stderr
    # The usual trap report, then the core's name and size.
    assert "Caused by:\n    wasm trap: integer divide by zero\n" in result.stderr
    size = os.path.getsize(core)
    assert f"core dumped at {core} ({size} bytes)\n" in result.stderr, result.stderr
    assert not (tmp_path / "fall.core.partial").exists()
    return core, program


def _segments(core: Path) -> list[tuple[int, int, int]]:
    """(address, file size, memory size) of every PT_LOAD, by readelf."""
    text = run(["readelf", "-lW", core]).stdout
    assert "Elf file type is CORE" in text
    return [(int(m[1], 16), int(m[2], 16), int(m[3], 16))
            for m in re.finditer(r"^\s+LOAD\s+0x[0-9a-f]+ (0x[0-9a-f]+) 0x[0-9a-f]+ (0x[0-9a-f]+) (0x[0-9a-f]+)",
                                 text, re.MULTILINE)]


def test_trap_core_in_gdb_and_lldb(tmp_path: Path) -> None:
    core, program = _trap_core(tmp_path, ["-D", f"coredump={tmp_path / 'fall.core'}"])
    stored, counter = _wasmtime_state()
    divide = offsets_of(WAT, tmp_path, "i32.div_u")[0]
    call = offsets_of(WAT, tmp_path, "call")[-1]  # fall's call of itself
    # Small: no unused memory in the file. The linear memory reserves 4 GiB (it declares no maximum), all but its
    # page PROT_NONE: the core leaves that out entirely; zero pages of what it keeps have no file contents.
    segments = _segments(core)
    assert os.path.getsize(core) < 40 << 20
    assert max(m for _, _, m in segments) < 1 << 32
    assert sum(f for _, f, _ in segments) < sum(m for _, _, m in segments)

    gdb = in_gdb(["wasm bt", "bt full", "wasm globals", "wasm memory 128 4"], program, core=core)
    assert "Program terminated with signal SIGTRAP" in gdb, gdb
    frames = re.findall(r"^#(\d+) .*watchme!fall \[wasm (0x[0-9a-f]+)\] \(depth=(\d+)\) at watchme\.wat\.lst:\d+$",
                        gdb, re.MULTILINE)
    assert [int(d) for _, _, d in frames] == list(range(DEPTH + 1)), gdb
    assert int(frames[0][1], 16) == divide and all(int(o, 16) == call for _, o, _ in frames[1:]), gdb
    wasm = wasm_bt_frames(gdb)
    assert len(wasm) == DEPTH + 1 and f"{divide:#x} - watchme!fall" in wasm[0], gdb
    # Every frame's locals at the trap: the innermost loop ran to i = 10, acc = 0 + 1 + ... + 9; the 99 callers
    # never ran it.
    full = re.findall(r"watchme!fall \[wasm 0x[0-9a-f]+\] \(depth=(\d+)\) at .*\n\s+i = (\d+)\n\s+acc = (\d+)\n", gdb)
    assert full == [("0", "10", str(sum(range(10))))] + [(str(d), "0", "0") for d in range(1, DEPTH + 1)], gdb
    assert re.search(rf"^watchme +counter +i32 +yes +{counter} \({counter:#x}\)$", gdb, re.MULTILINE), gdb
    assert re.search(r"^watchme +scale +f64 +no +2\.5$", gdb, re.MULTILINE), gdb
    assert f"watchme+0x00000080:  {' '.join(f'{b:02x}' for b in stored.to_bytes(4, 'little'))}" in gdb, gdb

    every_frame = [c for n in range(2, DEPTH + 3) for c in (f"frame select {n}", "frame variable")]
    lldb = in_lldb(["bt", "wasm bt", "wasm globals", "wasm memory 128 4", *every_frame], program, core=core)
    frames = re.findall(r"frame #(\d+): 0x[0-9a-f]+ JIT\(0x[0-9a-f]+\)`fall\(depth=(\d+)\) at watchme\.wat\.lst:\d+",
                        lldb.split("(lldb) wasm bt")[0])
    assert [int(d) for _, d in frames] == list(range(DEPTH + 1)), lldb
    assert len(wasm_bt_frames(lldb)) == DEPTH + 1, lldb
    variables = re.findall(r"\(int\) depth = (\d+)\n\(int\) i = (\d+)\n\(int\) acc = (\d+)\n", lldb)
    assert variables == [("0", "10", str(sum(range(10))))] + [(str(d), "0", "0") for d in range(1, DEPTH + 1)], lldb
    assert re.search(rf"^watchme +counter +i32 +yes +{counter} \({counter:#x}\)$", lldb, re.MULTILINE), lldb
    assert f"watchme+0x00000080:  {' '.join(f'{b:02x}' for b in stored.to_bytes(4, 'little'))}" in lldb, lldb
    # Our commands print the same from the core in both debuggers.
    assert wasm_bt_frames(gdb) == wasm_bt_frames(lldb)


def test_core_dump_spelling_and_errors(tmp_path: Path) -> None:
    core, _ = _trap_core(tmp_path, ["--core-dump", str(tmp_path / "fall.core")])
    assert core.exists()
    missing = _jitdebug("run", "-D", f"coredump={tmp_path / 'no' / 'dir' / 'x.core'}", WAT, "--invoke", "fall", "1")
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr == (f"jitdebug: error: core file '{tmp_path / 'no' / 'dir' / 'x.core'}': directory "
                              f"'{tmp_path / 'no' / 'dir'}' does not exist\n")
    unknown = _jitdebug("run", "-D", "debug-info=y", WAT, "--invoke", "fall", "1")
    assert unknown.returncode == 2
    assert unknown.stderr == "jitdebug: error: unknown debug option -D 'debug-info=y' (supported: -D coredump=FILE)\n"


EXCEPTION = """(module $thrower
  (tag $oops (param i32))
  (func $inner (param $v i32) (local $w i32)
    (local.set $w (i32.mul (local.get $v) (i32.const 3)))
    (throw $oops (local.get $w)))
  (func $outer (export "boom") (param $v i32) (call $inner (local.get $v))))
"""
CRASH = """(module $crasher
  (import "host" "crash" (func $crash (param i32)))
  (func $outer (export "go") (param $n i32) (local $k i32)
    (local.set $k (i32.add (local.get $n) (i32.const 40)))
    (call $crash (local.get $k))))
"""


def test_uncaught_exception_and_fatal_signal(tmp_path: Path) -> None:
    wat = tmp_path / "exc.wat"
    wat.write_text(EXCEPTION)
    core = tmp_path / "exc.core"
    result = _jitdebug("run", "-D", f"coredump={core}", wat, "--invoke", "boom", "5")
    assert result.returncode == 1 and "thrown Wasm exception" in result.stderr and core.exists()
    gdb = in_gdb(["bt", "frame function inner", "info locals"], ["jitdebug", "run", wat, "--invoke", "boom", "5"],
                 core=core)
    assert re.search(r"thrower!inner \[wasm 0x[0-9a-f]+\] \(v=5\) at thrower\.wat\.lst:\d+", gdb), gdb
    assert re.search(r"thrower!outer \[wasm 0x[0-9a-f]+\] \(v=5\)", gdb), gdb
    assert "w = 15" in gdb, gdb
    lldb = in_lldb(["bt", "frame variable"], ["jitdebug", "run", wat, "--invoke", "boom", "5"], core=core)
    assert re.search(r"frame #\d+: .*`inner\(v=5\) at thrower\.wat\.lst:\d+", lldb), lldb
    assert re.search(r"frame #\d+: .*`outer\(v=5\) at thrower\.wat\.lst:\d+", lldb), lldb

    crash_wat = tmp_path / "crash.wat"
    crash_wat.write_text(CRASH)
    source = tmp_path / "crash.c"
    source.write_text("void crash(int v) { volatile int *p = 0; *p = v; }\n")
    library = tmp_path / "libcrash.so"
    run(["gcc", "-shared", "-fPIC", "-g", "-O0", "-o", library, source])
    core = tmp_path / "crash.core"
    result = _jitdebug("run", "-D", f"coredump={core}", crash_wat, "--library", library, "--invoke", "go", "2")
    assert result.returncode == -11, result  # the process still ends with its signal
    assert f"core dumped at {core}\n" in result.stderr and core.exists()
    program: list[str | Path] = ["jitdebug", "run", crash_wat, "--library", library, "--invoke", "go", "2"]
    gdb = in_gdb(["bt 3", "frame 1", "info locals"], program, core=core)
    assert "Program terminated with signal SIGSEGV" in gdb, gdb
    assert re.search(r"#0 .* crash \(v=42\) at .*crash\.c:1\n#1 .* crasher!outer \[wasm 0x[0-9a-f]+\] \(n=2\)",
                     gdb), gdb
    assert "k = 42" in gdb, gdb
    lldb = in_lldb(["bt 3", "frame select 1", "frame variable"], program, core=core)
    assert re.search(r"frame #1: .*`outer\(n=2\) at crasher\.wat\.lst:\d+", lldb), lldb
    assert "(int) k = 42" in lldb, lldb


def test_aot_core_through_the_trap_report(tmp_path: Path) -> None:
    from emitter.aot import compile_file

    obj = tmp_path / "watch.o"
    compile_file(WAT, obj)
    host = tmp_path / "host.c"
    host.write_text('#include <stdio.h>\n#include <stdlib.h>\n#include "jitdebug_eh.h"\nint32_t fall(int32_t);\n'
                    "void jitdebug_trap(int32_t code) {\n    char report[16384];\n"
                    "    jitdebug_trap_report(code, report, sizeof report);\n    fputs(report, stderr);\n"
                    "    exit(1);\n}\n"
                    f'int main(void) {{ printf("%d\\n", fall({DEPTH})); return 0; }}\n')
    program = tmp_path / "prog"
    run(["gcc", "-g", "-I", RUNTIME, "-o", program, host, obj, RUNTIME / "jitdebug_eh.c", RUNTIME / "jitdebug_core.c"])
    core = tmp_path / "aot.core"
    result = run([program], env={"JITDEBUG_COREDUMP": str(core)}, check=False)
    assert result.returncode == 1 and f"core dumped at {core}\n" in result.stderr, result
    assert os.path.getsize(core) < 1 << 20  # a C host: a fraction of a megabyte
    stored, counter = _wasmtime_state()
    gdb = in_gdb(["bt", "frame 10", "info locals", "wasm globals", "wasm memory 128 4"], [program], core=core)
    frames = re.findall(r"watchme!fall \[wasm 0x[0-9a-f]+\] \(depth=(\d+)\) at watch\.wat\.lst:\d+", gdb)
    assert [int(d) for d in frames] == list(range(DEPTH + 1)), gdb
    assert re.search(r"#\d+ .* main \(\) at .*host\.c:\d+", gdb), gdb
    assert re.search(rf"^watchme +counter +i32 +yes +{counter} ", gdb, re.MULTILINE), gdb
    assert f"watchme+0x00000080:  {' '.join(f'{b:02x}' for b in stored.to_bytes(4, 'little'))}" in gdb, gdb
    lldb = in_lldb(["bt", "wasm bt"], [program], core=core)
    assert len(re.findall(r"`fall\(depth=\d+\) at watch\.wat\.lst:\d+", lldb)) == DEPTH + 1, lldb
    assert len(wasm_bt_frames(lldb)) == DEPTH + 1, lldb
    # Without the variable, the same host writes nothing.
    quiet = run([program], check=False, env={"JITDEBUG_COREDUMP": ""})
    assert quiet.returncode == 1 and "core dumped" not in quiet.stderr


EMBEDDER = """import sys
from emitter.errors import TrapError
from emitter.jit import compile_wasm, set_core_dump

module = compile_wasm(sys.argv[1], listing_dir=sys.argv[2])
if len(sys.argv) > 3:
    set_core_dump(sys.argv[3])
with module.instantiate({}) as instance:
    try:
        instance.exports["fall"](int(sys.argv[4] if len(sys.argv) > 4 else 30))
    except TrapError:
        print("trapped")
"""


def test_embedder_switches(tmp_path: Path) -> None:
    """An embedder gets core files from the environment (no code change) or from ``set_core_dump``; a bad
    variable is one warning line, and the program runs on."""
    script = tmp_path / "embed.py"
    script.write_text(EMBEDDER)
    listing = tmp_path / "listing"
    listing.mkdir()
    core = tmp_path / "env.core"
    result = _jitdebug_script(script, WAT, listing, env={"JITDEBUG_COREDUMP": str(core)})
    assert result.stdout == "trapped\n" and core.exists(), result
    gdb = in_gdb(["bt"], [script, WAT, listing], core=core)
    assert len(re.findall(r"watchme!fall \[wasm 0x[0-9a-f]+\] \(depth=\d+\)", gdb)) == 31, gdb
    api = tmp_path / "api.core"
    result = _jitdebug_script(script, WAT, listing, api, "5")
    assert result.stdout == "trapped\n" and api.exists(), result
    bad = _jitdebug_script(script, WAT, listing, env={"JITDEBUG_COREDUMP": str(tmp_path / "no" / "x.core")})
    assert bad.stdout == "trapped\n"
    assert bad.stderr == (f"jitdebug: warning: JITDEBUG_COREDUMP: core file '{tmp_path / 'no' / 'x.core'}': "
                          f"directory '{tmp_path / 'no'}' does not exist; no core files\n")


def _jitdebug_script(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                          env={**ENV, **jitdebug_env(), **(env or {})}, timeout=120)
