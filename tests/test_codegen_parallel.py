"""Functions compiled on several cores: the same object byte for byte as a sequential compile, a failing worker
costs only time, errors are the sequential compile's, ranges are balanced, and a traced process never forks."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import wasmtime

from emitter.codegen import parallel
from emitter.codegen.compiler import compile_module
from emitter.debuggers import inferior
from emitter.errors import EmitError
from emitter.lower import write_object
from emitter.wasm.load import load_bytes
from scripts.bench_compile import generate_module
from tests.tools import run

#: Functions of ``generate_module``: enough instructions (about 20 each) to be worth splitting.
FUNCTIONS = 3000


@pytest.fixture(scope="module")
def wasm() -> bytes:
    data = generate_module(FUNCTIONS)
    module = load_bytes(data)
    assert sum(len(f.body) for f in module.functions) >= parallel.MIN_INSTRUCTIONS
    return data


def _object(wasm: bytes, jobs: int, path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.setenv("JITDEBUG_COMPILE_JOBS", str(jobs))
    compiled = compile_module(load_bytes(wasm), module_name="bench")
    compiled.source_file, compiled.source_dir = "bench.wat.lst", "/src"
    write_object(compiled, path)
    return path.read_bytes()


def test_parallel_compile_writes_the_sequential_object(wasm: bytes, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    sequential = _object(wasm, 1, tmp_path / "one.o", monkeypatch)
    monkeypatch.setattr(parallel.os, "fork", counting_fork)
    assert _object(wasm, 3, tmp_path / "three.o", monkeypatch) == sequential
    assert len(forks) == 2


def _squares(start: int, stop: int) -> list[int]:
    return [n * n for n in range(start, stop)]


def test_a_worker_that_dies_or_raises_is_replaced_by_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JITDEBUG_COMPILE_JOBS", "4")
    parent = os.getpid()
    weights = [parallel.MIN_INSTRUCTIONS // 100] * 100

    def flaky(start: int, stop: int) -> list[int]:
        if os.getpid() != parent:
            if start < 50:
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("worker failure")
        return _squares(start, stop)

    assert parallel.map_ranges(flaky, weights) == _squares(0, 100)


def test_an_error_is_the_sequential_compiles_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JITDEBUG_COMPILE_JOBS", "3")
    weights = [parallel.MIN_INSTRUCTIONS // 10] * 10

    def failing(start: int, stop: int) -> list[int]:
        if start <= 7 < stop:
            raise EmitError("bad function", function="f7", offset=3)
        return _squares(start, stop)

    with pytest.raises(EmitError, match="bad function"):
        parallel.map_ranges(failing, weights)
    # The parent's own range failing too: the workers are stopped, nothing is left behind.
    with pytest.raises(EmitError):
        parallel.map_ranges(lambda start, stop: failing(0, 10), weights)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize("weights,jobs", [([1] * 10, 3), ([5, 1, 1, 1, 1, 1], 2), ([1], 4), ([3, 0, 0, 3], 2),
                                          ([2] * 7, 7)])
def test_split_covers_every_item_in_balanced_contiguous_ranges(weights: list[int], jobs: int) -> None:
    ranges = parallel.split(weights, jobs)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(weights)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    assert all(start < stop for start, stop in ranges) and len(ranges) <= jobs
    share = sum(weights) / jobs
    assert all(sum(weights[start:stop]) <= share + max(weights) for start, stop in ranges)


def test_no_fork_under_a_debugger(wasm: bytes, tmp_path: Path) -> None:
    module = tmp_path / "big.wasm"
    module.write_bytes(wasm)
    command, env = inferior(["jitdebug", "run", str(module), "--invoke", "f10", "1", "2"])
    out = run(["gdb", "-nx", "-batch", "-ex", "run", "--args", *command], env={**env, "JITDEBUG_CACHE": "0"},
              timeout=300).stdout
    expected = wasmtime.Instance(store := wasmtime.Store(), wasmtime.Module(store.engine, wasm), []).exports(store)
    assert f"{expected['f10'](store, 1, 2)}\n" in out, out
    assert "exited normally" in out and "fork" not in out.lower(), out
