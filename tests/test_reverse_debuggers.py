"""Reverse execution by Wasm instruction under GDB's ``record full``: from the trap (stopped in the trap hook),
``wasm reverse-step`` 20 times walks back over the innermost frame's Wasm instructions with the locals as they
were at each of them; ``reverse-continue`` to a Wasm watchpoint finds the store that last wrote the address;
``wasm reverse-finish`` goes back to the call in the caller. LLDB 19 cannot execute backwards: the commands say so.

The oracle is the same program stepped *forward* with ``wasm step`` (another code path, the one the plugin
tests check against the map) from the innermost frame's entry to the trapping instruction: the reverse walk must
visit the same Wasm instructions with the same locals, in the opposite order.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.native_debug import SAMPLES, in_gdb, in_lldb, offsets_of, wasm_instructions

WAT = SAMPLES / "watch.wat"
PROGRAM: list[str | Path] = ["jitdebug", "run", WAT, "--invoke", "fall", "5"]
BACK = 20
STOP = re.compile(r"^0x[0-9a-f]+ in watchme!fall, wasm offset (0x[0-9a-f]+)\n.*\n(?:.*\n)*?i = (\d+)\nacc = (\d+)$",
                  re.MULTILINE)


def _positions(transcript: str) -> list[tuple[int, int, int]]:
    """(Wasm offset, i, acc) after every step of a transcript of ``wasm step``/``wasm reverse-step`` each followed
    by ``info locals``."""
    return [(int(m[1], 16), int(m[2]), int(m[3])) for m in STOP.finditer(transcript)]


def test_reverse_steps_from_a_trap_show_earlier_locals(tmp_path: Path) -> None:
    forward = in_gdb(["set breakpoint pending on", "break fall if depth == 0", "run", "info locals",
                      *["wasm step", "info locals"] * 140], PROGRAM, timeout=300)
    entry = re.search(r"Breakpoint 1, fall \(depth=0\) at watchme\.wat\.lst:\d+\n\d+\s+0x([0-9a-f]+):.*\n"
                      r"i = (\d+)\nacc = (\d+)\n", forward)
    assert entry is not None, forward
    trace = [(int(entry[1], 16), int(entry[2]), int(entry[3])), *_positions(forward)]
    divide = offsets_of(WAT, tmp_path, "i32.div_u")[0]
    # Forward, the last Wasm instruction reached is the trapping division (the step then runs into the trap).
    last = max(i for i, (offset, _, _) in enumerate(trace) if offset == divide)
    trace = trace[: last + 1]
    assert trace[-1] == (divide, 10, sum(range(10))) and len(trace) > BACK + 10, forward

    backward = in_gdb(["set breakpoint pending on", "break fall if depth == 1", "run", "record full",
                       "break jitdebug_trap", "continue", *["wasm reverse-step", "info locals"] * BACK,
                       "continue", "wasm watch 128", "reverse-continue", "info locals", "wasm watch delete 1",
                       "wasm reverse-finish", "wasm bt 1"], PROGRAM, timeout=300)
    assert "Breakpoint 2, jitdebug_trap (code=7)" in backward, backward
    walked = _positions(backward)[:BACK]
    assert walked == list(reversed(trace))[:BACK], f"{walked}\n{list(reversed(trace))[:BACK]}\n{backward}"
    # The walk crossed loop iterations: the locals went back through earlier values.
    assert len({(i, acc) for _, i, acc in walked}) >= 2, walked

    # Forward again to the trap (the end of the record), then reverse-continue to the watchpoint on address 128:
    # the store that wrote acc there.
    store = offsets_of(WAT, tmp_path, "i32.store")[-1]  # fall's store (descend's come first)
    assert (f"Wasm watchpoint 1: watchme+0x80 (4 bytes, write)\nOld value = 45 (0x2d)\nNew value = 0 (0x0)\n"
            f"Accessed by watchme!fall, wasm offset {store:#x}\n") in backward, backward
    # reverse-finish from depth 0: back at the call in depth 1.
    call = offsets_of(WAT, tmp_path, "call")[-1]
    assert re.search(rf"Run back to call of watchme!fall\n0x[0-9a-f]+ in watchme!fall, wasm offset {call:#x}\n",
                     backward), backward
    assert re.search(rf"^\s+0: +{call:#x} - watchme!fall  \[#0\]", backward, re.MULTILINE), backward


def test_reverse_needs_a_record_and_lldb_says_it_cannot(tmp_path: Path) -> None:
    gdb = in_gdb(["set breakpoint pending on", "wasm break fall", "run", "wasm reverse-step"], PROGRAM)
    assert ("wasm reverse-step: no execution record to move back through; start one with 'record full' before "
            "the code to step back over") in gdb, gdb
    lldb = in_lldb(["wasm break fall", "run", "wasm reverse-step", "wasm reverse-next", "wasm reverse-finish"],
                   PROGRAM)
    for kind in ("reverse-step", "reverse-next", "reverse-finish"):
        assert f"error: wasm {kind}: LLDB 19 cannot execute backwards (no execution record)" in lldb, lldb


def test_reverse_next_over_a_call_and_reverse_step_into_it(tmp_path: Path) -> None:
    """Just after ``call $descend`` returned in the frame of depth 1: ``wasm reverse-next`` undoes the whole call
    (back to the call's start, then the instruction before it — or the start of the fused group holding it:
    ``local.get $depth; i32.const 1; i32.sub`` compiles as one row, ``codegen/fusion.py``), ``wasm reverse-step``
    enters the callee at its last executed Wasm instruction, its function's ``end``, with the callee's locals
    (depth 0)."""
    instructions = [(o, text.split()[0]) for o, text in wasm_instructions(WAT, tmp_path)]
    call = next(o for o, op in instructions if op == "call")
    descend_end = [o for o, op in instructions if op == "end" and o > call][1]  # the if's end, then the function's
    after_call = next(o for o, _ in instructions if o > call)
    # A fused group is at most two operand pushes and their consumer: the three instructions before the call.
    group = [o for o, _ in instructions if o < call][-3:]
    program: list[str | Path] = ["jitdebug", "run", WAT, "--invoke", "descend", "3"]
    start = ["set breakpoint pending on", "break descend if depth == 1", "run", "record full",
             f"wasm break watchme+{after_call:#x}", "continue"]
    over = in_gdb([*start, "wasm reverse-next", "info args", "wasm reverse-next"], program)
    stops = re.findall(r"^0x[0-9a-f]+ in watchme!descend, wasm offset (0x[0-9a-f]+)$", over, re.MULTILINE)
    assert len(stops) == 2 and int(stops[0], 16) == call and int(stops[1], 16) in group, over
    assert "depth = 1" in over.split("wasm offset")[1], over
    into = in_gdb([*start, "wasm reverse-step", "info args", "wasm bt 2"], program)
    stops = re.findall(r"^0x[0-9a-f]+ in watchme!descend, wasm offset (0x[0-9a-f]+)$", into, re.MULTILINE)
    assert [int(s, 16) for s in stops] == [descend_end], into
    assert "depth = 0" in into and re.search(rf"^\s+1: +{call:#x} - watchme!descend  \[#1\]", into, re.MULTILINE)
