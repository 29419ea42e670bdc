"""The WASI sandbox: escape attempts from a preopened directory are refused with wasmtime's errno, and nothing
outside the preopen is read, written or listed. Guest pointers that leave linear memory trap as wasmtime traps
(its message), never touching host memory. The oracle for every errno is the same program under wasmtime-py
(``test_wasi_corpus.py`` compares the full transcript); here each refusal is asserted by name."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.test_wasi_corpus import make_sandbox
from tests.tools import ENV, ROOT
from tests.wasi_support import CORPUS, build_wasi, jitdebug_command, run_program, tree

EPERM = 63
ENOENT = 44


@pytest.fixture(scope="module")
def escape(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wasi(CORPUS / "escape.c", tmp_path_factory.mktemp("escape") / "escape.wasm", extra=("-w",))


def test_every_escape_is_refused(escape: Path, tmp_path: Path) -> None:
    root = make_sandbox(tmp_path)
    before = tree(root / "outside")
    proc = run_program(jitdebug_command(), escape, cwd=root, dirs=["pre::."], env=[], args=[])
    assert proc.returncode == 0, proc.stderr
    results = {m[0].strip(): (int(m[1]), int(m[2]))
               for m in re.findall(r"^(.{28}) r=(-?\d+) errno=(\d+)", proc.stdout, re.M)}
    refused_eperm = ["open ../secret", "open sub/../../secret", "open out_link", "open out_link/x (dir link)",
                     "open abs_link", "create via out_dirlink", "mkdir ../mk", "unlink ../secret", "rename to ..",
                     "link ../secret", "link file ../hl", "open s2", "symlink /etc/passwd s3", "stat ..",
                     "stat ../secret", "stat out_link", "opendir .."]
    for attempt in refused_eperm:
        assert results[attempt] == (-1, EPERM), (attempt, results[attempt])
    # Absolute paths match no preopen: wasi-libc itself answers ENOENT.
    assert results["open /etc/passwd"] == (-1, ENOENT)
    # What stays inside is allowed.
    assert results["open in_link"][0] >= 0 and results["open sub/.."][0] >= 0
    assert tree(root / "outside") == before
    assert "root:" not in proc.stdout
    assert not (root / "mk").exists() and not (root / "stolen").exists() and not (root / "hl").exists()


BAD_POINTER = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const {buf}))
    (i32.store (i32.const 4) (i32.const {len}))
    (drop (call $w (i32.const 1) (i32.const {iovs}) (i32.const 1) (i32.const {result})))))
"""


@pytest.mark.parametrize(("values", "cause"), [
    ({"buf": 0, "len": 1, "iovs": 70000, "result": 16}, ["Pointer out of bounds: Region { start: 70000, len: 4 }"]),
    ({"buf": 65530, "len": 100, "iovs": 0, "result": 16}, ["Pointer out of bounds: Region { start: 65530, len: 100 }"]),
    ({"buf": 0, "len": 1, "iovs": 0, "result": 65534},
     ["0: In func wasi_snapshot_preview1::fd_write at write size: Pointer out of bounds: Region { start: 65534, "
      "len: 4 }", "1: Pointer out of bounds: Region { start: 65534, len: 4 }"]),
])
def test_pointer_outside_memory_traps_like_wasmtime(values: dict[str, int], cause: list[str], tmp_path: Path) -> None:
    import wasmtime

    wat = BAD_POINTER.format(**values)
    source = tmp_path / "bad.wat"
    source.write_text(wat)
    proc = subprocess.run([*jitdebug_command(), str(source)], capture_output=True, text=True, timeout=120,
                          env={**ENV, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store.set_wasi(wasmtime.WasiConfig())
    instance = linker.instantiate(store, wasmtime.Module(engine, wat))
    with pytest.raises(wasmtime.WasmtimeError) as theirs:
        instance.exports(store)["_start"](store)  # type: ignore[operator]
    expected = str(theirs.value).strip().splitlines()
    assert [line.strip() for line in expected[expected.index("Caused by:") + 1:]] == cause
    ours = proc.stderr.strip().splitlines()
    assert [line.strip() for line in ours[ours.index("Caused by:") + 1:]] == cause
    assert "<wasm function 1>" in proc.stderr and "<wasm function 1>" in str(theirs.value)


PROBES = [
    ('"clock_time_get" (func $f (param i32 i64 i32) (result i32))', "(i32.const 0) (i64.const 0) (i32.const 65535)"),
    ('"clock_time_get" (func $f (param i32 i64 i32) (result i32))', "(i32.const 0) (i64.const 0) (i32.const 4)"),
    ('"clock_res_get" (func $f (param i32 i32) (result i32))', "(i32.const 0) (i32.const 65535)"),
    ('"clock_res_get" (func $f (param i32 i32) (result i32))', "(i32.const 7) (i32.const 0)"),
    ('"args_sizes_get" (func $f (param i32 i32) (result i32))', "(i32.const 0) (i32.const 65535)"),
    ('"args_get" (func $f (param i32 i32) (result i32))', "(i32.const 65535) (i32.const 0)"),
    ('"args_get" (func $f (param i32 i32) (result i32))', "(i32.const 0) (i32.const 65534)"),
    ('"args_get" (func $f (param i32 i32) (result i32))', "(i32.const 2) (i32.const 100)"),
    ('"environ_get" (func $f (param i32 i32) (result i32))', "(i32.const 0) (i32.const 65534)"),
    ('"fd_prestat_get" (func $f (param i32 i32) (result i32))', "(i32.const 3) (i32.const 65535)"),
    ('"fd_prestat_get" (func $f (param i32 i32) (result i32))', "(i32.const 3) (i32.const 1)"),
    ('"fd_filestat_get" (func $f (param i32 i32) (result i32))', "(i32.const 3) (i32.const 65535)"),
    ('"fd_filestat_get" (func $f (param i32 i32) (result i32))', "(i32.const 3) (i32.const 4)"),
    ('"fd_fdstat_get" (func $f (param i32 i32) (result i32))', "(i32.const 3) (i32.const 65535)"),
    ('"fd_fdstat_get" (func $f (param i32 i32) (result i32))', "(i32.const 1) (i32.const 3)"),
    ('"path_open" (func $f (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32))',
     "(i32.const 3) (i32.const 0) (i32.const 65530) (i32.const 10) (i32.const 0) (i64.const 0) (i64.const 0) "
     "(i32.const 0) (i32.const 8)"),
    ('"path_open" (func $f (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32))',
     "(i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 99) (i64.const 0) (i64.const 0) "
     "(i32.const 0) (i32.const 8)"),
    ('"random_get" (func $f (param i32 i32) (result i32))', "(i32.const 65530) (i32.const 10)"),
    ('"fd_read" (func $f (param i32 i32 i32 i32) (result i32))', "(i32.const 0) (i32.const 0) (i32.const 0) "
     "(i32.const 65535)"),
    ('"fd_write" (func $f (param i32 i32 i32 i32) (result i32))', "(i32.const 1) (i32.const 1) (i32.const 1) "
     "(i32.const 16)"),
    ('"fd_readdir" (func $f (param i32 i32 i32 i64 i32) (result i32))', "(i32.const 3) (i32.const 0) "
     "(i32.const 100) (i64.const 0) (i32.const 65535)"),
    ('"fd_readdir" (func $f (param i32 i32 i32 i64 i32) (result i32))', "(i32.const 3) (i32.const 65530) "
     "(i32.const 100) (i64.const 0) (i32.const 0)"),
    ('"poll_oneoff" (func $f (param i32 i32 i32 i32) (result i32))', "(i32.const 65530) (i32.const 0) "
     "(i32.const 1) (i32.const 0)"),
    ('"poll_oneoff" (func $f (param i32 i32 i32 i32) (result i32))', "(i32.const 0) (i32.const 0) (i32.const 1) "
     "(i32.const 65535)"),
    ('"fd_seek" (func $f (param i32 i64 i32 i32) (result i32))', "(i32.const 1) (i64.const 0) (i32.const 9) "
     "(i32.const 0)"),
    ('"fd_advise" (func $f (param i32 i64 i64 i32) (result i32))', "(i32.const 3) (i64.const 0) (i64.const 0) "
     "(i32.const 6)"),
    ('"fd_fdstat_set_flags" (func $f (param i32 i32) (result i32))', "(i32.const 1) (i32.const 64)"),
    ('"fd_filestat_set_times" (func $f (param i32 i64 i64 i32) (result i32))', "(i32.const 3) (i64.const 0) "
     "(i64.const 0) (i32.const 16)"),
]


def _causes(text: str) -> list[str]:
    lines = text.strip().splitlines()
    return [line.strip() for line in lines[lines.index("Caused by:") + 1:] if line.strip() and "note:" not in line]


@pytest.mark.parametrize(("imported", "arguments"), PROBES, ids=[f"{i.split()[0]}-{n}" for n, (i, _) in
                                                                  enumerate(PROBES)])
def test_bad_guest_pointers_and_values_trap_as_in_wasmtime(imported: str, arguments: str, tmp_path: Path) -> None:
    """Every field is checked for bounds and alignment as wasmtime reads and writes it, and an invalid enum or
    flags value traps: the causes (with wasmtime's "In func ... at write <type>" context) are wasmtime's."""
    import wasmtime

    from emitter.errors import TrapError
    from emitter.jit import compile_wasm
    from emitter.wasi.config import WasiConfig

    wat = (f'(module (import "wasi_snapshot_preview1" {imported}) (memory (export "memory") 1) '
           f'(func (export "_start") (drop (call $f {arguments}))))')
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    config = wasmtime.WasiConfig()
    config.argv = ["a", "bb"]
    config.env = [("K", "V")]
    config.preopen_dir(str(tmp_path), ".")
    store.set_wasi(config)
    with pytest.raises(wasmtime.WasmtimeError) as theirs:
        linker.instantiate(store, wasmtime.Module(engine, wat)).exports(store)["_start"](store)  # type: ignore
    source = tmp_path / "probe.wat"
    source.write_text(wat)
    ours_config = WasiConfig(argv=["a", "bb"], env={"K": "V"})
    ours_config.preopen_dir(tmp_path, ".")
    with compile_wasm(source, listing_dir=tmp_path).instantiate(wasi=ours_config) as instance, \
            pytest.raises(TrapError) as ours:
        instance.exports["_start"]()
    assert _causes(ours.value.backtrace) == _causes(str(theirs.value))
