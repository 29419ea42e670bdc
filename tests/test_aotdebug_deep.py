"""GDB and LLDB, without our plugins, stopped in a host import called 100 Wasm frames deep (an AOT object linked
into a C program): every Wasm frame by name and by the listing line of its call, then ``main``; each frame's
Wasm parameters and locals with the values the program computed in that frame."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from emitter.cli import main
from tests.tools import run

DEPTH = 100

#: ``descend(n, acc)`` (``$down``) recurses down to n = 1 and there calls the host: so at the host's breakpoint
#: frame k (1-based, innermost first) is ``$down`` with n = k. Each frame computes its locals before its call.
WAT = """(module $deep
  (import "env" "host_bottom" (func $host_bottom (param i64) (result i32)))
  (func $down (export "descend") (param $n i32) (param $acc i64) (result i32)
    (local $sq i64) (local $half f64) (local $tag i32)
    (local.set $sq (i64.mul (i64.extend_i32_u (local.get $n)) (i64.extend_i32_u (local.get $n))))
    (local.set $half (f64.div (f64.convert_i32_u (local.get $n)) (f64.const 2)))
    (local.set $tag (i32.xor (local.get $n) (i32.const 0x55)))
    (if (result i32) (i32.le_u (local.get $n) (i32.const 1))
      (then (call $host_bottom (i64.add (local.get $acc) (local.get $sq))))
      (else
        (i32.add
          (call $down (i32.sub (local.get $n) (i32.const 1)) (i64.add (local.get $acc) (local.get $sq)))
          (local.get $tag)))))
)"""

HOST = f"""
#include <stdint.h>
#include <stdio.h>
int32_t descend(int32_t, int64_t);
int32_t host_bottom(int64_t acc) {{ return (int32_t)(acc % 1000); }}
int main(void) {{ printf("%d\\n", descend({DEPTH}, 0)); return 0; }}
"""


@dataclass(frozen=True, slots=True)
class Frame:
    n: int
    acc: int
    sq: int
    half: float
    tag: int


def expected_frames() -> list[Frame]:
    """Frame k (innermost first): n = k, acc = the squares of every n above it, the locals from n."""
    return [Frame(k, sum(m * m for m in range(k + 1, DEPTH + 1)), k * k, k / 2, k ^ 0x55) for k in range(1, DEPTH + 1)]


@dataclass(frozen=True, slots=True)
class Built:
    exe: Path
    listing: list[str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    directory = tmp_path_factory.mktemp("aotdebug-deep")
    (directory / "deep.wat").write_text(WAT)
    assert main(["compile", str(directory / "deep.wat"), "-o", str(directory / "deep.o")]) == 0
    (directory / "host.c").write_text(HOST)
    exe = directory / "host"
    run(["gcc", "-g", "-O0", "-o", exe, directory / "host.c", directory / "deep.o"], cwd=directory)
    # The host returns the sum of all squares mod 1000; every frame above the innermost adds its tag.
    result = sum(k * k for k in range(1, DEPTH + 1)) % 1000 + sum(k ^ 0x55 for k in range(2, DEPTH + 1))
    assert run([exe]).stdout == f"{result}\n"
    return Built(exe, (directory / "deep.wat.lst").read_text().splitlines())


def _check_backtrace(frames: list[tuple[str, str, str, str]], listing: list[str]) -> None:
    """``frames``: (function, arguments, file, line) from frame 0 on. Frame 0 is the host, 1..DEPTH the Wasm
    function at the listing line of its call (``call $host_bottom`` innermost, ``call $down`` above), then main."""
    assert frames[0][0] == "host_bottom", frames[0]
    names = [f[0] for f in frames]
    assert names[1 : DEPTH + 2] == ["down"] * DEPTH + ["main"], names
    for k, (_, arguments, file, line) in enumerate(frames[1 : DEPTH + 1], start=1):
        assert file == "deep.wat.lst", (k, file)
        callee = "$host_bottom" if k == 1 else "$down"
        assert listing[int(line) - 1].split(":", 1)[1].split() == ["call", callee], (k, line)
        expected = expected_frames()[k - 1]
        assert arguments == f"n={expected.n}, acc={expected.acc}", (k, arguments)


def _check_variables(shown: dict[int, dict[str, str]]) -> None:
    assert sorted(shown) == list(range(1, DEPTH + 1))
    for frame in expected_frames():
        values = shown[frame.n]
        assert set(values) == {"n", "acc", "sq", "half", "tag"}, (frame.n, values)
        assert (int(values["n"]), int(values["acc"]), int(values["sq"]), int(values["tag"])) == (
            frame.n, frame.acc, frame.sq, frame.tag), (frame, values)
        assert float(values["half"]) == frame.half, (frame, values)


def test_gdb_shows_every_wasm_frame_and_its_locals(built: Built) -> None:
    commands = ["break host_bottom", "run", "bt"]
    for level in range(1, DEPTH + 1):
        commands += [f"echo @@frame {level}\\n", f"frame {level}", "info args", "info locals"]
    argv: list[str | Path] = ["gdb", "-nx", "-batch", "-ex", "set debuginfod enabled off"]
    for command in commands:
        argv += ["-ex", command]
    proc = run([*argv, built.exe], timeout=60)
    assert "warning" not in proc.stderr.lower(), proc.stderr
    backtrace = proc.stdout.split("@@frame 1\n")[0]
    frames = re.findall(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \((.*)\) at (\S+):(\d+)$", backtrace, re.M)
    _check_backtrace(frames, built.listing)
    shown: dict[int, dict[str, str]] = {}
    for block in proc.stdout.split("@@frame ")[1:]:
        number, _, body = block.partition("\n")
        shown[int(number)] = dict(re.findall(r"^(\w+) = (\S+)$", body, re.M))
    _check_variables(shown)


def test_lldb_shows_every_wasm_frame_and_its_locals(built: Built) -> None:
    commands = ["b host_bottom", "run", "bt"]
    for level in range(1, DEPTH + 1):
        commands += [f"frame select {level}", "frame variable"]
    proc = run(["lldb-19", "-b", *[a for c in commands for a in ("-o", c)], "-k", "quit 0", "--", built.exe],
               timeout=60)
    backtrace = proc.stdout.split("(lldb) bt\n")[1].split("(lldb)")[0]
    frames = re.findall(r"frame #\d+: 0x[0-9a-f]+ \w+`(\w+)(?:\((.*)\))? at (\S+?):(\d+)", backtrace)
    _check_backtrace(frames, built.listing)
    shown: dict[int, dict[str, str]] = {}
    for block in proc.stdout.split("(lldb) frame select ")[1:]:
        number, _, body = block.partition("\n")
        variables = body.split("(lldb) frame variable\n")[1].split("(lldb)")[0]
        shown[int(number)] = dict(re.findall(r"^\(\w+\) (\w+) = (\S+)$", variables, re.M))
    _check_variables(shown)
