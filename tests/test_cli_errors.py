"""`jitdebug compile` on bad input: one line on stderr naming what and where, exit code 2, no output file, never
a traceback. Most cases run ``main`` in-process (fast); one runs the real console entry point."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest
import wasmtime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emitter.cli import COMMANDS, Command, main, resolve_handler
from emitter.errors import JitdebugError
from tests.tools import ENV, ROOT

VALID = wasmtime.wat2wasm("""
(module $m
  (memory 1)
  (global $g (mut i32) (i32.const 1))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (data (i32.const 8) "abc")
  (func $f (export "f") (param i32 i64) (result i64)
    (block (result i64)
      (br_if 0 (i64.extend_i32_u (local.get 0)) (i32.eqz (local.get 0)))
      (drop)
      (i64.add (local.get 1) (i64.load (local.get 0)))))
  (func (export "g") (result f64) (f64.convert_i32_s (global.get $g))))
""")


def _compile(tmp_path: Path, data: bytes | str, name: str = "in.wasm", *extra: str) -> tuple[int, str, list[str]]:
    """Run ``jitdebug compile`` in-process; returns (exit code, stderr, files left in the output directory)."""
    source = tmp_path / name
    if isinstance(data, str):
        source.write_text(data)
    else:
        source.write_bytes(data)
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    status, stderr = _main(["compile", str(source), "-o", str(out_dir / "m.o"), "--header", str(out_dir / "m.h"),
                            *extra])
    return status, stderr, sorted(p.name for p in out_dir.iterdir())


def _main(argv: list[str]) -> tuple[int, str]:
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            status = main(argv)
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 2
    return status, stderr.getvalue()


def _assert_one_line_error(status: int, stderr: str, files: list[str], *fragments: str) -> None:
    assert status == 2, stderr
    assert stderr.startswith("jitdebug: error: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr, stderr
    assert files == [], f"outputs left behind: {files}"


def _section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id, len(payload)]) + payload


def test_valid_module_compiles(tmp_path: Path) -> None:
    status, stderr, files = _compile(tmp_path, bytes(VALID))
    assert (status, stderr) == (0, "")
    assert files == ["m.h", "m.o", "m.wat.lst"]


def test_garbage_names_offset(tmp_path: Path) -> None:
    status, stderr, files = _compile(tmp_path, b"\x00asm\x01\x00\x00\x00\xff\xff\xff")
    _assert_one_line_error(status, stderr, files, "in.wasm", "module offset 0x")


def test_not_wasm_at_all(tmp_path: Path) -> None:
    status, stderr, files = _compile(tmp_path, b"\x7fELF\x02\x01\x01\x00garbage")
    _assert_one_line_error(status, stderr, files, "in.wasm")


@pytest.mark.parametrize("cut", [9, 20, len(VALID) // 2, len(VALID) - 1])
def test_truncated_module(tmp_path: Path, cut: int) -> None:
    status, stderr, files = _compile(tmp_path, bytes(VALID[:cut]))
    _assert_one_line_error(status, stderr, files, "module offset 0x")


def test_invalid_module_type_mismatch(tmp_path: Path) -> None:
    status, stderr, files = _compile(tmp_path, bytes(wasmtime.wat2wasm("(module (func (result i32) (i64.const 1)))")))
    _assert_one_line_error(status, stderr, files, "module offset 0x")


def test_simd_lane_index_out_of_range(tmp_path: Path) -> None:
    wasm = bytearray(wasmtime.wat2wasm("(module (func (export \"v\") (result i32) "
                                       "(i32x4.extract_lane 3 (v128.const i32x4 1 2 3 4))))"))
    lane = bytes(wasm).rindex(b"\xfd\x1b\x03") + 2  # i32x4.extract_lane's lane byte
    wasm[lane] = 4
    with pytest.raises(wasmtime.WasmtimeError):  # the engine rejects it too
        wasmtime.Module.validate(wasmtime.Engine(), bytes(wasm))
    status, stderr, files = _compile(tmp_path, bytes(wasm))
    _assert_one_line_error(status, stderr, files, f"module offset {lane - 2:#x}")
    assert "invalid lane index" in stderr


def test_unknown_import_kind(tmp_path: Path) -> None:
    # type section: (func); import section: "m" "f" with kind 0x07 (no such external kind)
    types = _section(1, b"\x01\x60\x00\x00")
    imports = _section(2, b"\x01\x01m\x01f\x07\x00")
    status, stderr, files = _compile(tmp_path, b"\x00asm\x01\x00\x00\x00" + types + imports)
    _assert_one_line_error(status, stderr, files, "module offset 0x")


def test_text_syntax_error_names_line(tmp_path: Path) -> None:
    status, stderr, files = _compile(tmp_path, "(module\n  (func (result i32) (i32.const)))\n", "bad.wat")
    _assert_one_line_error(status, stderr, files, "bad.wat:2:")


def test_missing_input(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    status, stderr = _main(["compile", str(tmp_path / "nope.wasm"), "-o", str(tmp_path / "out" / "m.o")])
    _assert_one_line_error(status, stderr, sorted(p.name for p in (tmp_path / "out").iterdir()), "nope.wasm")


def test_unwritable_output_directory(tmp_path: Path) -> None:
    source = tmp_path / "in.wasm"
    source.write_bytes(bytes(VALID))
    status, stderr = _main(["compile", str(source), "-o", str(tmp_path / "missing" / "m.o")])
    _assert_one_line_error(status, stderr, [], "cannot write", "missing")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.wasm"]


def test_output_over_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.wasm"
    source.write_bytes(bytes(VALID))
    status, stderr = _main(["compile", str(source), "-o", str(source)])
    _assert_one_line_error(status, stderr, [], "overwrite the input")
    assert source.read_bytes() == bytes(VALID)


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    status, stderr = _main(["compile", "x.wasm"])
    _assert_one_line_error(status, stderr, [], "-o")
    status, stderr = _main(["compile", "x.wasm", "-o", "y.o", "--target", "riscv"])
    _assert_one_line_error(status, stderr, [], "--target")


def test_dll_needs_windows_target(tmp_path: Path) -> None:
    status, stderr, files = _compile(tmp_path, bytes(VALID), "in.wasm", "--dll")
    _assert_one_line_error(status, stderr, files, "--dll")


def test_unavailable_handler_is_a_clear_error() -> None:
    command = Command("frobnicate", "test", lambda parser: None, "emitter.no_such_module:handler")
    with pytest.raises(JitdebugError, match="not available"):
        resolve_handler(command)
    assert set(COMMANDS) >= {"compile", "run", "gdb", "lldb"}


def test_console_entry_point_exit_code(tmp_path: Path) -> None:
    """The real process: exit status 2 and the same single line, no traceback."""
    source = tmp_path / "in.wasm"
    source.write_bytes(b"\x00asm\x01\x00\x00\x00\x01\x05")
    proc = subprocess.run([sys.executable, "-m", "emitter.cli", "compile", str(source), "-o", str(tmp_path / "m.o")],
                          capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("jitdebug: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert not (tmp_path / "m.o").exists()


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    out = bytearray(data)
    for kind, position, value in edits:
        if not out:
            break
        where = position % len(out)
        match kind:
            case 0:
                out[where] = value
            case 1:
                out.insert(where, value)
            case 2:
                del out[where]
            case _:
                del out[where:]
    return bytes(out)


@pytest.mark.timeout(300)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 16), st.integers(0, 255)), min_size=1, max_size=4))
def test_fuzz_mutated_modules(tmp_path: Path, edits: list[tuple[int, int, int]]) -> None:
    """Mutated modules either compile (exit 0, all outputs) or fail cleanly (exit 2, one line, no output)."""
    data = _mutate(bytes(VALID), edits)
    for leftover in (tmp_path / "out").glob("*") if (tmp_path / "out").exists() else []:
        leftover.unlink()
    status, stderr, files = _compile(tmp_path, data)
    assert status in (0, 2)
    if status == 0:
        assert files == ["m.h", "m.o", "m.wat.lst"]
    else:
        _assert_one_line_error(status, stderr, files)


def test_section_size_past_end(tmp_path: Path) -> None:
    """A section whose declared size runs past the end of the module is reported, located."""
    status, stderr, files = _compile(tmp_path, b"\x00asm\x01\x00\x00\x00" + b"\x01\x7f\x01\x60\x00\x00")
    _assert_one_line_error(status, stderr, files, "module offset 0x")
