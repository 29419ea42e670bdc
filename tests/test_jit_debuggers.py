"""JIT frames under the real debuggers, in batch mode, without any plugin: gdb 13 and lldb-19 read our images
through the GDB JIT interface and must show every Wasm frame by name with its listing line, the variables of a
frame, resolve a breakpoint set before the module exists, and forget the module once it is freed."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tests.tools import ROOT, run

# The inferior: the real interpreter (debuggers refuse script shims). ``raise(0)`` is the native breakpoint:
# called from the import at depth 100, then again after the module is freed.
PROGRAM = """\
import ctypes, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.test_jit_handmade import instantiate
stop = getattr(ctypes.CDLL(None), "raise")
instance = instantiate(Path(sys.argv[1]), lambda: stop(0))
instance.exports["run"](99)
instance.free()
stop(0)
print("program done")
"""


def _program(tmp_path: Path) -> list[str]:
    script = tmp_path / "program.py"
    script.write_text(PROGRAM.format(root=str(ROOT)))
    return [str(Path(sys.executable)), str(script), str(tmp_path)]


def _first_backtrace(lines: list[str], pattern: str) -> list[str]:
    """The frames of the first backtrace in a transcript (frame numbers count up from 0 within it)."""
    frames: list[str] = []
    for line in lines:
        match = re.match(pattern, line)
        if match:
            if int(match.group(1)) != len(frames):
                break
            frames.append(line.strip().removeprefix("* "))
    return frames


def _check_stack(frames: list[str]) -> None:
    """100 consecutive Wasm frames (n = 0 innermost) with their listing lines, the host adapter above, the shim's
    entry below, then the interpreter down to the C start-up code."""
    jit = [i for i, frame in enumerate(frames) if " rec (" in frame or "`rec(" in frame]
    assert len(jit) == 100, "\n".join(frames)
    assert jit == list(range(jit[0], jit[0] + 100))
    for depth, index in enumerate(jit):
        assert f"n={depth})" in frames[index], frames[index]
        assert f"handmade.wat.lst:{6 if depth == 0 else 11}" in frames[index], frames[index]
    assert "hit.host" in frames[jit[0] - 1]
    assert "invoke" in frames[jit[-1] + 1]
    # Stripped system libraries (libffi, the interpreter's static functions) have nameless frames of their own;
    # from the host adapter through the JIT frames to the shim's entry every frame has a name.
    assert not any("??" in frame or "unnamed" in frame for frame in frames[jit[0] - 1:jit[-1] + 2])
    assert any("Py_BytesMain" in frame for frame in frames[jit[-1]:])
    assert "__libc_start" in frames[-1] or "_start" in frames[-1]


def test_gdb_sees_jit_frames_variables_and_breakpoints(tmp_path: Path) -> None:
    out = run(["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break rec", "-ex", "run",
               "-ex", "delete", "-ex", "break raise", "-ex", "continue", "-ex", "bt",
               "-ex", "frame function rec", "-ex", "info args", "-ex", "info locals", "-ex", "up",
               "-ex", "info locals", "-ex", "maint info jit", "-ex", "continue", "-ex", "maint info jit",
               "-ex", "info functions ^rec$", "-ex", "continue",
               "--args", *_program(tmp_path)], timeout=120).stdout
    assert re.search(r"Breakpoint 1, rec \(n=", out), out  # the pending breakpoint resolved on registration
    frames = _first_backtrace(out.splitlines(), r"#(\d+) ")
    _check_stack(frames)
    assert "n = 0\nheight = 100\n" in out
    assert "height = 101\n" in out
    before, _, after = out.partition("Breakpoint 2, ")[2].partition("Breakpoint 2, ")
    assert "symfile size" in before  # one JIT image while the module lives
    assert "symfile size" not in after and "rec" not in after.split("\"^rec$\":")[1]
    assert "program done" in out
    assert "warning" not in out.lower(), out


def test_lldb_sees_jit_frames_variables_and_breakpoints(tmp_path: Path) -> None:
    select_innermost_rec = ("script lldb.thread.SetSelectedFrame("
                            "[f.idx for f in lldb.thread if f.GetFunctionName() == 'rec'][0])")
    out = run(["lldb-19", "-b", "-o", "breakpoint set -n rec", "-o", "run", "-o", "breakpoint delete -f",
               "-o", "breakpoint set -n raise", "-o", "continue", "-o", "bt", "-o", select_innermost_rec,
               "-o", "frame variable", "-o", "image list", "-o", "continue", "-o", "image list",
               "-o", "continue", "-k", "quit 1", "--", *_program(tmp_path)], timeout=120).stdout
    assert "rec(n=" in out.split("breakpoint delete")[0]  # the pending breakpoint resolved on registration
    frames = _first_backtrace(out.split("(lldb) bt\n")[1].splitlines(), r"\s+\*? ?frame #(\d+)")
    _check_stack(frames)
    assert "(int) n = 0\n(int) height = 100\n" in out
    lists = out.split("(lldb) image list")
    assert "JIT(0x" in lists[1] and "JIT(0x" not in lists[2]
    assert "program done" in out
    assert "exited with status = 0" in out
