"""``wasm watch`` in gdb 13 and lldb-19: a hardware watchpoint on linear memory stops at the Wasm instruction that
wrote it, 51 Wasm frames deep in a JIT program (``jitdebug run``) and in an AOT program, with the old and new
value and the listing line; the report is the same in both debuggers. Also: read and access watchpoints, the
listing and deletion, the hardware slots running out (refused, no software fallback), bad arguments, and plain
``watch`` on a C variable that lives in linear memory (producer DWARF translated).

Oracles: the instruction offsets come from wabt's disassembly, the values from wasmtime running the same module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wasmtime

from emitter.aot import compile_file
from tests.native_debug import SAMPLES, in_gdb, in_lldb, offsets_of, wasm_bt_frames
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

WAT = SAMPLES / "watch.wat"
DEPTH = 50


def _stored_value() -> int:
    """What descend stores at address 64, by wasmtime."""
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module.from_file(store.engine, str(WAT)), [])
    descend = instance.exports(store)["descend"]
    memory = instance.exports(store)["memory"]
    assert isinstance(descend, wasmtime.Func) and isinstance(memory, wasmtime.Memory)
    descend(store, DEPTH)
    return int.from_bytes(memory.read(store, 64, 68), "little")


def _aot_program(tmp_path: Path) -> Path:
    obj = tmp_path / "watch.o"
    compile_file(WAT, obj)
    host = tmp_path / "host.c"
    host.write_text("#include <stdio.h>\n#include <stdint.h>\nint32_t descend(int32_t);\n"
                    f"int main(void) {{ printf(\"%d\\n\", descend({DEPTH})); return 0; }}\n")
    program = tmp_path / "prog"
    run(["gcc", "-g", "-o", program, host, obj])
    return program


def _jit_program() -> list[str | Path]:
    return ["jitdebug", "run", WAT, "--invoke", "descend", str(DEPTH)]


COMMANDS = ["wasm watch 64", "wasm watch watchme+68 4 read", "wasm watch -l 0x40 2 access", "wasm watch",
            "continue", "wasm bt", "continue", "wasm watch delete 1", "wasm watch", "continue"]


def _gdb(program: list[str | Path]) -> str:
    return in_gdb(["set breakpoint pending on", "wasm break descend", "run", "delete", *COMMANDS], program)


def _lldb(program: list[str | Path]) -> str:
    return in_lldb(["wasm break descend", "run", "breakpoint delete -f", *COMMANDS], program)


def _reports(transcript: str) -> list[str]:
    """Our lines: the watchpoint reports, the table, the confirmations, without the debuggers' own."""
    ours = []
    for line in transcript.splitlines():
        if re.match(r"(Wasm watchpoint|Old value =|New value =|Value =|Accessed by|Num  Where|\d+ +watchme\+|"
                    r"Deleted Wasm|\s+\d+  0x[0-9a-f]{4}:)", line):
            ours.append(re.sub(r"0x[0-9a-f]{9,}", "NATIVE", line))
    return ours


def _check(transcript: str, tmp_path: Path) -> None:
    store, load = offsets_of(WAT, tmp_path, "i32.store")[0], offsets_of(WAT, tmp_path, "i32.load")[0]
    value = _stored_value()
    reports = "\n".join(_reports(transcript))
    first_stop = ("Wasm watchpoint 1: watchme+0x40 (4 bytes, write)\n"
                  "Old value = 0 (0x0)\n"
                  f"New value = {value} ({value:#x})\n"
                  "Wasm watchpoint 3: watchme+0x40 (2 bytes, access)\n"
                  "Old value = 0 (0x0)\n"
                  f"New value = {value} ({value:#x})\n"
                  f"Accessed by watchme!descend, wasm offset {store:#x}\n")
    assert first_stop in reports, transcript
    assert re.search(rf"^\s+\d+  {store:#06x}:\s+i32.store$", reports, re.MULTILINE), transcript
    # The load of address 64 stops the access watchpoint only; the read watchpoint on 68 never stops (68 is
    # only written).
    assert (f"Wasm watchpoint 3: watchme+0x40 (2 bytes, access)\nValue = {value} ({value:#x})\n"
            f"Accessed by watchme!descend, wasm offset {load:#x}") in reports, transcript
    assert not re.search(r"Wasm watchpoint 2: .*\)\n(Old value|Value)", reports), transcript
    frames = wasm_bt_frames(transcript)
    assert len(frames) == DEPTH + 1 and all("watchme!descend" in f for f in frames), transcript
    assert "Deleted Wasm watchpoint 1." in reports
    assert re.search(r"^2 +watchme\+0x44 +NATIVE +4 +read ", reports, re.MULTILINE), transcript
    assert not re.search(r"^1 +watchme", reports.split("Deleted Wasm watchpoint 1.")[1], re.MULTILINE)


@pytest.mark.parametrize("kind", ["jit", "aot"])
def test_watchpoint_stops_at_the_writing_instruction(tmp_path: Path, kind: str) -> None:
    program = _jit_program() if kind == "jit" else [_aot_program(tmp_path)]
    gdb, lldb = _gdb(program), _lldb(program)
    _check(gdb, tmp_path)
    _check(lldb, tmp_path)
    assert _reports(gdb) == _reports(lldb), f"--- gdb\n{gdb}\n--- lldb\n{lldb}"


def test_hardware_slots_run_out(tmp_path: Path) -> None:
    """Four debug registers: four 8-byte ``-l`` watchpoints fit, a fifth is refused, nothing is made in software."""
    commands = [f"wasm watch -l {0x100 + 8 * i} 8" for i in range(5)] + ["wasm watch"]
    for transcript in (in_gdb(["set breakpoint pending on", "wasm break descend", "run", *commands], _jit_program()),
                       in_lldb(["wasm break descend", "run", *commands], _jit_program())):
        assert len(re.findall(r"^Wasm watchpoint \d: watchme\+0x1[0-9a-f]+ \(8 bytes, write\) at native",
                              transcript, re.MULTILINE)) == 4, transcript
        assert ("wasm watch: no hardware watchpoint slot left: this one needs 1, 4 of the 4 debug registers are "
                "in use by Wasm watchpoints") in transcript, transcript
        assert "Watchpoint 5" not in transcript and "Software" not in transcript


def test_errors(tmp_path: Path) -> None:
    commands = ["wasm watch 65534", "wasm watch nosuch+4", "wasm watch 64 100", "wasm watch delete 7", "wasm watch"]
    for transcript in (in_gdb(["set breakpoint pending on", "wasm break descend", "run", *commands], _jit_program()),
                       in_lldb(["wasm break descend", "run", *commands], _jit_program())):
        assert "wasm watch: watchme+0xfffe (4 bytes) is outside its memory of 0x10000 bytes" in transcript
        assert "wasm watch: cannot evaluate 'nosuch+4'" in transcript
        assert "wasm watch: length 100 is not between 1 and 32 bytes" in transcript
        assert "wasm watch: no Wasm watchpoint 7" in transcript
        assert "No Wasm watchpoints." in transcript


def test_expression_address(tmp_path: Path) -> None:
    """EXPR: an expression of the debugger's language giving the Wasm address (here the depth local, 50, * 2)."""
    for transcript in (in_gdb(["set breakpoint pending on", "wasm break descend", "run", "wasm watch (depth * 2 + 28)",
                               "wasm watch"], _jit_program()),
                       in_lldb(["wasm break descend", "run", "wasm watch (depth * 2 + 28)", "wasm watch"],
                               _jit_program())):
        assert re.search(r"^1 +watchme\+0x80 +0x[0-9a-f]+ +4 +write +0 \(0x0\)$", transcript, re.MULTILINE), transcript


def test_plain_watch_on_a_c_variable(tmp_path: Path) -> None:
    """``watch counter`` on a C static in linear memory (its producer DWARF location translated): both debuggers
    stop after ``*q = total`` with the old and new value, at the next C line."""
    for name in ("shapes.c", "host.c"):
        (tmp_path / name).write_text((ROOT / "samples" / "cdebug" / name).read_text())
    wasm = tmp_path / "shapes.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-o",
                wasm, "shapes.c"], cwd=tmp_path)
    compile_file(wasm, tmp_path / "shapes.o")
    program = tmp_path / "prog"
    run(["clang-19", "-g", "-O0", "-o", program, "host.c", "shapes.o"], cwd=tmp_path)
    result = int(run([program]).stdout)
    # run() returns total + counter where counter = total after the store: the new value is half the result.
    new = result // 2
    lines = (tmp_path / "shapes.c").read_text().splitlines()
    store_line = next(n for n, text in enumerate(lines, 1) if "/* @store */" in text)
    gdb = in_gdb(["break run", "run", "watch counter", "continue", "bt 1"], [program])
    assert re.search(rf"Hardware watchpoint 2: counter\n\nOld value = 5\nNew value = {new}\n", gdb), gdb
    assert re.search(rf"#0  shapes.wasm!run \[wasm 0x[0-9a-f]+\] \(n=3\) at shapes.c:{store_line + 1}", gdb), gdb
    lldb = in_lldb(["break set -n run", "run", "watchpoint set variable counter", "continue"], [program])
    assert re.search(rf"Watchpoint 1 hit:\nold value: 5\nnew value: {new}\n", lldb), lldb
    assert re.search(rf"run\(n=3\) at shapes.c:{store_line + 1}", lldb), lldb


def test_watchpoint_follows_the_memory_when_it_moves(tmp_path: Path) -> None:
    """An embedder moves the memory between two stores to the watched address (``samples/nativedebug/mover.py``):
    the watchpoint stops at both, the second in the new memory, in both debuggers (GDB re-arms through the base
    word in its watch expression, LLDB from a watchpoint on the word)."""
    program: list[str | Path] = [SAMPLES / "mover.py"]
    commands = ["wasm watch 64", "continue", "continue", "wasm watch", "continue"]
    gdb = in_gdb(["set breakpoint pending on", "wasm break run", "run", *commands], program)
    lldb = in_lldb(["wasm break run", "run", *commands], program)
    for transcript in (gdb, lldb):
        assert "Old value = 0 (0x0)\nNew value = 7 (0x7)\nAccessed by mover!run" in transcript, transcript
        assert "Old value = 7 (0x7)\nNew value = 1234 (0x4d2)\nAccessed by mover!late" in transcript, transcript
        natives = re.findall(r"^(?:Wasm watchpoint 1: mover\+0x40 \(4 bytes, write\) at native |1 +mover\+0x40 +)"
                             r"(0x[0-9a-f]+)", transcript, re.MULTILINE)
        assert len(natives) == 2 and natives[0] != natives[1], transcript  # armed first at the old memory
        assert "\n1234\n" in transcript
    assert _reports(gdb) == _reports(lldb), f"--- gdb\n{gdb}\n--- lldb\n{lldb}"


def test_wasm_watch_through_a_c_pointer(tmp_path: Path) -> None:
    """``wasm watch (q)`` with ``q`` a C pointer variable (native in the translated DWARF): the watchpoint is on the
    Wasm address it points to, and stops at the Wasm store of ``*q = total`` in both debuggers alike."""
    for name in ("shapes.c", "host.c"):
        (tmp_path / name).write_text((ROOT / "samples" / "cdebug" / name).read_text())
    wasm = tmp_path / "shapes.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-o", wasm,
                "shapes.c"], cwd=tmp_path)
    compile_file(wasm, tmp_path / "shapes.o")
    program = tmp_path / "prog"
    run(["clang-19", "-g", "-O0", "-o", program, "host.c", "shapes.o"], cwd=tmp_path)
    new = int(run([program]).stdout) // 2
    lines = (tmp_path / "shapes.c").read_text().splitlines()
    loop = next(n for n, text in enumerate(lines, 1) if "/* @loop */" in text)
    gdb = in_gdb([f"break shapes.c:{loop}", "run", "wasm watch (q)", "delete 1", "continue"], [program])
    lldb = in_lldb([f"break set -f shapes.c -l {loop}", "run", "wasm watch (q)", "breakpoint delete 1", "continue"],
                   [program])
    for transcript in (gdb, lldb):
        assert re.search(r"^Wasm watchpoint 1: shapes\.wasm\+0x[0-9a-f]+ \(4 bytes, write\) at native 0x[0-9a-f]+, "
                         r"value 5 \(0x5\)$", transcript, re.MULTILINE), transcript
        assert (f"Old value = 5 (0x5)\nNew value = {new} ({new:#x})\nAccessed by shapes.wasm!run, wasm offset"
                in transcript), transcript
    assert _reports(gdb) == _reports(lldb), f"--- gdb\n{gdb}\n--- lldb\n{lldb}"
