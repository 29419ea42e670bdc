"""Imported Wasm exception tags in the JIT: the corpus program whose import throws the imported tag
(``host_throw``), through the API and through ``jitdebug run --library``, compared with wasmtime; tags the
embedding defines (``Tag``) shared by two instances; and the errors of a missing or mis-bound tag.

The native host is ``HOST_C`` of the corpus harness (the AOT corpus host's own import), built as a shared library
that leaves ``jitdebug_throw`` undefined: it binds to the JIT's native shim when the library loads.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

from emitter.compiled import ValueType
from emitter.errors import JitdebugError, TrapError
from emitter.jit import NativeFunction, NativeTag, Tag, compile_wasm
from emitter.jit.api import Import
from emitter.jit.libraries import load_libraries
from emitter.wasm.load import load_module
from samples.corpus.harness import Program, _from_python, _to_python, format_value
from samples.exceptions.harness import EXCEPTIONS_DIR, HOST_C, load_program, oracle_transcript, signatures
from tests.tools import ROOT, run

PROGRAM = EXCEPTIONS_DIR / "host_throw.wat"
RUNTIME = ROOT / "emitter" / "runtime"
JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

#: Throws the imported tag from Wasm: with the catcher's tag it is the catcher's exception.
THROWER_WAT = """(module $thrower
  (import "host" "host_error" (tag $e (param i32)))
  (func (export "throw") (param i32) local.get 0 throw $e))"""


def _library(tmp_path: Path, name: str, source: str) -> Path:
    c_file = tmp_path / f"{name}.c"
    c_file.write_text(f'#include "jitdebug_eh.h"\n{source}\n')
    library = tmp_path / f"lib{name}.so"
    run(["gcc", "-shared", "-fPIC", "-std=c11", "-Wall", "-Werror", "-I", RUNTIME, "-o", library, c_file])
    return library


def _line(index: int, export: str, result_type: str | None, result: int | float | None) -> str:
    texts = [] if result_type is None else [format_value(result_type, _from_python(result_type, result))]
    return f"{index} {export} -> {' '.join(texts)}".rstrip()


def _result_type(path: Path, export: str) -> str | None:
    wasm, _ = load_module(path)
    results = signatures(wasm)[export][1]
    return results[0] if results else None


def _api_transcript(program: Program, imports: dict[str, Import], tmp_path: Path) -> list[str]:
    got = []
    with compile_wasm(PROGRAM, listing_dir=tmp_path).instantiate(imports) as instance:
        for index, call in enumerate(program.calls):
            try:
                result = instance.exports[call.export](*(_to_python(a) for a in call.args))
            except TrapError as trap:
                got.append(f"{index} {call.export} trap: {trap.trap_message.removeprefix('wasm trap: ')}")
                continue
            got.append(_line(index, call.export, _result_type(PROGRAM, call.export), result))
    return got


def test_a_native_import_throws_the_native_tag_through_the_api(tmp_path: Path) -> None:
    program = load_program(PROGRAM)
    expected = oracle_transcript(program, tmp_path)
    (library,) = load_libraries([str(_library(tmp_path, "host", HOST_C))])
    imports: dict[str, Import] = {
        "host_throw": NativeFunction(ctypes.cast(library.handle["host_throw"], ctypes.c_void_p).value or 0),
        "host_error": NativeTag(ctypes.cast(library.handle["host_error"], ctypes.c_void_p).value or 0),
    }
    assert _api_transcript(program, imports, tmp_path) == expected


def test_the_program_runs_under_jitdebug_run_with_the_library(tmp_path: Path) -> None:
    program = load_program(PROGRAM)
    expected = oracle_transcript(program, tmp_path)
    library = _library(tmp_path, "host", HOST_C)
    got = []
    for index, call in enumerate(program.calls):
        args = [str(_to_python(a)) for a in call.args]
        proc = run([JITDEBUG, "run", PROGRAM, "--library", library, "--invoke", call.export, *args], check=False)
        if proc.returncode == 1:
            cause = proc.stderr.rstrip().splitlines()[-1].strip()
            got.append(f"{index} {call.export} trap: {cause.removeprefix('wasm trap: ')}")
            continue
        assert proc.returncode == 0, proc.stderr
        result_type = _result_type(PROGRAM, call.export)
        got.append(_line(index, call.export, result_type, int(proc.stdout) if result_type else None))
    assert got == expected


def test_instances_given_the_same_tag_share_exception_identity(tmp_path: Path) -> None:
    """The thrower's exception is the catcher's ``host_error`` only when both were given the same ``Tag``: with
    another tag only ``catch_all`` catches it, and a plain call reports it uncaught."""
    thrower_wat = tmp_path / "thrower.wat"
    thrower_wat.write_text(THROWER_WAT)
    thrower = compile_wasm(thrower_wat, listing_dir=tmp_path)
    catcher = compile_wasm(PROGRAM, listing_dir=tmp_path)
    shared, other = Tag([ValueType.I32]), Tag([ValueType.I32])
    with thrower.instantiate({"host_error": shared}) as source:
        throw = NativeFunction(source.exports["throw"].address)
        with catcher.instantiate({"host_error": shared, "host_throw": throw}) as same:
            assert same.exports["by_tag"](41) == 42
            assert same.exports["by_catch_all"](41) == 2
        with catcher.instantiate({"host_error": other, "host_throw": throw}) as different:
            assert different.exports["by_catch_all"](41) == 2
            with pytest.raises(TrapError) as trap:
                different.exports["by_tag"](41)
            assert trap.value.trap_message == "thrown Wasm exception"


def test_a_missing_or_mistyped_tag_fails_instantiation(tmp_path: Path) -> None:
    module = compile_wasm(PROGRAM, listing_dir=tmp_path)
    host_throw = NativeFunction(1)
    with pytest.raises(JitdebugError, match=r"missing import host\.host_error \(a tag with 1 parameter\)"):
        module.instantiate({"host_throw": host_throw})
    with pytest.raises(JitdebugError, match=r"host\.host_error is a tag with 1 parameter; the given tag has 2"):
        module.instantiate({"host_throw": host_throw, "host_error": Tag([ValueType.I32, ValueType.I32])})
    with pytest.raises(JitdebugError, match=r"host\.host_error is a tag of \(i32\); the given tag has \(i64\)"):
        module.instantiate({"host_throw": host_throw, "host_error": Tag([ValueType.I64])})
    with pytest.raises(JitdebugError, match=r"host\.host_error is a tag with 1 parameter; a NativeFunction"):
        module.instantiate({"host_throw": host_throw, "host_error": NativeFunction(1)})


@pytest.mark.parametrize(("source", "message"), [
    ("void host_throw(int32_t v) { (void)v; }",
     "jitdebug: error: missing import host.host_error: no native tag 'host_error' in '{lib}', the process"),
    ("void host_throw(int32_t v) { (void)v; }\nvoid host_error(void) {}",
     "jitdebug: error: import host.host_error: 'host_error' in {lib} is not a tag descriptor (it is code, not "
     "data)"),
    ("void host_throw(int32_t v) { (void)v; }\nconst struct jitdebug_tag host_error = {3, 0};",
     "jitdebug: error: import host.host_error is a tag with 1 parameter; the given tag has 3"),
], ids=["missing", "code", "parameter_count"])
def test_jitdebug_run_reports_a_bad_tag_in_one_line(tmp_path: Path, source: str, message: str) -> None:
    library = _library(tmp_path, "bad", source)
    proc = run([JITDEBUG, "run", PROGRAM, "--library", library, "--invoke", "after"], check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == message.format(lib=library) + "\n"
