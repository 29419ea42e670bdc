"""The issue's acceptance: gdb 13 and lldb-19, with no plugin, on ``jitdebug run`` of a module whose import,
called at depth 100, is a C function of a small shared library (``--library``) and the native breakpoint.

The inferior is the command line ``jitdebug gdb``/``jitdebug lldb`` would start for ``-- jitdebug run ...``
(``emitter.debuggers.inferior``: the real interpreter, this checkout on its path); the debuggers are started
here without ``-iex source``/``command script import`` so that nothing but the GDB JIT interface and our
images explains what they show. Also: imports bound to libc and to libraries in order, and the errors.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import wasmtime

from emitter.cli import main
from emitter.debuggers import inferior
from tests.tools import ROOT, run

MODULE = """\
(module $deep
  (import "host" "probe" (func $probe (param i32) (result i32)))
  ;; descend(d) = probe(7) + 2 * (1 + 2 + ... + d); every level keeps 2 * d in $twice across its call.
  (func $descend (export "descend") (param $depth i32) (result i32)
    (local $twice i32)
    (local.set $twice (i32.add (local.get $depth) (local.get $depth)))
    (if (result i32) (i32.eqz (local.get $depth))
      (then (call $probe (i32.const 7)))
      (else (i32.add (call $descend (i32.sub (local.get $depth) (i32.const 1)))
                     (local.get $twice))))))
"""
PROBE_C = "#include <stdint.h>\n__attribute__((noinline)) int32_t probe(int32_t value) { return value * 1000; }\n"
DEPTH = 99  # descend(99) runs 100 Wasm frames: depth 99 down to 0, which calls the import


def _expected_result(wat: Path) -> int:
    """descend(DEPTH) under wasmtime, with the probe implemented in Python: the run's printed result."""
    store = wasmtime.Store()
    module = wasmtime.Module.from_file(store.engine, str(wat))
    probe = wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i32()], [wasmtime.ValType.i32()]),
                          lambda value: value * 1000)
    descend = wasmtime.Instance(store, module, [probe]).exports(store)["descend"]
    assert isinstance(descend, wasmtime.Func)
    result = descend(store, DEPTH)
    assert isinstance(result, int)
    return result


def _build(tmp_path: Path) -> tuple[Path, Path]:
    wat = tmp_path / "deep.wat"
    wat.write_text(MODULE)
    source = tmp_path / "probe.c"
    source.write_text(PROBE_C)
    library = tmp_path / "libprobe.so"
    run(["gcc", "-shared", "-fPIC", "-g", "-O1", "-o", library, source])
    return wat, library


def _jitdebug_run(wat: Path, library: Path) -> tuple[list[str], dict[str, str]]:
    return inferior(["jitdebug", "run", str(wat), "--library", str(library), "--invoke", "descend", str(DEPTH)])


def _backtraces(transcript: str, pattern: str) -> list[list[str]]:
    """Every backtrace of a transcript, each as its frame lines (a backtrace restarts at frame 0)."""
    traces: list[list[str]] = []
    for line in transcript.splitlines():
        match = re.match(pattern, line)
        if match is None:
            continue
        if int(match.group(1)) == 0:
            traces.append([])
        if traces and int(match.group(1)) == len(traces[-1]):
            traces[-1].append(line.strip().removeprefix("* "))
    return traces


def _check_wasm_stack(frames: list[str], first: int, function: str, innermost_line: int, call_line: int) -> None:
    """Frames ``first`` .. ``first + 99`` are ``descend`` at depth 0 .. 99 with their listing lines; the frame
    above is ``function``, the one below the shim's entry; then the interpreter down to its C start-up."""
    wasm = [i for i, frame in enumerate(frames) if re.search(r"\bdescend ?\(depth=", frame)]
    assert wasm == list(range(first, first + 100)), "\n".join(frames)
    for depth, index in enumerate(wasm):
        assert f"(depth={depth})" in frames[index], frames[index]
        line = innermost_line if depth == 0 else call_line
        assert f"deep.wat.lst:{line}" in frames[index], frames[index]
    assert first == 0 or function in frames[first - 1], frames[first - 1]
    assert "invoke" in frames[first + 100] and "_native.c" in frames[first + 100], frames[first + 100]
    # The interpreter is stripped (its static functions are nameless); from the breakpoint through the Wasm
    # frames to the runtime's entry every frame has a name.
    assert not any("??" in f or "unnamed" in f for f in frames[: first + 101]), "\n".join(frames)
    assert any("Py_BytesMain" in frame for frame in frames[first + 101:]), "\n".join(frames)
    assert "_start" in frames[-1], frames[-1]


def _listing_line(transcript: str, marker: str) -> int:
    """The listing line the debugger printed for an instruction when it selected a frame (``19\\t 0x4e: ...``)."""
    match = re.search(rf"^(?:-> )?\s*(\d+)\s+0x[0-9a-f]+:\s+{re.escape(marker)}$", transcript, re.MULTILINE)
    assert match is not None, f"{marker!r} not shown from the listing:\n{transcript}"
    return int(match.group(1))


def test_gdb_on_jitdebug_run(tmp_path: Path) -> None:
    wat, library = _build(tmp_path)
    command, env = _jitdebug_run(wat, library)
    out = run(["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break probe",
               "-ex", "break descend", "-ex", "ignore 2 99", "-ex", "run",
               "-ex", "bt", "-ex", "frame 5", "-ex", "info locals",
               "-ex", "continue", "-ex", "bt", "-ex", "frame 1", "-ex", "info locals", "-ex", "frame 2",
               "-ex", "continue", "--args", *command], env=env, timeout=120).stdout
    # The Wasm breakpoint was pending until the module registered; it stops at depth 0 (after 99 ignores).
    assert re.search(r"Breakpoint 2, descend \(depth=0\) at .*deep\.wat\.lst:\d+", out), out
    at_descend, at_probe = _backtraces(out, r"#(\d+) ")
    call_probe, call_descend = _listing_line(out, "call $probe"), _listing_line(out, "call $descend")
    entry_line = int(re.findall(r"deep\.wat\.lst:(\d+)", at_descend[0])[0])
    _check_wasm_stack(at_descend, 0, "", entry_line, call_descend)
    assert re.search(r"Breakpoint 1, probe \(value=7\) at .*probe\.c:2", out), out
    _check_wasm_stack(at_probe, 1, "probe (value=7)", call_probe, call_descend)
    locals_shown = re.findall(r"^twice = (\d+)$", out, re.MULTILINE)
    assert locals_shown == ["10", "0"], out  # frame 5 is depth 5 (stopped in descend), frame 1 is depth 0
    assert f"{_expected_result(wat)}\n" in out
    assert "exited normally" in out
    assert "warning" not in out.lower(), out


def test_lldb_on_jitdebug_run(tmp_path: Path) -> None:
    wat, library = _build(tmp_path)
    command, env = _jitdebug_run(wat, library)
    out = run(["lldb-19", "-b", "-o", "breakpoint set -n probe", "-o", "breakpoint set -n descend -i 99",
               "-o", "run", "-o", "bt", "-o", "frame select 5", "-o", "frame variable",
               "-o", "continue", "-o", "bt", "-o", "frame select 1", "-o", "frame variable", "-o", "frame select 2",
               "-o", "continue", "-k", "quit 1", "--", *command], env=env, timeout=120).stdout
    stops = out.split("stop reason = breakpoint ")
    assert len(stops) == 5 and stops[1].startswith("2.1") and stops[3].startswith("1.1"), out
    traces = _backtraces(out, r"\s+\*? ?frame #(\d+):")
    at_descend, at_probe = traces[1], traces[3]  # each stop also prints its selected frame
    call_probe, call_descend = _listing_line(out, "call $probe"), _listing_line(out, "call $descend")
    entry_line = int(re.findall(r"deep\.wat\.lst:(\d+)", at_descend[0])[0])
    _check_wasm_stack(at_descend, 0, "", entry_line, call_descend)
    assert "probe(value=7) at probe.c:2" in at_probe[0], at_probe[0]
    _check_wasm_stack(at_probe, 1, "probe(value=7)", call_probe, call_descend)
    assert "(int) depth = 5\n(int) twice = 10\n" in out
    assert "(int) depth = 0\n(int) twice = 0\n" in out
    assert f"{_expected_result(wat)}\n" in out
    assert "exited with status = 0" in out
    # The only warnings are LLDB's about the two breakpoints pending before the run, none about JIT images.
    warnings = [line for line in out.splitlines() if "warning" in line.lower()]
    assert warnings == ["WARNING:  Unable to resolve breakpoint to any actual locations."] * 2, out


def _cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "emitter.cli", *map(str, args)], cwd=cwd, check=False,
               env={"PYTHONPATH": str(ROOT)})


LIBC_MODULE = """\
(module $libc
  (import "c" "abs" (func $abs (param i32) (result i32)))
  (import "m" "llabs" (func $llabs (param i64) (result i64)))
  (func (export "both") (param i32 i64) (result i64)
    (i64.add (i64.extend_i32_s (call $abs (local.get 0))) (call $llabs (local.get 1)))))
"""


def test_imports_resolve_in_the_process_and_libraries_in_order(tmp_path: Path) -> None:
    (tmp_path / "libc.wat").write_text(LIBC_MODULE)
    done = _cli("run", "libc.wat", "--invoke", "both", "-5", "-7000000000", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "7000000005\n", "")
    # A library given with --library (a file of the working directory) comes before the process: its abs()
    # overrides libc's.
    (tmp_path / "abs.c").write_text("int abs(int x) { return x * 10; }\n")
    run(["gcc", "-shared", "-fPIC", "-fno-builtin", "-o", tmp_path / "libabs.so", tmp_path / "abs.c"])
    done = _cli("run", "libc.wat", "--library", "libabs.so", "--invoke", "both", "-5", "1", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "-49\n"), done.stderr
    # Several libraries: the first that defines the symbol wins.
    (tmp_path / "abs100.c").write_text("int abs(int x) { return x * 100; }\n")
    run(["gcc", "-shared", "-fPIC", "-fno-builtin", "-o", tmp_path / "libabs100.so", tmp_path / "abs100.c"])
    done = _cli("run", "libc.wat", "--library", "libabs100.so", "--library", "libabs.so", "--invoke", "both", "-5",
                "1", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "-499\n"), done.stderr


def test_missing_import_or_library_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    wat, _ = _build(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(wat), "--invoke", "descend", "3"]) == 2
    assert capsys.readouterr() == ("", "jitdebug: error: missing import host.probe: no native function 'probe' "
                                       "in the process\n")
    assert main(["run", str(wat), "--library", "libnothere.so", "--invoke", "descend", "3"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("jitdebug: error: cannot load library 'libnothere.so'") and err.count("\n") == 1
    (tmp_path / "data.wat").write_text('(module (import "c" "environ" (func)) (func (export "f") call 0))')
    assert main(["run", "data.wat", "--invoke", "f"]) == 2
    assert capsys.readouterr().err == ("jitdebug: error: import c.environ: 'environ' in the process is not a "
                                       "function (it is not in executable memory)\n")
