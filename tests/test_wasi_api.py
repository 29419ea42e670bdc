"""The Python API's WASI configuration and bad WASI input at load.

``WasiConfig`` (argv, environment, preopens, stdio to files or inherited) is given to ``instantiate``;
``proc_exit`` raises ``WasiExit`` with the code, leaving the embedding process running. A module importing an
unknown preview-1 function or one with the wrong type fails at load with wasmtime's words, and ``jitdebug run``
prints that as its one-line error with exit code 2.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from emitter.jit import compile_wasm
from emitter.wasi.config import WasiConfig, WasiExit
from tests.tools import ENV, ROOT
from tests.wasi_support import CORPUS, build_aot, build_wasi, jitdebug_command, oracle_command, run_program


@pytest.fixture(scope="module")
def hello(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wasi(CORPUS / "hello.c", tmp_path_factory.mktemp("api") / "hello.wasm", extra=("-w",))


def test_config_argv_env_and_stdio_files(hello: Path, tmp_path: Path) -> None:
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    config = WasiConfig(argv=["hello", "a", "b"], env={"GREETING": "from python"}, stdout_file=out, stderr_file=err)
    module = compile_wasm(hello)
    with module.instantiate(wasi=config) as instance, pytest.raises(WasiExit) as done:
        instance.exports["_start"]()
    assert done.value.code == 7  # argc > 2
    assert out.read_text() == "hello, world\nargv[0]=hello\nargv[1]=a\nargv[2]=b\nGREETING=from python\n"
    assert err.read_text() == "to stderr\n"


def test_config_preopen_and_stdin_file(tmp_path: Path) -> None:
    program = build_wasi(CORPUS / "cat.c", tmp_path / "cat.wasm", extra=("-w",))
    (tmp_path / "in.txt").write_text("x\ny\n")
    config = WasiConfig(argv=["cat"], stdin_file=tmp_path / "in.txt", stdout_file=tmp_path / "out.txt",
                        stderr_file=tmp_path / "err.txt")
    config.preopen_dir(tmp_path, ".")
    with compile_wasm(program).instantiate(wasi=config) as instance:
        instance.exports["_start"]()
    assert (tmp_path / "out.txt").read_text() == "x\ny\n"
    assert (tmp_path / "err.txt").read_text() == "2 lines, 4 bytes, last read 0\n"


def test_missing_configuration_is_an_error(hello: Path) -> None:
    with pytest.raises(Exception, match="instantiate it with wasi=WasiConfig"):
        compile_wasm(hello).instantiate()


@pytest.mark.parametrize(("wat", "message"), [
    ('(module (import "wasi_snapshot_preview1" "fd_bogus" (func)))',
     "unknown import: `wasi_snapshot_preview1::fd_bogus` has not been defined"),
    ('(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32))))',
     "incompatible import type for `wasi_snapshot_preview1::fd_write`: types incompatible: expected type "
     "`(func (param i32))`, found type `(func (param i32 i32 i32 i32) (result i32))`"),
    ('(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i64))))',
     "incompatible import type for `wasi_snapshot_preview1::proc_exit`: types incompatible: expected type "
     "`(func (param i64))`, found type `(func (param i32))`"),
])
def test_bad_wasi_import_is_one_error_at_load(wat: str, message: str, tmp_path: Path) -> None:
    import wasmtime

    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    store.set_wasi(wasmtime.WasiConfig())
    with pytest.raises(wasmtime.WasmtimeError) as theirs:
        linker.instantiate(store, wasmtime.Module(engine, wat))
    # wasmtime's text, on one line: the message, then its cause.
    assert " ".join(line.strip() for line in str(theirs.value).splitlines() if line.strip()).replace(
        " Caused by: ", ": ") == message
    source = tmp_path / "bad.wat"
    source.write_text(wat)
    proc = subprocess.run([*jitdebug_command(), str(source)], capture_output=True, text=True, timeout=120,
                          env={**ENV, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"jitdebug: error: {message}\n"


def test_every_preview1_function_has_wasmtimes_type() -> None:
    """Our table of preview-1 types against wasmtime's linker: a module importing each one with our type links."""
    import wasmtime

    from emitter.wasi.preview1 import FUNCTIONS

    imports = []
    for name, func_type in FUNCTIONS.items():
        params = " ".join(t.text for t in func_type.params)
        results = " ".join(t.text for t in func_type.results)
        imports.append(f'(import "wasi_snapshot_preview1" "{name}" (func (param {params}) (result {results})))')
    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    store.set_wasi(wasmtime.WasiConfig())
    linker.instantiate(store, wasmtime.Module(engine, f"(module {' '.join(imports)})"))
    assert len(FUNCTIONS) == 46


REACTOR_C = """
#include <stdio.h>
static int base;
__attribute__((constructor)) static void setup(void) { base = 40; }
__attribute__((export_name("add"))) int add(int x) { printf("add(%d)\\n", x); fflush(stdout); return base + x; }
"""


def test_reactor_runs_initialize_before_the_invoked_export(tmp_path: Path) -> None:
    """A reactor (``-mexec-model=reactor``): ``jitdebug run --invoke add reactor.wasm 2`` runs ``_initialize``
    (the C constructors) first, as wasmtime does, then prints the result."""
    import wasmtime

    source = tmp_path / "reactor.c"
    source.write_text(REACTOR_C)
    module = build_wasi(source, tmp_path / "reactor.wasm", extra=("-mexec-model=reactor",))
    proc = subprocess.run([*jitdebug_command(), "--invoke", "add", str(module), "2"], capture_output=True,
                          text=True, timeout=120, env={**ENV, "PYTHONPATH": str(ROOT)})
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    config = wasmtime.WasiConfig()
    config.stdout_file = str(tmp_path / "theirs.txt")
    store.set_wasi(config)
    exports = linker.instantiate(store, wasmtime.Module.from_file(engine, str(module))).exports(store)
    exports["_initialize"](store)  # type: ignore[operator]
    result = exports["add"](store, 2)  # type: ignore[operator]
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == (tmp_path / "theirs.txt").read_text() + f"{result}\n" == "add(2)\n42\n"


DUPLICATE_IMPORTS = """(module
  (import "wasi_snapshot_preview1" "fd_write" (func $first (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $second (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "one\\ntwo\\n")
  (table 1 funcref)
  (elem (i32.const 0) $second)
  (type $write (func (param i32 i32 i32 i32) (result i32)))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 4))
    (drop (call $first (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 0) (i32.const 20))
    (drop (call_indirect (type $write) (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8) (i32.const 0)))
    (call $exit (i32.const 3))))"""


def test_a_preview1_function_imported_twice_is_one_function_as_in_wasmtime(tmp_path: Path) -> None:
    """Legal Wasm imports a field twice (each import gets a symbol of its own); both reach the host function,
    called directly or through a table, under the JIT and in an AOT executable, as under wasmtime-py."""
    import wasmtime

    module = tmp_path / "twice.wasm"
    module.write_bytes(wasmtime.wat2wasm(DUPLICATE_IMPORTS))
    expected = run_program(oracle_command(), module, cwd=tmp_path, dirs=[], env=[], args=[])
    assert (expected.stdout, expected.returncode) == ("one\ntwo\n", 3), expected.stderr
    jit = run_program(jitdebug_command(), module, cwd=tmp_path, dirs=[], env=[], args=[])
    aot = run_program([], module, cwd=tmp_path, dirs=[], env=[], args=[],
                      executable=build_aot(module, tmp_path / "twice"))
    for ours in (jit, aot):
        assert (ours.stdout, ours.stderr, ours.returncode) == (expected.stdout, expected.stderr, expected.returncode)
