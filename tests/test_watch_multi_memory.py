"""``wasm watch -m N`` in gdb 13 and lldb-19: hardware watchpoints on memories other than 0 of a module with three
memories (0 and 1 32-bit, 2 64-bit), in a JIT program (``jitdebug run``) and an AOT program. ``write_all`` writes
the same address of memory 0 first (a watchpoint confused with memory 0 would stop there), then memory 1, grows
memory 1 by a page, writes memory 1 again and then in the new page (watchable only once it exists), then memory 2.

Oracles: what each watched word holds after each write comes from wasmtime-py running ``write_all`` with the
number of writes to make (a fresh instance each time); the writing instructions' offsets from wabt's disassembly.
Both debuggers report the same lines (transcripts compared)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wasmtime

from emitter.aot import compile_file
from tests.native_debug import SAMPLES, in_gdb, in_lldb, wasm_instructions
from tests.tools import run

MODULE = r"""(module $multiwatch
  (memory $a (export "a") 1)
  (memory $b (export "b") 1 4)
  (memory $c (export "c") i64 1 4)
  (func $write_all (export "write_all") (param $v i32) (param $steps i32) (result i32)
    (block $done
      (i32.store $a (i32.const 64) (i32.const 111))
      (i32.store $b (i32.const 64) (local.get $v))
      (br_if $done (i32.le_u (local.get $steps) (i32.const 1)))
      (drop (memory.grow $b (i32.const 1)))
      (i32.store $b (i32.const 64) (i32.mul (i32.load $b (i32.const 64)) (i32.const 3)))
      (br_if $done (i32.le_u (local.get $steps) (i32.const 2)))
      (i32.store $b (i32.const 0x10040) (i32.add (i32.load $b (i32.const 64)) (i32.const 1)))
      (br_if $done (i32.le_u (local.get $steps) (i32.const 3)))
      (i64.store $c (i64.const 64) (i64.mul (i64.extend_i32_u (local.get $v)) (i64.const 0x100000001))))
    (i32.load $b (i32.const 64))))
"""

VALUE = 7
STEPS = 4
#: The watched words: (memory export, Wasm address, length).
WORDS = [("b", 0x40, 4), ("b", 0x10040, 4), ("c", 0x40, 8)]


def _after(steps: int) -> dict[tuple[str, int], int]:
    """Each watched word after ``write_all(VALUE, steps)``, by wasmtime (0 where the memory does not reach yet)."""
    store = wasmtime.Store()
    exports = wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), []).exports(store)
    write_all = exports["write_all"]
    assert isinstance(write_all, wasmtime.Func)
    write_all(store, VALUE, steps)
    words = {}
    for name, address, length in WORDS:
        memory = exports[name]
        assert isinstance(memory, wasmtime.Memory)
        inside = address + length <= memory.data_len(store)
        words[name, address] = int.from_bytes(memory.read(store, address, address + length), "little") if inside else 0
    return words


def _dec(value: int) -> str:
    return f"{value} ({value:#x})"


def _offsets(tmp_path: Path) -> tuple[list[int], list[int]]:
    wat = tmp_path / "multiwatch.wat"
    wat.write_text(MODULE)
    instructions = wasm_instructions(wat, tmp_path, ["--enable-multi-memory", "--enable-memory64"])
    return ([o for o, text in instructions if text.split()[0] == "i32.store"],
            [o for o, text in instructions if text.split()[0] == "i64.store"])


COMMANDS = ["wasm watch -m 3 0", "wasm watch -m 1 0x10040", "wasm watch -m 2 0xfffc 8", "wasm watch -m x 64",
            "wasm watch -m 1 64", "wasm watch -l -m 2 64 8", "continue", "continue",
            "wasm watch -m 1 multiwatch+0x10040", "wasm watch", "continue", "continue", "wasm watch delete 1",
            "wasm watch delete 2", "wasm watch delete 3", "continue"]


def _aot_program(tmp_path: Path) -> Path:
    (tmp_path / "multiwatch.wat").write_text(MODULE)
    obj = tmp_path / "multiwatch.o"
    compile_file(tmp_path / "multiwatch.wat", obj)
    host = tmp_path / "host.c"
    host.write_text("#include <stdio.h>\n#include <stdint.h>\nint32_t write_all(int32_t, int32_t);\n"
                    f"int main(void) {{ printf(\"%d\\n\", write_all({VALUE}, {STEPS})); return 0; }}\n")
    program = tmp_path / "prog"
    run(["gcc", "-g", "-o", program, host, obj])
    return program


def _jit_program(tmp_path: Path) -> list[str | Path]:
    (tmp_path / "multiwatch.wat").write_text(MODULE)
    return ["jitdebug", "run", tmp_path / "multiwatch.wat", "--invoke", "write_all", str(VALUE), str(STEPS)]


def _reports(transcript: str) -> list[str]:
    """Our lines (reports, confirmations, the table, errors), native addresses masked."""
    ours = []
    for line in transcript.splitlines():
        if re.match(r"(Wasm watchpoint|Old value =|New value =|Value =|Accessed by|Num  Where|\d+ +multiwatch\+|"
                    r".*wasm watch: |\s+\d+  0x[0-9a-f]{4}:)", line):
            ours.append(re.sub(r"0x7f[0-9a-f]{10}|0x[0-9a-f]{14,}", "NATIVE", re.sub(r"^error: ", "", line)))
    return ours


def _check(transcript: str, tmp_path: Path) -> None:
    stores, wide_stores = _offsets(tmp_path)
    # history[k]: the words after k writes to memories 1 and 2 (all zero before the first).
    states = [_after(steps) for steps in range(1, STEPS + 1)]
    history = [dict.fromkeys(states[0], 0), *states]
    low, grown, wide = ("b", 0x40), ("b", 0x10040), ("c", 0x40)
    reports = "\n".join(_reports(transcript))
    assert "wasm watch: multiwatch has no memory 3 (it has 3)" in reports, transcript
    assert "wasm watch: multiwatch+0x10040 (4 bytes) is outside its memory 1 of 0x10000 bytes" in reports, transcript
    assert "wasm watch: multiwatch+0xfffc (8 bytes) is outside its memory 2 of 0x10000 bytes" in reports, transcript
    assert "wasm watch: -m takes a memory index, not 'x'" in reports, transcript
    assert re.search(r"^Wasm watchpoint 1: multiwatch\+0x40 in memory 1 \(4 bytes, write\) at native NATIVE, "
                     r"value 0 \(0x0\)$", reports, re.M), transcript
    assert re.search(r"^Wasm watchpoint 2: multiwatch\+0x40 in memory 2 \(8 bytes, write\) at native NATIVE, "
                     r"value 0 \(0x0\)$", reports, re.M), transcript
    # Grown: the page memory.grow added is watchable, memory 1's size is the grown one.
    assert re.search(r"^Wasm watchpoint 3: multiwatch\+0x10040 in memory 1 \(4 bytes, write\) at native NATIVE, "
                     r"value 0 \(0x0\)$", reports, re.M), transcript
    expected = [
        (1, "multiwatch+0x40 in memory 1 (4 bytes, write)", history[0][low], history[1][low], stores[1]),
        (1, "multiwatch+0x40 in memory 1 (4 bytes, write)", history[1][low], history[2][low], stores[2]),
        (3, "multiwatch+0x10040 in memory 1 (4 bytes, write)", history[2][grown], history[3][grown], stores[3]),
        (2, "multiwatch+0x40 in memory 2 (8 bytes, write)", history[3][wide], history[4][wide], wide_stores[0]),
    ]
    at = 0
    for number, where, old, new, offset in expected:
        assert old != new
        stop = (f"Wasm watchpoint {number}: {where}\nOld value = {_dec(old)}\nNew value = {_dec(new)}\n"
                f"Accessed by multiwatch!write_all, wasm offset {offset:#x}\n")
        found = reports.find(stop, at)
        assert found >= 0, f"{stop}\n--- not after {at} in\n{reports}"
        at = found + len(stop)
    assert len(re.findall(r"^Old value", reports, re.M)) == len(expected), transcript
    assert re.search(r"^1 +multiwatch\+0x40 in memory 1 +NATIVE +4 +write +" + re.escape(_dec(history[2][low])),
                     reports, re.M), transcript
    assert re.search(r"^2 +multiwatch\+0x40 in memory 2 +NATIVE +8 +write \(-l\) +0 \(0x0\)$", reports, re.M), \
        transcript
    assert f"\n{history[4][low]}\n" in transcript, transcript


@pytest.mark.parametrize("kind", ["jit", "aot"])
def test_watchpoints_on_memories_1_and_64_bit_2(tmp_path: Path, kind: str) -> None:
    program = _jit_program(tmp_path) if kind == "jit" else [_aot_program(tmp_path)]
    gdb = in_gdb(["set breakpoint pending on", "wasm break write_all", "run", "delete", *COMMANDS], program)
    lldb = in_lldb(["wasm break write_all", "run", "breakpoint delete -f", *COMMANDS], program)
    _check(gdb, tmp_path)
    _check(lldb, tmp_path)
    assert _reports(gdb) == _reports(lldb), f"--- gdb\n{gdb}\n--- lldb\n{lldb}"


def test_watchpoint_on_memory_1_follows_it_when_it_moves(tmp_path: Path) -> None:
    """An embedder moves memory 1 between two stores to the watched address (``samples/nativedebug/mover.py
    --memory 1``, which writes memory 0's address 64 first): the watchpoint follows memory 1's base word (its
    record's first) and stops at both stores, the second in the new memory, in both debuggers; it is disarmed
    when the instance is freed."""
    program: list[str | Path] = [SAMPLES / "mover.py", "--memory", "1"]
    commands = ["wasm watch -m 1 64", "continue", "continue", "wasm watch", "continue", "wasm watch"]
    gdb = in_gdb(["set breakpoint pending on", "wasm break run", "run", *commands], program)
    lldb = in_lldb(["wasm break run", "run", *commands], program)
    for transcript in (gdb, lldb):
        assert ("Wasm watchpoint 1: mover+0x40 in memory 1 (4 bytes, write)\nOld value = 0 (0x0)\n"
                "New value = 7 (0x7)\nAccessed by mover!run") in transcript, transcript
        assert ("Wasm watchpoint 1: mover+0x40 in memory 1 (4 bytes, write)\nOld value = 7 (0x7)\n"
                "New value = 1234 (0x4d2)\nAccessed by mover!late") in transcript, transcript
        natives = re.findall(r"^(?:Wasm watchpoint 1: mover\+0x40 in memory 1 \(4 bytes, write\) at native |"
                             r"1 +mover\+0x40 in memory 1 +)(0x[0-9a-f]+)", transcript, re.MULTILINE)
        assert len(natives) == 2 and natives[0] != natives[1], transcript  # armed first at the old memory
        assert "\n1234\n" in transcript
        # The instance is freed before the process ends: its watchpoint is disarmed (its memory's pages and
        # record are the host's to reuse: a watchpoint left there would report the host's writes).
        assert len(re.findall(r"^Old value", transcript, re.M)) == 2, transcript
        assert re.search(r"^1 +mover\+0x40 in memory 1 +- +4 +write +\(instance not loaded\)$", transcript, re.M), \
            transcript
    assert _reports(gdb) == _reports(lldb), f"--- gdb\n{gdb}\n--- lldb\n{lldb}"


IMPORTER = r"""(module $importer
  (import "host" "m0" (memory 1 1))
  (import "host" "m1" (memory 1 4))
  (memory $own i64 1 1)
  (func $write_all (export "write_all") (param $v i32) (result i32)
    (i32.store 0 (i32.const 64) (i32.const 111))
    (drop (memory.grow 1 (i32.const 1)))
    (i32.store 1 (i32.const 64) (local.get $v))
    (i32.store 1 (i32.const 0x10040) (i32.mul (local.get $v) (i32.const 2)))
    (i64.store 2 (i64.const 64) (i64.const 5))
    (i32.load 1 (i32.const 0x10040))))
"""

#: The embedder: memories 0 and 1 are the host's, imported; memory 2 is the module's own (64-bit).
EMBEDDER = """\
import sys
from emitter.jit import Linker, Memory, MemoryType, compile_wasm
linker = Linker()
linker.define("host", "m0", Memory(MemoryType(1, 1)))
linker.define("host", "m1", Memory(MemoryType(1, 4)))
instance = linker.instantiate(compile_wasm(sys.argv[1], listing_dir=sys.argv[2]))
print("result", instance.exports["write_all"](%d))
"""


def _imported_words(value: int) -> tuple[int, int]:
    """Imported memory 1's words at 0x40 and 0x10040 after ``write_all(value)``, by wasmtime."""
    store = wasmtime.Store()
    linker = wasmtime.Linker(store.engine)
    linker.define(store, "host", "m0", wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, 1))))
    m1 = wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, 4)))
    linker.define(store, "host", "m1", m1)
    write_all = linker.instantiate(store, wasmtime.Module(store.engine, IMPORTER)).exports(store)["write_all"]
    assert isinstance(write_all, wasmtime.Func)
    write_all(store, value)
    return (int.from_bytes(m1.read(store, 0x40, 0x44), "little"),
            int.from_bytes(m1.read(store, 0x10040, 0x10044), "little"))


def test_watchpoint_on_an_imported_memory_1(tmp_path: Path) -> None:
    """Memory 1 imported from the embedder (its record is the host's): watched before and after it grows."""
    wat = tmp_path / "importer.wat"
    wat.write_text(IMPORTER)
    script = tmp_path / "embedder.py"
    script.write_text(EMBEDDER % VALUE)
    low, grown = _imported_words(VALUE)
    stores = [o for o, text in wasm_instructions(wat, tmp_path, ["--enable-multi-memory", "--enable-memory64"])
              if text.split()[0] == "i32.store"]
    program: list[str | Path] = [script, wat, tmp_path]
    commands = ["wasm watch -m 1 64", "wasm watch -m 1 0x10040", "continue", "wasm watch -m 1 0x10040", "continue",
                "wasm watch delete 1", "wasm watch delete 2", "continue"]
    gdb = in_gdb(["set breakpoint pending on", "wasm break write_all", "run", *commands], program)
    lldb = in_lldb(["wasm break write_all", "run", *commands], program)
    for transcript in (gdb, lldb):
        # Set at the function's entry, before memory.grow: the second page is not there yet.
        assert "wasm watch: importer+0x10040 (4 bytes) is outside its memory 1 of 0x10000 bytes" in transcript, \
            transcript
        assert (f"Wasm watchpoint 1: importer+0x40 in memory 1 (4 bytes, write)\nOld value = 0 (0x0)\n"
                f"New value = {_dec(low)}\nAccessed by importer!write_all, wasm offset {stores[1]:#x}\n"
                in transcript), transcript
        assert re.search(r"^Wasm watchpoint 2: importer\+0x10040 in memory 1 \(4 bytes, write\) at native 0x",
                         transcript, re.M), transcript
        assert (f"Wasm watchpoint 2: importer+0x10040 in memory 1 (4 bytes, write)\nOld value = 0 (0x0)\n"
                f"New value = {_dec(grown)}\nAccessed by importer!write_all, wasm offset {stores[2]:#x}\n"
                in transcript), transcript
        assert f"result {grown}\n" in transcript, transcript
    assert _reports(gdb) == _reports(lldb), f"--- gdb\n{gdb}\n--- lldb\n{lldb}"


BATCHED = r"""(module $kept
  (memory 1)
  (memory $data (export "data") 1 2)
  (func $write (export "write") (param $v i32)
    (i32.store $data (i32.const 64) (i32.mul (local.get $v) (i32.const 5))))
  (func $read (export "read") (result i32)
    (i32.load $data (i32.const 64))))
"""
OTHER = '(module $freed (memory 1) (func (export "f") (result i32) (i32.const 1)))'

#: Both modules are registered in one batch image at the first call (instantiated lazily, no code runs before);
#: freeing ``freed`` unregisters that image and the JIT registers ``kept`` again before its next call.
#: ``raise(0)`` is a host function to stop at between; ``kept`` is freed before the end.
BATCH_EMBEDDER = """\
import ctypes, sys
from emitter.jit import compile_wasm
stop = getattr(ctypes.CDLL(None), "raise")
kept = compile_wasm(sys.argv[1], listing_dir=sys.argv[3]).instantiate({})
freed = compile_wasm(sys.argv[2], listing_dir=sys.argv[3]).instantiate({})
kept.exports["write"](1)
freed.free()
stop(0)
kept.exports["write"](2)
print("read", kept.exports["read"]())
kept.free()
"""


def test_watchpoint_survives_the_re_registration_of_its_instance(tmp_path: Path) -> None:
    """A watchpoint on memory 1 of ``kept``: disarmed while the JIT has its image unregistered (a batch-mate
    freed), armed again when it is registered anew, and it stops at the next write; values by wasmtime."""
    (tmp_path / "kept.wat").write_text(BATCHED)
    (tmp_path / "freed.wat").write_text(OTHER)
    (tmp_path / "embedder.py").write_text(BATCH_EMBEDDER)
    store = wasmtime.Store()
    exports = wasmtime.Instance(store, wasmtime.Module(store.engine, BATCHED), []).exports(store)
    write, data = exports["write"], exports["data"]
    assert isinstance(write, wasmtime.Func) and isinstance(data, wasmtime.Memory)
    values = [0]
    for v in (1, 2):
        write(store, v)
        values.append(int.from_bytes(data.read(store, 64, 68), "little"))
    program: list[str | Path] = [tmp_path / "embedder.py", tmp_path / "kept.wat", tmp_path / "freed.wat", tmp_path]
    commands = ["wasm watch -m 1 64", "continue", "continue", "wasm watch", "continue", "continue", "wasm watch",
                "continue", "wasm watch"]
    gdb = in_gdb(["set breakpoint pending on", "wasm break kept!write", "run", "delete", "break raise", *commands],
                 program)
    lldb = in_lldb(["wasm break kept!write", "run", "breakpoint delete -f", "breakpoint set -n raise", *commands],
                   program)
    for transcript in (gdb, lldb):
        first = (f"Wasm watchpoint 1: kept+0x40 in memory 1 (4 bytes, write)\nOld value = {_dec(values[0])}\n"
                 f"New value = {_dec(values[1])}\nAccessed by kept!")
        second = (f"Wasm watchpoint 1: kept+0x40 in memory 1 (4 bytes, write)\nOld value = {_dec(values[1])}\n"
                  f"New value = {_dec(values[2])}\nAccessed by kept!")
        assert first in transcript and second in transcript, transcript
        between = transcript[transcript.index(first):transcript.index(second)]
        assert re.search(r"^1 +kept\+0x40 in memory 1 +- +4 +write +\(instance not loaded\)$", between, re.M), \
            transcript
        assert re.search(rf"^1 +kept\+0x40 in memory 1 +0x[0-9a-f]+ +4 +write +{re.escape(_dec(values[2]))}$",
                         transcript[transcript.index(second):], re.M), transcript
        assert f"read {values[2]}\n" in transcript, transcript
        # Freed at the end: disarmed, no report of the host's writes to the freed record.
        assert len(re.findall(r"^Old value", transcript, re.M)) == 2, transcript
        assert re.search(r"^1 +kept\+0x40 in memory 1 +- +4 +write +\(instance not loaded\)$",
                         transcript[transcript.index(f"read {values[2]}"):], re.M), transcript


def test_watchpoint_disarmed_when_its_memory_is_gone(tmp_path: Path) -> None:
    """The record of a watched memory 1 is overwritten with what is no memory's base while its module is still
    registered (``mover.py --memory 1 --reuse-record``: as a host allocator reusing a freed record): the
    watchpoint is disarmed, and the host's write is not reported as a Wasm access."""
    program: list[str | Path] = [SAMPLES / "mover.py", "--memory", "1", "--reuse-record"]
    commands = ["wasm watch -m 1 64", "continue", "continue", "continue", "continue", "wasm watch"]
    gdb = in_gdb(["set breakpoint pending on", "wasm break run", "run", *commands], program)
    lldb = in_lldb(["wasm break run", "run", *commands], program)
    for transcript in (gdb, lldb):
        assert len(re.findall(r"^Old value", transcript, re.M)) == 2, transcript
        assert "\n1234\n" in transcript, transcript
        assert re.search(r"^1 +mover\+0x40 in memory 1 +- +4 +write +\(memory gone\)$", transcript, re.M), transcript
        # GDB says it at the write (its expression follows the word), LLDB at the next event (its callback on the
        # word lets the program run on).
        assert transcript.count("Wasm watchpoint 1: the memory 1 of mover is gone (its base word holds no memory); "
                                "disarmed\n") == 1, transcript
