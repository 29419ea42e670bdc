"""Compile time, memory and the listing stay linear in nesting depth: one function of 100,000 nested blocks (a
300 KB module) compiles in seconds in bounded memory (the listing indented two spaces per level made depth 40,000
a 3.2 GB listing and 6.3 GB of memory; a copy of the control stack per legacy ``try`` made nested tries
quadratic), and runs as wasmtime runs it. Each nesting construct is checked at a depth where quadratic cost would
take minutes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import wasmtime

from emitter.wasm import _listing
from tests.tools import ENV, ROOT, run

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

#: (opening bytes of one level, closing bytes of one level); every level is a block type [] -> [].
CONSTRUCTS = {
    "block": (b"\x02\x40", b"\x0b"),
    "loop": (b"\x03\x40", b"\x0b"),
    "if": (b"\x41\x01\x04\x40", b"\x0b"),
    "try_table": (b"\x1f\x40\x01\x02\x00", b"\x0b"),  # try_table (catch_all 0), inside an outer block
    "legacy_try": (b"\x06\x40", b"\x19\x0b"),  # try ... catch_all end
}


def _leb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def nested_module(construct: str, depth: int) -> bytes:
    """``(func (export "f") (result i32) <depth levels> i32.const 42 drop <ends> i32.const 7)``."""
    opening, closing = CONSTRUCTS[construct]
    outer = construct == "try_table"
    body = (b"\x02\x40" if outer else b"") + opening * depth + b"\x41\x2a\x1a" + closing * depth
    body += (b"\x0b" if outer else b"") + b"\x41\x07\x0b"
    function = b"\x00" + body
    code = _leb(1) + _leb(len(function)) + function
    return (b"\0asm\x01\0\0\0" + b"\x01\x05\x01\x60\x00\x01\x7f" + b"\x03\x02\x01\x00"
            + b"\x07\x05\x01\x01f\x00\x00" + b"\x0a" + _leb(len(code)) + code)


def _oracle(wasm: bytes, construct: str, work: Path) -> int:
    """What ``f`` returns: wasmtime-py's answer, wabt's interpreter's for the legacy form (wasmtime-py 50 has no
    legacy exception handling)."""
    if construct != "legacy_try":
        return _wasmtime(wasm)
    module = work / "oracle.wasm"
    module.write_bytes(wasm)
    output = run(["wasm-interp", "--enable-exceptions", module, "--run-all-exports"]).stdout
    match = re.fullmatch(r"f\(\) => i32:(-?\d+)\n", output)
    assert match, output
    return int(match.group(1))


def _wasmtime(wasm: bytes) -> int:
    config = wasmtime.Config()
    config.wasm_exceptions = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    f = wasmtime.Instance(store, wasmtime.Module(engine, wasm), []).exports(store)["f"]
    assert isinstance(f, wasmtime.Func)
    result = f(store)
    assert isinstance(result, int)
    return result


#: Runs ``argv[2:]`` in a child forked from this small process and writes the child's peak RSS in KiB to the file
#: descriptor ``argv[1]``.
#: Why the indirection: Linux keeps a process's high-water RSS across ``execve``, and a child spawned straight
#: from the test process (``vfork``) starts with the test process's high-water mark — hundreds of MiB in a
#: worker that compiled large modules before — so its ``ru_maxrss`` would say nothing about the command.
_PEAK = ("import os, sys\n"
         "pid = os.fork()\n"
         "if pid == 0:\n"
         "    os.execvp(sys.argv[2], sys.argv[2:])\n"
         "_, status, usage = os.wait4(pid, 0)\n"
         "os.write(int(sys.argv[1]), str(usage.ru_maxrss).encode())\n"
         "sys.exit(os.waitstatus_to_exitcode(status))\n")


def _measured(argv: list[str | Path], work: Path, timeout: int = 120) -> tuple[str, int]:
    """stdout and peak RSS in MiB of one command (and its descendants) under ``timeout`` (a quadratic compile
    would not finish)."""
    read, write = os.pipe()
    command = [sys.executable, "-c", _PEAK, str(write), "timeout", str(timeout), *map(str, argv)]
    with open(work / "out", "w+") as out, open(work / "err", "w+") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=ENV, pass_fds=(write,))
        os.close(write)
        with os.fdopen(read) as peak:
            kib = peak.read()
        proc.wait()
        out.seek(0)
        err.seek(0)
        assert proc.returncode == 0, f"exit {proc.returncode} (124: timed out)\n{err.read()}"
        return out.read(), int(kib) // 1024


@pytest.mark.parametrize(("construct", "depth"), [("block", 100_000), ("loop", 20_000), ("if", 20_000),
                                                  ("try_table", 20_000), ("legacy_try", 20_000)])
def test_deep_nesting_compiles_in_linear_time_and_memory(construct: str, depth: int, tmp_path: Path) -> None:
    wasm = nested_module(construct, depth)
    source = tmp_path / "deep.wasm"
    source.write_bytes(wasm)
    obj = tmp_path / "deep.o"
    _, peak = _measured([JITDEBUG, "compile", source, "-o", obj], tmp_path)
    assert peak < 400, f"compiling depth {depth} took {peak} MiB"
    listing = (tmp_path / "deep.wat.lst").stat().st_size
    lines = (tmp_path / "deep.wat.lst").read_text().splitlines()
    # One row per instruction: its offset, at most MAX_INDENT levels of indentation and the instruction.
    assert len(lines) >= 2 * depth
    assert max(len(line) for line in lines) < 2 * _listing.MAX_INDENT + 40
    assert listing < len(lines) * (2 * _listing.MAX_INDENT + 40)
    ran = subprocess.run([JITDEBUG, "run", "-C", "cache=n", source, "--invoke", "f"], capture_output=True, text=True,
                         timeout=120, env=ENV)
    assert (ran.returncode, ran.stdout) == (0, f"{_oracle(wasm, construct, tmp_path)}\n"), ran.stderr
